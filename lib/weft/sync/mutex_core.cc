#include "weft/sync/mutex_core.h"

#include <algorithm>

#include "weft/detect/happens_before.h"
#include "weft/sync/lock_order_hooks.h"
#include "weft/sync/misuse.h"

namespace weft::detail {

MutexCore::MutexCore(const char* name, bool recursive)
    : name_(name), recursive_(recursive), order_node_(lock_order_node_for_new_lock()) {}

MutexCore::~MutexCore() {
  Execution* ex = Execution::get_if_any();
  if (ex == nullptr || owner_ == kNoThread) return;
  report_misuse(*ex, {.rule = MisuseRule::kDestroyedWhileHeld, .object_type = "mutex", .holders = {owner_}}, this,
                name_, {}, Cancel::kNonCancellable);
}

bool MutexCore::held_by_current() const {
  Execution* ex = Execution::get_if_any();
  return ex != nullptr && owner_ == ex->current();
}

void MutexCore::take(Execution& ex, weft::source_location where, const void* pc, bool blocking) {
  owner_ = ex.current();
  depth_ = 1;
  if (HappensBefore* hb = ex.races()) hb->acquire(owner_, clock_);
  note_acquired(ex, this, order_node_, name_, where, pc, blocking, Hold::kExclusive);
}

void MutexCore::give(Execution& ex) {
  if (HappensBefore* hb = ex.races()) hb->release(owner_, clock_);
  note_released(ex, this);
  owner_ = kNoThread;
  depth_ = 0;
  for (ThreadId w : waiters_) ex.wake(w);
  waiters_.clear();
}

bool MutexCore::acquire_or_block(Execution& ex, int64_t deadline, weft::source_location where, const void* pc) {
  const ThreadId self = ex.current();
  while (owner_ != kNoThread) {
    if (owner_ == self) {
      if (recursive_) {
        ++depth_;
        return true;
      }
      report_misuse(ex, {.rule = MisuseRule::kRelock, .object_type = "mutex"}, this, name_, where);
      return false;
    }
    waiters_.push_back(self);
    const WakeReason why = ex.block(*this, deadline);
    if (why != WakeReason::kWoken) {
      waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), self), waiters_.end());
      if (why == WakeReason::kAborted) return false;
      if (owner_ != kNoThread) return false;  // timed out while still held
    }
  }
  // A timed lock gives up instead of waiting forever: like try_lock, no lock-order edge.
  take(ex, where, pc, /*blocking=*/deadline == kNoDeadline);
  return true;
}

void MutexCore::lock(weft::source_location where, const void* pc) {
  Execution& ex = Execution::get();
  ex.point(Op::kLock, this, name_, where, Cancel::kCancellable, 0, pc);
  acquire_or_block(ex, kNoDeadline, where, pc);
}

bool MutexCore::try_lock(weft::source_location where, const void* pc) {
  Execution& ex = Execution::get();
  ex.point(Op::kTryLock, this, name_, where, Cancel::kCancellable, 0, pc);
  if (owner_ == kNoThread) {
    take(ex, where, pc, /*blocking=*/false);
    return true;
  }
  if (owner_ == ex.current() && recursive_) {
    ++depth_;
    return true;
  }
  // How spin loops wait: repeated, it gets the spinner demoted under PCT.
  ex.note_failed_attempt();
  return false;
}

bool MutexCore::try_lock_until(int64_t deadline, weft::source_location where, const void* pc) {
  Execution& ex = Execution::get();
  ex.point(Op::kTryLock, this, name_, where, Cancel::kCancellable, 0, pc);
  return acquire_or_block(ex, deadline, where, pc);
}

void MutexCore::unlock(weft::source_location where, const void* pc) {
  Execution& ex = Execution::get();
  // unlock runs in lock_guard destructors: it must never unwind.
  ex.point(Op::kUnlock, this, name_, where, Cancel::kNonCancellable, 0, pc);
  if (owner_ != ex.current()) {
    if (ex.aborting()) return;
    std::vector<int> holders;
    this->holders(holders);
    report_misuse(ex, {.rule = MisuseRule::kUnlockNotHeld, .object_type = "mutex", .holders = std::move(holders)}, this,
                  name_, where, Cancel::kNonCancellable);
    return;
  }
  if (--depth_ > 0) return;
  give(ex);
}

void MutexCore::release_for_wait() {
  Execution& ex = Execution::get();
  if (owner_ == ex.current()) give(ex);
}

void MutexCore::reacquire_after_wait(weft::source_location where) {
  Execution& ex = Execution::get();
  // Woken from the condition variable, the thread now waits for the mutex.
  ex.retarget_pending(Op::kLock, this, name_);
  acquire_or_block(ex, kNoDeadline, where);
}

}  // namespace weft::detail
