// The futex system call, interposed at syscall(): libstdc++ 12 builds
// std::atomic::wait/notify_one/notify_all, std::counting_semaphore,
// std::latch and std::barrier on atomics and on
// syscall(SYS_futex, ...), all inline in its headers (bits/atomic_wait.h,
// bits/atomic_timed_wait.h), so the call comes from the program and its
// atomics are instrumented. libstdc++.so's own futex calls (the guard of a
// function-local static) come through the same symbol.
//
// On a weft thread, a futex word is a weft wait queue (WaitQueue, the one
// condition variables use): FUTEX_WAIT checks the word at its scheduling
// point and blocks until a FUTEX_WAKE on the same address picks it (an
// explored choice) or its timeout passes in virtual time, so a wait nobody
// wakes is a deadlock report, never a hang. Other system calls, and futex
// calls anywhere else, go to glibc's syscall().
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>

#include <cstdarg>
#include <cstdint>

#include "weft/unmodified/control.h"
#include "weft/unmodified/real_pthread.h"
#include "weft/unmodified/virtual_time.h"

namespace weft::detail {
namespace {

// The object a futex wait names in reports and traces.
constexpr const char* kFutex = "futex";

long fail_with(int error) {
  errno = error;
  return -1;
}

long futex_wait(Execution& ex, const uint32_t* word, uint32_t expected, int64_t deadline, const void* pc) {
  ex.point(Op::kWait, word, kFutex, {}, Cancel::kCancellable, expected, pc);
  // The kernel compares and queues the caller in one step; here nothing
  // runs between the point and the block.
  if (__atomic_load_n(word, __ATOMIC_RELAXED) != expected) return fail_with(EAGAIN);
  WaitQueue& queue = ExecutionTables::of(ex).futex(word);
  queue.enter(ex);
  const WakeReason why = queue.wait(ex, word, kFutex, deadline);
  return why == WakeReason::kTimedOut ? fail_with(ETIMEDOUT) : 0;
}

long futex_wake(Execution& ex, const uint32_t* word, long count, const void* pc) {
  ex.point(count == 1 ? Op::kNotifyOne : Op::kNotifyAll, word, kFutex, {}, Cancel::kNonCancellable, 0, pc);
  WaitQueue& queue = ExecutionTables::of(ex).futex(word);
  const long waiting = static_cast<long>(queue.waiting());
  const long woken = std::min(count, waiting);
  if (woken == waiting) {
    queue.notify_all(ex);
  } else {
    for (long i = 0; i < woken; ++i) queue.notify_one(ex, {});
  }
  return woken;
}

long controlled_futex(Execution& ex, const uint32_t* word, int op, uint32_t value, const timespec* timeout,
                      uint32_t bitset, const void* pc) {
  const bool realtime = (op & FUTEX_CLOCK_REALTIME) != 0;
  switch (op & FUTEX_CMD_MASK) {
    case FUTEX_WAIT:  // a relative timeout, on the steady clock
      return futex_wait(ex, word, value, timeout == nullptr ? kNoDeadline : deadline_in(ex, *timeout), pc);
    case FUTEX_WAIT_BITSET:  // an absolute timeout
      if (bitset != FUTEX_BITSET_MATCH_ANY) break;
      return futex_wait(ex, word, value,
                        timeout == nullptr
                            ? kNoDeadline
                            : virtual_deadline(ex, realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, *timeout),
                        pc);
    case FUTEX_WAKE:
      return futex_wake(ex, word, static_cast<int>(value), pc);
    case FUTEX_WAKE_BITSET:
      if (bitset != FUTEX_BITSET_MATCH_ANY) break;
      return futex_wake(ex, word, static_cast<int>(value), pc);
    default:
      break;
  }
  // Requeue, wake-op, priority inheritance, selective bitsets: not modelled
  // (docs/unmodified.md); the kernel's would block the whole OS thread.
  return fail_with(ENOSYS);
}

}  // namespace
}  // namespace weft::detail

// glibc declares the parameter as __sysno, a reserved name.
// NOLINTNEXTLINE(readability-inconsistent-declaration-parameter-name)
extern "C" long syscall(long number, ...) noexcept {
  // A system call takes at most six arguments, all passed as registers;
  // glibc's syscall() reads six whatever the caller passed, and so does this.
  va_list args;
  va_start(args, number);
  long a[6];
  for (long& arg : a) arg = va_arg(args, long);
  va_end(args);
  if (number == SYS_futex) {
    if (weft::detail::Execution* ex = weft::detail::controlling_execution()) {
      return weft::detail::controlled_futex(*ex, reinterpret_cast<const uint32_t*>(a[0]), static_cast<int>(a[1]),
                                            static_cast<uint32_t>(a[2]), reinterpret_cast<const timespec*>(a[3]),
                                            static_cast<uint32_t>(a[5]), __builtin_return_address(0));
    }
  }
  return weft::detail::real().syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
