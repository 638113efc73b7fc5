// The waiting and waking that condition_variable and condition_variable_any
// share: the threads waiting, which notify_one picks from (an explored
// choice: not FIFO), and the happens-before clock a notify hands to the
// threads it wakes.
//
//   queue_.enter(ex);                       // from here on a notify reaches us
//   lock.unlock();                          // (condition_variable_any only)
//   WakeReason why = queue_.wait(ex, this, name_, deadline);
#pragma once

#include <cstdint>
#include <vector>

#include "weft/base/source_location.h"
#include "weft/detect/vector_clock.h"
#include "weft/runtime/execution.h"

namespace weft::detail {

class WaitQueue final : public Waitable {
 public:
  // The running thread joins the waiters. A notify from now on reaches it,
  // even before it blocks: condition_variable_any unlocks the user's lock,
  // a scheduling point of its own, in between, and the standard makes
  // releasing the lock and starting to wait one atomic step.
  void enter(Execution& ex) { waiters_.push_back(ex.current()); }

  // Blocks until notified, timed out, woken spuriously (when the options
  // allow) or aborted; returns at once if a notify already took the thread
  // off the queue. `cv` and `name` label the wait in reports.
  WakeReason wait(Execution& ex, const void* cv, const char* name, int64_t deadline);

  void notify_one(Execution& ex, weft::source_location where);
  void notify_all(Execution& ex);
  // How many threads a notify would reach (a futex wake returns the number
  // it woke).
  std::size_t waiting() const { return waiters_.size(); }

 private:
  std::vector<ThreadId> waiters_;
  SyncClock clock_;
};

}  // namespace weft::detail
