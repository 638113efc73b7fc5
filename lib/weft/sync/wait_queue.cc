#include "weft/sync/wait_queue.h"

#include <algorithm>

#include "weft/detect/happens_before.h"

namespace weft::detail {

WakeReason WaitQueue::wait(Execution& ex, const void* cv, const char* name, int64_t deadline) {
  const ThreadId self = ex.current();
  WakeReason why = WakeReason::kWoken;
  if (std::find(waiters_.begin(), waiters_.end(), self) != waiters_.end()) {
    // Blocked here, the thread waits on the condition variable, whatever
    // its last scheduling point was (condition_variable_any's unlock).
    ex.retarget_pending(Op::kWait, cv, name);
    why = ex.block(*this, deadline, ex.spurious_wakeups());
    if (why != WakeReason::kWoken) std::erase(waiters_, self);
  }
  if (HappensBefore* hb = ex.races(); hb != nullptr && why == WakeReason::kWoken) hb->acquire(self, clock_);
  return why;
}

void WaitQueue::notify_one(Execution& ex, weft::source_location where) {
  if (HappensBefore* hb = ex.races()) hb->release(ex.current(), clock_);
  if (waiters_.empty()) return;
  // Which waiter wakes is the implementation's choice: explore it.
  const uint32_t pick = ex.choose(static_cast<uint32_t>(waiters_.size()), where);
  const ThreadId woken = waiters_[pick];
  waiters_.erase(waiters_.begin() + pick);
  ex.wake(woken);
}

void WaitQueue::notify_all(Execution& ex) {
  if (HappensBefore* hb = ex.races()) hb->release(ex.current(), clock_);
  for (ThreadId w : waiters_) ex.wake(w);
  waiters_.clear();
}

}  // namespace weft::detail
