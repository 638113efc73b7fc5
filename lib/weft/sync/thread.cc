#include "weft/sync/thread.h"

#include "weft/detect/happens_before.h"
#include "weft/runtime/execution.h"
#include "weft/sync/misuse.h"

namespace weft::detail {
namespace {

struct SleepWaitable final : Waitable {};
const SleepWaitable kSleeping;

}  // namespace

int spawn_thread(ThreadFn&& fn) {
  Execution& ex = Execution::get();
  ex.point(Op::kSpawn, nullptr, nullptr, {}, Cancel::kCancellable, static_cast<uint64_t>(ex.thread_count()));
  return ex.spawn(std::move(fn), {});
}

void join_thread(int id, weft::source_location where) {
  Execution& ex = Execution::get();
  if (id < 0) {
    report_misuse(ex, {.rule = MisuseRule::kJoinNotJoinable, .object_type = "thread"}, nullptr, nullptr, where,
                  Cancel::kNonCancellable);
    return;
  }
  if (id == ex.current()) {
    report_misuse(ex, {.rule = MisuseRule::kJoinSelf, .object_type = "thread", .other_thread = id}, nullptr, nullptr,
                  where, Cancel::kNonCancellable);
    return;
  }
  // Joins run in destructors of RAII wrappers: never cancellable.
  ex.point(Op::kJoin, nullptr, nullptr, where, Cancel::kNonCancellable, static_cast<uint64_t>(id));
  ex.wait_for_exit(id);
  if (HappensBefore* hb = ex.races(); hb != nullptr && ex.finished(id)) hb->join(ex.current(), id);
}

void detach_thread(int id, weft::source_location where) {
  Execution& ex = Execution::get();
  if (id < 0) {
    report_misuse(ex, {.rule = MisuseRule::kDetachNotJoinable, .object_type = "thread"}, nullptr, nullptr, where,
                  Cancel::kNonCancellable);
    return;
  }
  ex.point(Op::kDetach, nullptr, nullptr, where, Cancel::kNonCancellable, static_cast<uint64_t>(id));
}

void destroy_joinable_thread(int id) {
  Execution* ex = Execution::get_if_any();
  if (ex == nullptr) return;
  report_misuse(*ex, {.rule = MisuseRule::kThreadDestroyedWhileJoinable, .object_type = "thread", .other_thread = id},
                nullptr, nullptr, {}, Cancel::kNonCancellable);
}

int current_thread_id() {
  Execution* ex = Execution::get_if_any();
  return ex == nullptr ? -1 : ex->current();
}

void yield_now(weft::source_location where) { Execution::get().yield_point(where); }

void sleep_ns(int64_t ns, weft::source_location where) {
  Execution& ex = Execution::get();
  ex.note_yield();
  ex.point(Op::kSleep, nullptr, nullptr, where, Cancel::kCancellable, static_cast<uint64_t>(ns));
  if (ns <= 0) return;
  ex.block(kSleeping, ex.now() + ns);
}

void sleep_until_ns(int64_t deadline, weft::source_location where) {
  Execution& ex = Execution::get();
  ex.note_yield();
  ex.point(Op::kSleep, nullptr, nullptr, where, Cancel::kCancellable,
           static_cast<uint64_t>(deadline > ex.now() ? deadline - ex.now() : 0));
  // Read the clock after the point: time may have advanced while this
  // thread waited to be scheduled, and the deadline is absolute.
  if (deadline <= ex.now()) return;
  ex.block(kSleeping, deadline);
}

int64_t virtual_now_ns() {
  Execution* ex = Execution::get_if_any();
  return ex == nullptr ? 0 : ex->now();
}

}  // namespace weft::detail
