// POSIX semaphores (sem_t), interposed: on a weft thread each is a
// weft::counting_semaphore's core in the execution's tables, starting from
// the count the sem_t holds when first used there (or sem_init's, when
// initialized inside the execution); a post happens-before the wait that
// takes its count, timeouts are in virtual time. Anywhere else glibc's.
//
// libstdc++ 12 builds std::counting_semaphore on atomics and futexes, not on
// sem_t (futex_intercept.cc covers it).
#include <errno.h>
#include <semaphore.h>
#include <time.h>

#include "weft/sync/semaphore.h"
#include "weft/unmodified/control.h"
#include "weft/unmodified/real_pthread.h"
#include "weft/unmodified/virtual_time.h"

using weft::detail::controlling_execution;
using weft::detail::Execution;
using weft::detail::ExecutionTables;
using weft::detail::real;
using weft::detail::SemaphoreCore;

namespace {

SemaphoreCore& semaphore_of(Execution& ex, sem_t* sem) {
  return ExecutionTables::of(ex).semaphore(sem, [sem] {
    int value = 0;
    real().sem_getvalue(sem, &value);
    return value;
  });
}

int timed_out_or_taken(bool taken) {
  if (taken) return 0;
  errno = ETIMEDOUT;
  return -1;
}

}  // namespace

// NOLINTBEGIN(readability-inconsistent-declaration-parameter-name)
extern "C" {

int sem_init(sem_t* sem, int shared, unsigned value) {
  Execution* ex = controlling_execution();
  const int result = real().sem_init(sem, shared, value);
  // A semaphore made inside the execution starts from its own count.
  if (ex != nullptr && result == 0) ExecutionTables::of(*ex).forget(sem);
  return result;
}

int sem_destroy(sem_t* sem) {
  Execution* ex = controlling_execution();
  if (ex != nullptr) ExecutionTables::of(*ex).forget(sem);
  return real().sem_destroy(sem);
}

int sem_post(sem_t* sem) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().sem_post(sem);
  semaphore_of(*ex, sem).release(1, {});
  return 0;
}

int sem_wait(sem_t* sem) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().sem_wait(sem);
  semaphore_of(*ex, sem).acquire({});
  return 0;
}

int sem_trywait(sem_t* sem) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().sem_trywait(sem);
  if (semaphore_of(*ex, sem).try_acquire({})) return 0;
  errno = EAGAIN;
  return -1;
}

int sem_timedwait(sem_t* sem, const timespec* abstime) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().sem_timedwait(sem, abstime);
  const int64_t deadline = weft::detail::virtual_deadline(*ex, CLOCK_REALTIME, *abstime);
  return timed_out_or_taken(semaphore_of(*ex, sem).acquire_until(deadline, {}));
}

int sem_clockwait(sem_t* sem, clockid_t clock, const timespec* abstime) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().sem_clockwait(sem, clock, abstime);
  const int64_t deadline = weft::detail::virtual_deadline(*ex, clock, *abstime);
  return timed_out_or_taken(semaphore_of(*ex, sem).acquire_until(deadline, {}));
}

int sem_getvalue(sem_t* sem, int* value) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().sem_getvalue(sem, value);
  *value = static_cast<int>(semaphore_of(*ex, sem).value({}));
  return 0;
}

}  // extern "C"
// NOLINTEND(readability-inconsistent-declaration-parameter-name)
