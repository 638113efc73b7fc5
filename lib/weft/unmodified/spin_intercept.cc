// pthread spin locks, interposed. glibc's spin on plain memory that is not
// instrumented: weft would see neither the spinning nor the ordering, and a
// lock never released would spin the OS thread forever. On a weft thread
// each is a MutexCore in the execution's tables and pthread_spin_lock is a
// loop of its try_lock: every attempt is a scheduling point and a failed
// one is evidence of spinning (PCT demotes the spinner), so a lock that is
// never released, or relocked by its holder, makes the execution a livelock
// report (max_steps) where the real one would hang. Unlocking a lock the
// thread does not hold is reported as misuse, as for a mutex.
#include <errno.h>
#include <pthread.h>

#include "weft/unmodified/control.h"
#include "weft/unmodified/real_pthread.h"

using weft::detail::controlling_execution;
using weft::detail::Execution;
using weft::detail::ExecutionTables;
using weft::detail::real;

namespace {

// pthread_spinlock_t is a volatile int: its address as the tables key it.
const void* address_of(const pthread_spinlock_t* lock) { return const_cast<const int*>(lock); }

}  // namespace

// NOLINTBEGIN(readability-inconsistent-declaration-parameter-name)
extern "C" {

int pthread_spin_init(pthread_spinlock_t* lock, int shared) {
  Execution* ex = controlling_execution();
  const int result = real().spin_init(lock, shared);
  if (ex != nullptr && result == 0) ExecutionTables::of(*ex).forget(address_of(lock));
  return result;
}

int pthread_spin_destroy(pthread_spinlock_t* lock) {
  if (Execution* ex = controlling_execution()) ExecutionTables::of(*ex).forget(address_of(lock));
  return real().spin_destroy(lock);
}

int pthread_spin_lock(pthread_spinlock_t* lock) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().spin_lock(lock);
  weft::detail::MutexCore& core = ExecutionTables::of(*ex).spin_lock(address_of(lock));
  while (!core.try_lock({}, __builtin_return_address(0))) {
  }
  return 0;
}

int pthread_spin_trylock(pthread_spinlock_t* lock) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().spin_trylock(lock);
  return ExecutionTables::of(*ex).spin_lock(address_of(lock)).try_lock({}, __builtin_return_address(0)) ? 0 : EBUSY;
}

int pthread_spin_unlock(pthread_spinlock_t* lock) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().spin_unlock(lock);
  ExecutionTables::of(*ex).spin_lock(address_of(lock)).unlock({}, __builtin_return_address(0));
  return 0;
}

}  // extern "C"
// NOLINTEND(readability-inconsistent-declaration-parameter-name)
