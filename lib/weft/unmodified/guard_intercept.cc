// The guard of a function-local static (the Itanium C++ ABI's
// __cxa_guard_acquire/release/abort, in libstdc++.so), interposed to add
// the ordering weft cannot see: libstdc++ publishes the initialized object
// with atomics of its own, which are not instrumented. On a weft thread a
// release is a release store to the guard and an acquire that finds the
// object ready is an acquire load of it, on the same clock as the
// compiler's instrumented fast-path check of the guard byte
// (__tsan_atomic8_load), so every reader is ordered after the initializer.
//
// Blocking needs nothing here: a second thread that arrives while the first
// initializes waits in syscall(SYS_futex), which futex_intercept.cc makes a
// weft wait.
#include <cstdint>

#include "weft/sync/access.h"
#include "weft/unmodified/control.h"
#include "weft/unmodified/real_pthread.h"

using weft::detail::controlling_execution;
using weft::detail::Execution;
using weft::detail::ExecutionTables;
using weft::detail::real;

extern "C" {

int __cxa_guard_acquire(int64_t* guard) {
  const int initialize = real().guard_acquire(guard);
  if (Execution* ex = controlling_execution(); ex != nullptr && initialize == 0) {
    weft::detail::atomic_sync(weft::detail::AtomicEffect::kLoad, std::memory_order_acquire,
                              ExecutionTables::of(*ex).atomic_clock(guard));
  }
  return initialize;
}

void __cxa_guard_release(int64_t* guard) noexcept {
  if (Execution* ex = controlling_execution()) {
    weft::detail::atomic_sync(weft::detail::AtomicEffect::kStore, std::memory_order_release,
                              ExecutionTables::of(*ex).atomic_clock(guard));
  }
  real().guard_release(guard);
}

}  // extern "C"
