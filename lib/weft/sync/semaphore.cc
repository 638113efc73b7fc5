#include "weft/sync/semaphore.h"

#include <algorithm>

#include "weft/sync/misuse.h"

namespace weft::detail {

void SemaphoreCore::release(std::ptrdiff_t n, weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kRelease, this, name_, where, Cancel::kNonCancellable, static_cast<uint64_t>(n));
  if (n < 0 || count_ + n > max_) {
    report_misuse(ex,
                  {.rule = MisuseRule::kReleaseOutOfRange,
                   .object_type = "semaphore",
                   .amount = n,
                   .available = count_,
                   .maximum = max_},
                  this, name_, where, Cancel::kNonCancellable);
    return;
  }
  if (HappensBefore* hb = ex.races()) hb->release(ex.current(), clock_);
  count_ += n;
  for (ThreadId w : waiters_) ex.wake(w);
  waiters_.clear();
}

bool SemaphoreCore::try_acquire(weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kTryAcquire, this, name_, where);
  if (count_ == 0) {
    ex.note_failed_attempt();
    return false;
  }
  --count_;
  if (HappensBefore* hb = ex.races()) hb->acquire(ex.current(), clock_);
  return true;
}

std::ptrdiff_t SemaphoreCore::value(weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kLoad, this, name_, where);
  return count_;
}

bool SemaphoreCore::acquire_until(int64_t deadline, weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kAcquire, this, name_, where);
  while (count_ == 0) {
    waiters_.push_back(ex.current());
    const WakeReason why = ex.block(*this, deadline);
    if (why != WakeReason::kWoken) {
      std::erase(waiters_, ex.current());
      if (why == WakeReason::kAborted || count_ == 0) return false;
    }
  }
  --count_;
  if (HappensBefore* hb = ex.races()) hb->acquire(ex.current(), clock_);
  return true;
}

}  // namespace weft::detail
