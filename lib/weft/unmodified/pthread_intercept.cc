// The pthread calls behind std::thread, std::mutex (timed and recursive
// too) and std::condition_variable, and the non-blocking and timed joins
// (pthread_tryjoin_np, pthread_timedjoin_np, pthread_clockjoin_np), interposed: the executable's definitions come
// before glibc's, for the program's own calls and for libstdc++'s. On a weft
// thread they are weft's operations (the same scheduling points, clocks and
// reports as weft::thread, weft::mutex and weft::condition_variable); any
// other call goes to glibc.
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <cstdint>

#include "weft/detect/happens_before.h"
#include "weft/sync/misuse.h"
#include "weft/sync/thread.h"
#include "weft/unmodified/control.h"
#include "weft/unmodified/real_pthread.h"
#include "weft/unmodified/tls_donors.h"
#include "weft/unmodified/virtual_time.h"

namespace weft::detail {
namespace {

// A weft thread's pthread_t is the TCB it runs on (tls_donors.h), which is
// what pthread_self() returns on it.
pthread_t handle_of(const Execution& ex, ThreadId thread) { return static_cast<pthread_t>(ex.thread_pointer(thread)); }

// The weft thread of this execution with that handle, or kNoThread.
ThreadId thread_of(const Execution& ex, pthread_t handle) {
  for (ThreadId t = 0; t < ex.thread_count(); ++t) {
    if (handle_of(ex, t) == handle) return t;
  }
  return kNoThread;
}

int wait_on(Execution& ex, pthread_cond_t* c, pthread_mutex_t* m, int64_t deadline, const void* pc) {
  ExecutionTables& tables = ExecutionTables::of(ex);
  MutexCore& mutex = tables.mutex(m);
  if (!mutex.held_by_current()) {
    report_misuse(ex, {.rule = MisuseRule::kWaitWithoutLock, .object_type = "pthread_cond_t"}, c, nullptr, {});
    return EPERM;
  }
  ex.point(Op::kWait, c, nullptr, {}, Cancel::kCancellable, 0, pc);
  WaitQueue& queue = tables.condition(c);
  // Releasing the mutex and starting to wait are one atomic step.
  queue.enter(ex);
  mutex.release_for_wait();
  const WakeReason why = queue.wait(ex, c, nullptr, deadline);
  if (why == WakeReason::kAborted) return 0;
  mutex.reacquire_after_wait({});
  return why == WakeReason::kTimedOut ? ETIMEDOUT : 0;
}

// What a successful join ends with: the joined thread's last act
// happens-before the joiner's next, and its result.
int joined(Execution& ex, ThreadId thread, void** result) {
  if (HappensBefore* hb = ex.races()) hb->join(ex.current(), thread);
  if (result != nullptr) *result = ExecutionTables::of(ex).result(thread);
  return 0;
}

// pthread_timedjoin_np and pthread_clockjoin_np on a weft thread, with
// glibc's errors in glibc's order; the deadline is virtual.
int timed_join(Execution& ex, pthread_t handle, void** result, clockid_t clock, const timespec& abstime,
               const void* pc) {
  const ThreadId thread = thread_of(ex, handle);
  if (thread == kNoThread) return ESRCH;
  if (ExecutionTables::of(ex).detached(thread)) return EINVAL;
  if (thread == ex.current()) return EDEADLK;
  ex.point(Op::kJoin, nullptr, nullptr, {}, Cancel::kNonCancellable, static_cast<uint64_t>(thread), pc);
  if (!ex.wait_for_exit_until(thread, virtual_deadline(ex, clock, abstime))) {
    ex.note_failed_attempt();  // the timeout's wakeup joined nothing
    return ETIMEDOUT;
  }
  return joined(ex, thread, result);
}

}  // namespace

void install_pthread_interposers() {
  real();
  install_tls_donors();
}

}  // namespace weft::detail

using weft::detail::controlling_execution;
using weft::detail::Execution;
using weft::detail::ExecutionTables;
using weft::detail::real;

// glibc's declarations name their parameters with reserved identifiers
// (__mutex, __cond); the definitions here use plain names.
// NOLINTBEGIN(readability-inconsistent-declaration-parameter-name)
extern "C" {

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().create(thread, attr, start, arg);
  const int id = weft::detail::spawn_thread([start, arg] {
    void* result = start(arg);
    Execution& self = Execution::get();
    ExecutionTables::of(self).set_result(self.current(), result);
  });
  *thread = weft::detail::handle_of(*ex, id);
  int detach_state = PTHREAD_CREATE_JOINABLE;
  if (attr != nullptr && pthread_attr_getdetachstate(attr, &detach_state) == 0 &&
      detach_state == PTHREAD_CREATE_DETACHED) {
    ExecutionTables::of(*ex).set_detached(id);
    weft::detail::detach_thread(id, {});
  }
  return 0;
}

int pthread_join(pthread_t thread, void** result) {
  Execution* ex = controlling_execution();
  const weft::detail::ThreadId id = ex != nullptr ? weft::detail::thread_of(*ex, thread) : weft::detail::kNoThread;
  if (id == weft::detail::kNoThread) {
    // A weft thread of an execution that is over is no thread to wait for.
    return weft::detail::is_tls_donor(thread) ? ESRCH : real().join(thread, result);
  }
  if (ExecutionTables::of(*ex).detached(id)) return EINVAL;
  weft::detail::join_thread(id, {});
  if (result != nullptr) *result = ExecutionTables::of(*ex).result(id);
  return 0;
}

