#include "weft/sync/latch.h"

#include "weft/detect/happens_before.h"
#include "weft/sync/misuse.h"

namespace weft {

using detail::Cancel;
using detail::Execution;
using detail::Op;
using detail::WakeReason;

void latch::count_down(std::ptrdiff_t n, weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kCountDown, this, name_, where, Cancel::kNonCancellable, static_cast<uint64_t>(n));
  if (n < 0 || n > count_) {
    detail::report_misuse(
        ex, {.rule = MisuseRule::kCountDownOutOfRange, .object_type = "latch", .amount = n, .available = count_}, this,
        name_, where, Cancel::kNonCancellable);
    return;
  }
  if (detail::HappensBefore* hb = ex.races()) hb->release(ex.current(), clock_);
  count_ -= n;
  if (count_ == 0) {
    for (auto w : waiters_) ex.wake(w);
    waiters_.clear();
  }
}

bool latch::try_wait(weft::source_location where) const noexcept {
  Execution& ex = Execution::get();
  ex.point(Op::kArriveAndWait, this, name_, where, Cancel::kNonCancellable);
  if (count_ != 0) {
    ex.note_yield();
    return false;
  }
  if (detail::HappensBefore* hb = ex.races()) hb->acquire(ex.current(), clock_);
  return true;
}

void latch::wait(weft::source_location where) const {
  Execution& ex = Execution::get();
  ex.point(Op::kArriveAndWait, this, name_, where);
  while (count_ != 0) {
    waiters_.push_back(ex.current());
    if (ex.block(*this) == WakeReason::kAborted) return;
  }
  if (detail::HappensBefore* hb = ex.races()) hb->acquire(ex.current(), clock_);
}

barrier::arrival_token barrier::arrive_internal(std::ptrdiff_t n, bool drop, weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kArriveAndWait, this, name_, where);
  if (n <= 0 || n > pending_) {
    detail::report_misuse(
        ex, {.rule = MisuseRule::kArrivalOutOfRange, .object_type = "barrier", .amount = n, .available = pending_},
        this, name_, where);
    return phase_;
  }
  if (detail::HappensBefore* hb = ex.races()) hb->release(ex.current(), clock_);
  const uint64_t phase = phase_;
  if (drop) --expected_;
  pending_ -= n;
  if (pending_ == 0) {
    // The completion step happens after every arrival of the phase
    // ([thread.barrier.class]): it may read what the arrivers wrote.
    if (detail::HappensBefore* hb = ex.races()) hb->acquire(ex.current(), clock_);
    if (completion_) completion_();
    if (detail::HappensBefore* hb = ex.races()) hb->release(ex.current(), clock_);
    ++phase_;
    pending_ = expected_;
    for (auto w : waiters_) ex.wake(w);
    waiters_.clear();
  }
  return phase;
}

barrier::arrival_token barrier::arrive(std::ptrdiff_t n, weft::source_location where) {
  return arrive_internal(n, false, where);
}

void barrier::arrive_and_drop(weft::source_location where) { arrive_internal(1, true, where); }

void barrier::wait(arrival_token phase, weft::source_location where) const {
  Execution& ex = Execution::get();
  while (phase_ == phase) {
    waiters_.push_back(ex.current());
    if (ex.block(*this) == WakeReason::kAborted) return;
  }
  if (detail::HappensBefore* hb = ex.races()) hb->acquire(ex.current(), clock_);
  (void)where;
}

}  // namespace weft
