#include "weft/sync/shared_mutex.h"

#include <algorithm>

#include "weft/detect/happens_before.h"
#include "weft/sync/lock_order_hooks.h"
#include "weft/sync/misuse.h"

namespace weft {

using detail::Cancel;
using detail::Execution;
using detail::kNoThread;
using detail::Op;
using detail::report_misuse;
using detail::WakeReason;

shared_mutex::shared_mutex() : order_node_(detail::lock_order_node_for_new_lock()) {}
shared_mutex::shared_mutex(const char* name) : name_(name), order_node_(detail::lock_order_node_for_new_lock()) {}

shared_mutex::~shared_mutex() {
  Execution* ex = Execution::get_if_any();
  if (ex == nullptr || (writer_ == kNoThread && readers_.empty())) return;
  std::vector<detail::ThreadId> held_by;
  holders(held_by);
  report_misuse(*ex, {.rule = MisuseRule::kDestroyedWhileHeld, .object_type = "shared_mutex", .holders = held_by}, this,
                name_, {}, Cancel::kNonCancellable);
}

void shared_mutex::holders(std::vector<detail::ThreadId>& out) const {
  if (writer_ != kNoThread) out.push_back(writer_);
  for (auto r : readers_) {
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  }
}

bool shared_mutex::held_shared_by_current() const {
  return std::find(readers_.begin(), readers_.end(), Execution::get().current()) != readers_.end();
}

void shared_mutex::wake_all(Execution& ex) {
  for (auto w : waiters_) ex.wake(w);
  waiters_.clear();
}

void shared_mutex::lock(weft::source_location where) {
  lock_until(detail::kNoDeadline, where, __builtin_return_address(0));
}

bool shared_mutex::lock_until(int64_t deadline, weft::source_location where, const void* pc) {
  Execution& ex = Execution::get();
  ex.point(Op::kLock, this, name_, where, Cancel::kCancellable, 0, pc);
  const auto self = ex.current();
  if (writer_ == self || std::find(readers_.begin(), readers_.end(), self) != readers_.end()) {
    report_misuse(ex, {.rule = MisuseRule::kRelock, .object_type = "shared_mutex"}, this, name_, where);
    return false;
  }
  while (writer_ != kNoThread || !readers_.empty()) {
    waiters_.push_back(self);
    const WakeReason why = ex.block(*this, deadline);
    if (why != WakeReason::kWoken) {
      std::erase(waiters_, self);
      if (why == WakeReason::kAborted || writer_ != kNoThread || !readers_.empty()) return false;
    }
  }
  writer_ = self;
  if (detail::HappensBefore* hb = ex.races()) {
    hb->acquire(self, write_clock_);
    hb->acquire(self, read_clock_);
  }
  detail::note_acquired(ex, this, order_node_, name_, where, pc, /*blocking=*/deadline == detail::kNoDeadline,
                        detail::Hold::kExclusive);
  return true;
}

bool shared_mutex::try_lock(weft::source_location where) {
  Execution& ex = Execution::get();
  const void* pc = __builtin_return_address(0);
  ex.point(Op::kTryLock, this, name_, where, Cancel::kCancellable, 0, pc);
  if (writer_ != kNoThread || !readers_.empty()) {
    ex.note_failed_attempt();
    return false;
  }
  writer_ = ex.current();
  if (detail::HappensBefore* hb = ex.races()) {
    hb->acquire(writer_, write_clock_);
    hb->acquire(writer_, read_clock_);
  }
  detail::note_acquired(ex, this, order_node_, name_, where, pc, /*blocking=*/false, detail::Hold::kExclusive);
  return true;
}

void shared_mutex::unlock(weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kUnlock, this, name_, where, Cancel::kNonCancellable, 0, __builtin_return_address(0));
  if (writer_ != ex.current()) {
    if (ex.aborting()) return;
    std::vector<detail::ThreadId> held_by;
    holders(held_by);
    report_misuse(ex, {.rule = MisuseRule::kUnlockNotHeld, .object_type = "shared_mutex", .holders = held_by}, this,
                  name_, where, Cancel::kNonCancellable);
    return;
  }
  if (detail::HappensBefore* hb = ex.races()) hb->release(writer_, write_clock_);
  detail::note_released(ex, this);
  writer_ = kNoThread;
  wake_all(ex);
}

void shared_mutex::lock_shared(weft::source_location where) {
  lock_shared_until(detail::kNoDeadline, where, __builtin_return_address(0));
}

bool shared_mutex::lock_shared_until(int64_t deadline, weft::source_location where, const void* pc) {
  Execution& ex = Execution::get();
  ex.point(Op::kLockShared, this, name_, where, Cancel::kCancellable, 0, pc);
  const auto self = ex.current();
  if (writer_ == self) {
    report_misuse(ex, {.rule = MisuseRule::kLockSharedWhileExclusive, .object_type = "shared_mutex"}, this, name_,
                  where);
    return false;
  }
  while (writer_ != kNoThread) {
    waiters_.push_back(self);
    const WakeReason why = ex.block(*this, deadline);
    if (why != WakeReason::kWoken) {
      std::erase(waiters_, self);
      if (why == WakeReason::kAborted || writer_ != kNoThread) return false;
    }
  }
  readers_.push_back(self);
  if (detail::HappensBefore* hb = ex.races()) hb->acquire(self, write_clock_);
  detail::note_acquired(ex, this, order_node_, name_, where, pc, /*blocking=*/deadline == detail::kNoDeadline,
                        detail::Hold::kShared);
  return true;
}

bool shared_mutex::try_lock_shared(weft::source_location where) {
  Execution& ex = Execution::get();
  const void* pc = __builtin_return_address(0);
  ex.point(Op::kTryLockShared, this, name_, where, Cancel::kCancellable, 0, pc);
  if (writer_ != kNoThread) {
    ex.note_failed_attempt();
    return false;
  }
  readers_.push_back(ex.current());
  if (detail::HappensBefore* hb = ex.races()) hb->acquire(ex.current(), write_clock_);
  detail::note_acquired(ex, this, order_node_, name_, where, pc, /*blocking=*/false, detail::Hold::kShared);
  return true;
}

void shared_mutex::unlock_shared(weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kUnlockShared, this, name_, where, Cancel::kNonCancellable, 0, __builtin_return_address(0));
  auto it = std::find(readers_.begin(), readers_.end(), ex.current());
  if (it == readers_.end()) {
    if (ex.aborting()) return;
    std::vector<detail::ThreadId> held_by;
    holders(held_by);
    report_misuse(ex, {.rule = MisuseRule::kUnlockSharedNotHeld, .object_type = "shared_mutex", .holders = held_by},
                  this, name_, where, Cancel::kNonCancellable);
    return;
  }
  readers_.erase(it);
  if (detail::HappensBefore* hb = ex.races()) hb->release(ex.current(), read_clock_);
  detail::note_released(ex, this);
  if (readers_.empty()) wake_all(ex);
}

}  // namespace weft
