#include "weft/sync/condition_variable.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "weft/detect/happens_before.h"

namespace weft {

using detail::Cancel;
using detail::Execution;
using detail::Op;
using detail::WakeReason;

void condition_variable::notify_one(weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kNotifyOne, this, name_, where, Cancel::kNonCancellable);
  if (detail::HappensBefore* hb = ex.races()) hb->release(ex.current(), clock_);
  if (waiters_.empty()) return;
  // Which waiter wakes is the implementation's choice: explore it.
  const uint32_t pick = ex.choose(static_cast<uint32_t>(waiters_.size()), where);
  const detail::ThreadId woken = waiters_[pick];
  waiters_.erase(waiters_.begin() + pick);
  ex.wake(woken);
}

void condition_variable::notify_all(weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kNotifyAll, this, name_, where, Cancel::kNonCancellable);
  if (detail::HappensBefore* hb = ex.races()) hb->release(ex.current(), clock_);
  for (detail::ThreadId w : waiters_) ex.wake(w);
  waiters_.clear();
}

cv_status condition_variable::wait_until_ns(std::unique_lock<mutex>& lock, int64_t deadline,
                                            weft::source_location where) {
  Execution& ex = Execution::get();
  if (!lock.owns_lock() || !lock.mutex()->core().held_by_current()) {
    ex.fail(FailureKind::kMisuse,
            absl::StrCat("misuse: thread ", ex.current(),
                         " waits on a condition_variable without holding the mutex of its unique_lock"),
            where);
    return cv_status::no_timeout;
  }
  ex.point(Op::kWait, this, name_, where);
  detail::MutexCore& m = lock.mutex()->core();
  const detail::ThreadId self = ex.current();
  // Unlocking and starting to wait are one atomic step, as the standard requires.
  waiters_.push_back(self);
  m.release_for_wait();
  const WakeReason why = ex.block(*this, deadline, ex.spurious_wakeups());
  if (why != WakeReason::kWoken) std::erase(waiters_, self);
  if (why == WakeReason::kAborted) return cv_status::no_timeout;
  if (detail::HappensBefore* hb = ex.races(); hb != nullptr && why == WakeReason::kWoken) hb->acquire(self, clock_);
  m.reacquire_after_wait(where);
  return why == WakeReason::kTimedOut ? cv_status::timeout : cv_status::no_timeout;
}

}  // namespace weft
