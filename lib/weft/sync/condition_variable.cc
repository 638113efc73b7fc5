#include "weft/sync/condition_variable.h"

#include <algorithm>

#include "weft/sync/misuse.h"

namespace weft {

using detail::Execution;
using detail::Op;
using detail::WakeReason;

void detail::ConditionVariableBase::notify_one(weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kNotifyOne, this, name_, where, Cancel::kNonCancellable);
  queue_.notify_one(ex, where);
}

void detail::ConditionVariableBase::notify_all(weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kNotifyAll, this, name_, where, Cancel::kNonCancellable);
  queue_.notify_all(ex);
}

cv_status condition_variable::wait_until_ns(std::unique_lock<mutex>& lock, int64_t deadline,
                                            weft::source_location where) {
  Execution& ex = Execution::get();
  if (!lock.owns_lock() || !lock.mutex()->core().held_by_current()) {
    detail::report_misuse(ex, {.rule = MisuseRule::kWaitWithoutLock, .object_type = "condition_variable"}, this, name_,
                          where);
    return cv_status::no_timeout;
  }
  ex.point(Op::kWait, this, name_, where);
  detail::MutexCore& m = lock.mutex()->core();
  // Unlocking and starting to wait are one atomic step, as the standard requires.
  queue_.enter(ex);
  m.release_for_wait();
  const WakeReason why = queue_.wait(ex, this, name_, deadline);
  if (why == WakeReason::kAborted) return cv_status::no_timeout;
  m.reacquire_after_wait(where);
  return why == WakeReason::kTimedOut ? cv_status::timeout : cv_status::no_timeout;
}

void condition_variable_any::begin_wait(weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kWait, this, name_, where);
  queue_.enter(ex);
}

WakeReason condition_variable_any::end_wait(int64_t deadline) {
  return queue_.wait(Execution::get(), this, name_, deadline);
}

}  // namespace weft
