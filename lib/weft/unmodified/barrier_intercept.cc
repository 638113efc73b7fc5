// pthread barriers, interposed. glibc's wait blocks in an inline futex
// system call that weft cannot see: a thread arriving first would block the
// OS thread. On a weft thread a barrier is a PthreadBarrier in the
// execution's tables (pthread_barrier.h); glibc's own init and destroy still
// run, so bad use gets glibc's errors (a count of 0 is EINVAL). Destroying
// a barrier that threads wait at, which glibc leaves undefined (its destroy
// waits for them forever), is reported as misuse.
#include <errno.h>
#include <pthread.h>

#include "absl/container/flat_hash_map.h"
#include "weft/detect/happens_before.h"
#include "weft/sync/misuse.h"
#include "weft/unmodified/control.h"
#include "weft/unmodified/real_pthread.h"

namespace weft::detail {

int PthreadBarrier::wait(Execution& ex, const void* object, const void* pc) {
  ex.point(Op::kArriveAndWait, object, nullptr, {}, Cancel::kCancellable, 0, pc);
  HappensBefore* hb = ex.races();
  if (hb != nullptr) hb->release(ex.current(), arrivals_);
  if (waiting_.size() + 1 < count_) {
    const uint64_t round = round_;
    waiting_.push_back(ex.current());
    while (round_ == round) {
      if (ex.block(*this) == WakeReason::kAborted) return 0;
    }
    return 0;
  }
  // The last arrival: every thread of the round learns what all of them
  // did before arriving, now, before a later round adds to the clock.
  if (hb != nullptr) {
    hb->acquire(ex.current(), arrivals_);
    for (ThreadId waiter : waiting_) hb->acquire(waiter, arrivals_);
  }
  arrivals_.generation = 0;  // the next round starts empty
  ++round_;
  for (ThreadId waiter : waiting_) ex.wake(waiter);
  waiting_.clear();
  return PTHREAD_BARRIER_SERIAL_THREAD;
}

namespace {

// Each barrier's count, recorded by every successful pthread_barrier_init
// (inside an exploration or not): glibc keeps it in a layout that is not
// an API, and a barrier made before the exploration may be used in it.
pthread_mutex_t counts_lock = PTHREAD_MUTEX_INITIALIZER;
absl::flat_hash_map<const void*, unsigned>* counts = nullptr;  // made on first use, never freed

void record_count(const pthread_barrier_t* b, unsigned count) {
  real().mutex_lock(&counts_lock);
  if (counts == nullptr) counts = new absl::flat_hash_map<const void*, unsigned>;
  (*counts)[b] = count;
  real().mutex_unlock(&counts_lock);
}

void forget_count(const pthread_barrier_t* b) {
  real().mutex_lock(&counts_lock);
  if (counts != nullptr) counts->erase(b);
  real().mutex_unlock(&counts_lock);
}

// 0 when `b` was never initialized.
unsigned count_of(const pthread_barrier_t* b) {
  real().mutex_lock(&counts_lock);
  unsigned count = 0;
  if (counts != nullptr) {
    if (auto it = counts->find(b); it != counts->end()) count = it->second;
  }
  real().mutex_unlock(&counts_lock);
  return count;
}

}  // namespace
}  // namespace weft::detail

using weft::detail::controlling_execution;
using weft::detail::Execution;
using weft::detail::ExecutionTables;
using weft::detail::real;

// NOLINTBEGIN(readability-inconsistent-declaration-parameter-name)
extern "C" {

int pthread_barrier_init(pthread_barrier_t* b, const pthread_barrierattr_t* attr, unsigned count) {
  Execution* ex = controlling_execution();
  const int result = real().barrier_init(b, attr, count);
  if (result != 0) return result;
  weft::detail::record_count(b, count);
  if (ex != nullptr) ExecutionTables::of(*ex).forget(b);
  return 0;
}

int pthread_barrier_destroy(pthread_barrier_t* b) {
  if (Execution* ex = controlling_execution()) {
    ExecutionTables& tables = ExecutionTables::of(*ex);
    if (const weft::detail::PthreadBarrier* barrier = tables.find_barrier(b);
        barrier != nullptr && !barrier->waiting().empty()) {
      weft::detail::report_misuse(
          *ex, {.rule = weft::MisuseRule::kDestroyedWhileHeld, .object_type = "barrier", .holders = barrier->waiting()},
          b, nullptr, {}, weft::detail::Cancel::kNonCancellable);
      return EBUSY;
    }
    tables.forget(b);
  }
  weft::detail::forget_count(b);
  return real().barrier_destroy(b);
}

int pthread_barrier_wait(pthread_barrier_t* b) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().barrier_wait(b);
  const unsigned count = weft::detail::count_of(b);
  if (count == 0) return EINVAL;  // never initialized (or destroyed)
  return ExecutionTables::of(*ex).barrier(b, count).wait(*ex, b, __builtin_return_address(0));
}

}  // extern "C"
// NOLINTEND(readability-inconsistent-declaration-parameter-name)
