// pthread rwlocks (std::shared_mutex, std::shared_timed_mutex), interposed:
// on a weft thread each is a weft::shared_mutex of the execution's tables,
// with its scheduling points, happens-before, misuse and lock-order reports
// and virtual-time timeouts; anywhere else glibc's.
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "weft/sync/shared_mutex.h"
#include "weft/unmodified/control.h"
#include "weft/unmodified/real_pthread.h"
#include "weft/unmodified/virtual_time.h"

using weft::detail::controlling_execution;
using weft::detail::Execution;
using weft::detail::ExecutionTables;
using weft::detail::real;

namespace {

weft::shared_mutex& rwlock_of(Execution& ex, pthread_rwlock_t* rw) { return ExecutionTables::of(ex).rwlock(rw); }

}  // namespace

// NOLINTBEGIN(readability-inconsistent-declaration-parameter-name)
extern "C" {

int pthread_rwlock_rdlock(pthread_rwlock_t* rw) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().rwlock_rdlock(rw);
  rwlock_of(*ex, rw).lock_shared_until(weft::detail::kNoDeadline, {}, __builtin_return_address(0));
  return 0;
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t* rw) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().rwlock_tryrdlock(rw);
  return rwlock_of(*ex, rw).try_lock_shared({}) ? 0 : EBUSY;
}

int pthread_rwlock_timedrdlock(pthread_rwlock_t* rw, const timespec* abstime) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().rwlock_timedrdlock(rw, abstime);
  const int64_t deadline = weft::detail::virtual_deadline(*ex, CLOCK_REALTIME, *abstime);
  return rwlock_of(*ex, rw).lock_shared_until(deadline, {}, __builtin_return_address(0)) ? 0 : ETIMEDOUT;
}

int pthread_rwlock_clockrdlock(pthread_rwlock_t* rw, clockid_t clock, const timespec* abstime) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().rwlock_clockrdlock(rw, clock, abstime);
  const int64_t deadline = weft::detail::virtual_deadline(*ex, clock, *abstime);
  return rwlock_of(*ex, rw).lock_shared_until(deadline, {}, __builtin_return_address(0)) ? 0 : ETIMEDOUT;
}

int pthread_rwlock_wrlock(pthread_rwlock_t* rw) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().rwlock_wrlock(rw);
  rwlock_of(*ex, rw).lock_until(weft::detail::kNoDeadline, {}, __builtin_return_address(0));
  return 0;
}

int pthread_rwlock_trywrlock(pthread_rwlock_t* rw) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().rwlock_trywrlock(rw);
  return rwlock_of(*ex, rw).try_lock({}) ? 0 : EBUSY;
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t* rw, const timespec* abstime) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().rwlock_timedwrlock(rw, abstime);
  const int64_t deadline = weft::detail::virtual_deadline(*ex, CLOCK_REALTIME, *abstime);
  return rwlock_of(*ex, rw).lock_until(deadline, {}, __builtin_return_address(0)) ? 0 : ETIMEDOUT;
}

int pthread_rwlock_clockwrlock(pthread_rwlock_t* rw, clockid_t clock, const timespec* abstime) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().rwlock_clockwrlock(rw, clock, abstime);
  const int64_t deadline = weft::detail::virtual_deadline(*ex, clock, *abstime);
  return rwlock_of(*ex, rw).lock_until(deadline, {}, __builtin_return_address(0)) ? 0 : ETIMEDOUT;
}

// One unlock for both modes: the one this thread holds.
int pthread_rwlock_unlock(pthread_rwlock_t* rw) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().rwlock_unlock(rw);
  weft::shared_mutex& lock = rwlock_of(*ex, rw);
  if (lock.held_shared_by_current()) {
    lock.unlock_shared({});
  } else {
    lock.unlock({});
  }
  return 0;
}

// Destroying a lock still held is reported, as for weft::shared_mutex.
int pthread_rwlock_destroy(pthread_rwlock_t* rw) {
  Execution* ex = controlling_execution();
  if (ex != nullptr) ExecutionTables::of(*ex).forget(rw);
  return real().rwlock_destroy(rw);
}

}  // extern "C"
// NOLINTEND(readability-inconsistent-declaration-parameter-name)