// A join that does not wait: EBUSY while the thread runs (checked first, as
// glibc does), a failed attempt PCT counts as spinning when repeated.
int pthread_tryjoin_np(pthread_t thread, void** result) {
  Execution* ex = controlling_execution();
  const weft::detail::ThreadId id = ex != nullptr ? weft::detail::thread_of(*ex, thread) : weft::detail::kNoThread;
  if (id == weft::detail::kNoThread) {
    return weft::detail::is_tls_donor(thread) ? ESRCH : real().tryjoin(thread, result);
  }
  ex->point(weft::detail::Op::kJoin, nullptr, nullptr, {}, weft::detail::Cancel::kNonCancellable,
            static_cast<uint64_t>(id), __builtin_return_address(0));
  if (!ex->finished(id)) {
    ex->note_failed_attempt();
    return EBUSY;
  }
  if (ExecutionTables::of(*ex).detached(id)) return EINVAL;
  return weft::detail::joined(*ex, id, result);
}

int pthread_timedjoin_np(pthread_t thread, void** result, const timespec* abstime) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().timedjoin(thread, result, abstime);
  return weft::detail::timed_join(*ex, thread, result, CLOCK_REALTIME, *abstime, __builtin_return_address(0));
}

int pthread_clockjoin_np(pthread_t thread, void** result, clockid_t clock, const timespec* abstime) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().clockjoin(thread, result, clock, abstime);
  if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) return EINVAL;  // glibc's first check
  return weft::detail::timed_join(*ex, thread, result, clock, *abstime, __builtin_return_address(0));
}

int pthread_detach(pthread_t thread) {
  Execution* ex = controlling_execution();
  const weft::detail::ThreadId id = ex != nullptr ? weft::detail::thread_of(*ex, thread) : weft::detail::kNoThread;
  if (id == weft::detail::kNoThread) return weft::detail::is_tls_donor(thread) ? ESRCH : real().detach(thread);
  ExecutionTables::of(*ex).set_detached(id);
  weft::detail::detach_thread(id, {});
  return 0;
}

int pthread_mutex_lock(pthread_mutex_t* m) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().mutex_lock(m);
  ExecutionTables::of(*ex).mutex(m).lock({}, __builtin_return_address(0));
  return 0;
}

int pthread_mutex_trylock(pthread_mutex_t* m) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().mutex_trylock(m);
  return ExecutionTables::of(*ex).mutex(m).try_lock({}, __builtin_return_address(0)) ? 0 : EBUSY;
}

// std::timed_mutex::try_lock_until (system_clock) and try_lock_for.
int pthread_mutex_timedlock(pthread_mutex_t* m, const timespec* abstime) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().mutex_timedlock(m, abstime);
  const int64_t deadline = weft::detail::virtual_deadline(*ex, CLOCK_REALTIME, *abstime);
  return ExecutionTables::of(*ex).mutex(m).try_lock_until(deadline, {}, __builtin_return_address(0)) ? 0 : ETIMEDOUT;
}

// std::timed_mutex::try_lock_until on the steady clock.
int pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t clock, const timespec* abstime) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().mutex_clocklock(m, clock, abstime);
  const int64_t deadline = weft::detail::virtual_deadline(*ex, clock, *abstime);
  return ExecutionTables::of(*ex).mutex(m).try_lock_until(deadline, {}, __builtin_return_address(0)) ? 0 : ETIMEDOUT;
}

int pthread_mutex_unlock(pthread_mutex_t* m) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().mutex_unlock(m);
  ExecutionTables::of(*ex).mutex(m).unlock({}, __builtin_return_address(0));
  return 0;
}

// std::call_once. glibc's pthread_once makes a second caller wait in the
// kernel while the first runs the initializer, which would stall the OS
// thread when the first is a weft thread paused at a scheduling point. So
// callers pass one at a time through a weft mutex per once_control, and
// each calls glibc's pthread_once, which finds nothing to wait for: it runs
// the initializer, finds it done, or (an initializer that throws) resets it
// and lets the exception through. The mutex orders the initializer before
// every later caller; an initializer that calls its own pthread_once is a
// relock, reported (glibc would hang).
int pthread_once(pthread_once_t* once, void (*init)()) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().once(once, init);
  weft::detail::MutexCore& gate = ExecutionTables::of(*ex).once_gate(once);
  const void* pc = __builtin_return_address(0);
  gate.lock({}, pc);
  try {
    real().once(once, init);
  } catch (...) {
    gate.unlock({}, pc);
    throw;
  }
  gate.unlock({}, pc);
  return 0;
}

int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().cond_wait(c, m);
  return weft::detail::wait_on(*ex, c, m, weft::detail::kNoDeadline, __builtin_return_address(0));
}

int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* abstime) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().cond_timedwait(c, m, abstime);
  return weft::detail::wait_on(*ex, c, m, weft::detail::virtual_deadline(*ex, CLOCK_REALTIME, *abstime),
                               __builtin_return_address(0));
}

int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock, const timespec* abstime) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().cond_clockwait(c, m, clock, abstime);
  return weft::detail::wait_on(*ex, c, m, weft::detail::virtual_deadline(*ex, clock, *abstime),
                               __builtin_return_address(0));
}

int pthread_cond_signal(pthread_cond_t* c) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().cond_signal(c);
  ex->point(weft::detail::Op::kNotifyOne, c, nullptr, {}, weft::detail::Cancel::kNonCancellable, 0,
            __builtin_return_address(0));
  ExecutionTables::of(*ex).condition(c).notify_one(*ex, {});
  return 0;
}

int pthread_cond_broadcast(pthread_cond_t* c) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().cond_broadcast(c);
  ex->point(weft::detail::Op::kNotifyAll, c, nullptr, {}, weft::detail::Cancel::kNonCancellable, 0,
            __builtin_return_address(0));
  ExecutionTables::of(*ex).condition(c).notify_all(*ex);
  return 0;
}

}  // extern "C"
// NOLINTEND(readability-inconsistent-declaration-parameter-name)
