#include "weft/sync/access.h"

#include "absl/strings/str_cat.h"
#include "weft/detect/happens_before.h"
#include "weft/report/symbolize.h"
#include "weft/report/trace.h"

namespace weft::detail {
namespace {

std::string describe_access(const Access& a) {
  return absl::StrCat("thread ", a.thread, a.write ? " writes" : " reads", " at step ", a.step, ", ",
                      describe_site(a.where, a.pc));
}

}  // namespace

void plain_access(Op op, const void* address, std::size_t size, const char* name, std::source_location where,
                  const void* pc) {
  Execution& ex = Execution::get();
  ex.point(op, address, name, where, Cancel::kCancellable, 0, pc);
  HappensBefore* hb = ex.races();
  if (hb == nullptr || ex.aborting()) return;
  std::optional<Race> race = hb->access(ex.current(), address, size, op == Op::kWrite, name, ex.step(), where, pc);
  if (!race) [[likely]] return;
  const std::string what = race->name != nullptr ? absl::StrCat("'", race->name, "'")
                                                 : absl::StrCat(size, " bytes at 0x", absl::Hex(reinterpret_cast<uintptr_t>(address)));
  ex.fail_highlighting(FailureKind::kDataRace,
                       absl::StrCat("data race on ", what, ": ", race->earlier.write ? "write" : "read", " by thread ",
                                    race->earlier.thread, " and ", race->later.write ? "write" : "read",
                                    " by thread ", race->later.thread, " are not ordered by happens-before"),
                       where, {describe_access(race->earlier), describe_access(race->later)},
                       {race->earlier.step, race->later.step});
}

void atomic_sync(AtomicEffect effect, std::memory_order order, SyncClock& clock) {
  Execution& ex = Execution::get();
  HappensBefore* hb = ex.races();
  if (hb == nullptr) return;
  const ThreadId t = ex.current();
  const bool acquire = order == std::memory_order_acquire || order == std::memory_order_acq_rel ||
                       order == std::memory_order_seq_cst || order == std::memory_order_consume;
  const bool release = order == std::memory_order_release || order == std::memory_order_acq_rel ||
                       order == std::memory_order_seq_cst;
  switch (effect) {
    case AtomicEffect::kLoad:
      if (acquire) hb->acquire(t, clock);
      break;
    case AtomicEffect::kStore:
      // A relaxed store ends any release sequence: later acquires of this
      // value learn nothing.
      if (release) {
        hb->release_store(t, clock);
      } else {
        clock.clock.clear();
      }
      break;
    case AtomicEffect::kReadModifyWrite:
      // RMWs continue the release sequence of the store they read.
      if (acquire) hb->acquire(t, clock);
      if (release) hb->release(t, clock);
      break;
  }
}

}  // namespace weft::detail
