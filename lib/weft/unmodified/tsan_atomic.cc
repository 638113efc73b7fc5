// ThreadSanitizer's atomic entry points: every std::atomic operation of
// instrumented code. On a weft thread each is a scheduling point with
// weft::atomic's semantics (values as if seq_cst, happens-before by memory
// order, a failed CAS or an RMW that changed nothing noted as a failed
// attempt for spin detection); anywhere else it is the atomic operation.
//
// g++ 12 calls compare_exchange_strong/weak (expected by pointer, returns
// whether it succeeded); clang 14 calls compare_exchange_val (returns the
// value it found). Both are here.
#include <atomic>
#include <cstdint>
#include <cstring>

#include "weft/sync/access.h"
#include "weft/unmodified/control.h"

namespace weft::detail {
namespace {

// ThreadSanitizer's morder is std::memory_order's numbering; g++ may add
// HLE hints above the low bits.
std::memory_order order_of(int mo) {
  const int order = mo & 0xffff;
  return order <= static_cast<int>(std::memory_order_seq_cst) ? static_cast<std::memory_order>(order)
                                                              : std::memory_order_seq_cst;
}

const void* object_of(const volatile void* a) { return const_cast<const void*>(a); }

SyncClock& clock_of(const volatile void* a) { return ExecutionTables::of(Execution::get()).atomic_clock(a); }

template <typename T>
T load(const volatile T* a, int mo, const void* pc) {
  if (controlling_execution() == nullptr) return __atomic_load_n(a, __ATOMIC_SEQ_CST);
  atomic_point(Op::kLoad, object_of(a), nullptr, {}, pc);
  atomic_sync(AtomicEffect::kLoad, order_of(mo), clock_of(a));
  return __atomic_load_n(a, __ATOMIC_RELAXED);
}

template <typename T>
void store(volatile T* a, T v, int mo, const void* pc) {
  if (controlling_execution() == nullptr) return __atomic_store_n(a, v, __ATOMIC_SEQ_CST);
  atomic_point(Op::kStore, object_of(a), nullptr, {}, pc);
  atomic_sync(AtomicEffect::kStore, order_of(mo), clock_of(a));
  __atomic_store_n(a, v, __ATOMIC_RELAXED);
}

// A read-modify-write: `next(old)` is the new value.
template <typename T, typename F>
T rmw(volatile T* a, int mo, const void* pc, F next) {
  if (controlling_execution() == nullptr) {
    T old = __atomic_load_n(a, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(a, &old, next(old), false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
    }
    return old;
  }
  atomic_point(Op::kReadModifyWrite, object_of(a), nullptr, {}, pc);
  atomic_sync(AtomicEffect::kReadModifyWrite, order_of(mo), clock_of(a));
  const T old = __atomic_load_n(a, __ATOMIC_RELAXED);
  const T value = next(old);
  __atomic_store_n(a, value, __ATOMIC_RELAXED);
  // An exchange(true) on a taken flag, a fetch_add(0): it only read.
  if (value == old) Execution::get().note_failed_attempt();
  return old;
}

// Returns whether it stored `desired`; `expected` gets the value found.
template <typename T>
bool cas(volatile T* a, T& expected, T desired, int mo, int fmo, const void* pc) {
  if (controlling_execution() == nullptr) {
    return __atomic_compare_exchange_n(a, &expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  }
  atomic_point(Op::kCompareExchange, object_of(a), nullptr, {}, pc);
  const T found = __atomic_load_n(a, __ATOMIC_RELAXED);
  if (found == expected) {
    atomic_sync(AtomicEffect::kReadModifyWrite, order_of(mo), clock_of(a));
    // compare_exchange(expected = 0, 0) on a 0 writes what was there: a read.
    if (desired == found) Execution::get().note_failed_attempt();
    __atomic_store_n(a, desired, __ATOMIC_RELAXED);
    return true;
  }
  atomic_sync(AtomicEffect::kLoad, order_of(fmo), clock_of(a));
  expected = found;
  Execution::get().note_failed_attempt();
  return false;
}

}  // namespace
}  // namespace weft::detail

// T is a type: it cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define WEFT_TSAN_ATOMICS(bits, T)                                                                      \
  T __tsan_atomic##bits##_load(const volatile T* a, int mo) {                                           \
    return weft::detail::load(a, mo, __builtin_return_address(0));                                      \
  }                                                                                                     \
  void __tsan_atomic##bits##_store(volatile T* a, T v, int mo) {                                        \
    weft::detail::store(a, v, mo, __builtin_return_address(0));                                         \
  }                                                                                                     \
  T __tsan_atomic##bits##_exchange(volatile T* a, T v, int mo) {                                        \
    return weft::detail::rmw(a, mo, __builtin_return_address(0), [v](T) { return v; });                 \
  }                                                                                                     \
  T __tsan_atomic##bits##_fetch_add(volatile T* a, T v, int mo) {                                       \
    return weft::detail::rmw(a, mo, __builtin_return_address(0), [v](T old) { return T(old + v); });    \
  }                                                                                                     \
  T __tsan_atomic##bits##_fetch_sub(volatile T* a, T v, int mo) {                                       \
    return weft::detail::rmw(a, mo, __builtin_return_address(0), [v](T old) { return T(old - v); });    \
  }                                                                                                     \
  T __tsan_atomic##bits##_fetch_and(volatile T* a, T v, int mo) {                                       \
    return weft::detail::rmw(a, mo, __builtin_return_address(0), [v](T old) { return T(old & v); });    \
  }                                                                                                     \
  T __tsan_atomic##bits##_fetch_or(volatile T* a, T v, int mo) {                                        \
    return weft::detail::rmw(a, mo, __builtin_return_address(0), [v](T old) { return T(old | v); });    \
  }                                                                                                     \
  T __tsan_atomic##bits##_fetch_xor(volatile T* a, T v, int mo) {                                       \
    return weft::detail::rmw(a, mo, __builtin_return_address(0), [v](T old) { return T(old ^ v); });    \
  }                                                                                                     \
  T __tsan_atomic##bits##_fetch_nand(volatile T* a, T v, int mo) {                                      \
    return weft::detail::rmw(a, mo, __builtin_return_address(0), [v](T old) { return T(~(old & v)); }); \
  }                                                                                                     \
  int __tsan_atomic##bits##_compare_exchange_strong(volatile T* a, T* c, T v, int mo, int fmo) {        \
    return weft::detail::cas(a, *c, v, mo, fmo, __builtin_return_address(0));                           \
  }                                                                                                     \
  /* weft never fails a weak CAS spuriously, as weft::atomic. */                                        \
  int __tsan_atomic##bits##_compare_exchange_weak(volatile T* a, T* c, T v, int mo, int fmo) {          \
    return weft::detail::cas(a, *c, v, mo, fmo, __builtin_return_address(0));                           \
  }                                                                                                     \
  T __tsan_atomic##bits##_compare_exchange_val(volatile T* a, T c, T v, int mo, int fmo) {              \
    weft::detail::cas(a, c, v, mo, fmo, __builtin_return_address(0));                                   \
    return c;                                                                                           \
  }

// NOLINTEND(bugprone-macro-parentheses)

extern "C" {

WEFT_TSAN_ATOMICS(8, uint8_t)
WEFT_TSAN_ATOMICS(16, uint16_t)
WEFT_TSAN_ATOMICS(32, uint32_t)
WEFT_TSAN_ATOMICS(64, uint64_t)

// Not a scheduling point (values are sequentially consistent already); on a
// weft thread it orders relaxed atomics for the race detector, as the
// standard's fence rules say (detail::atomic_fence).
void __tsan_atomic_thread_fence(int mo) {
  if (weft::detail::controlling_execution() != nullptr) weft::detail::atomic_fence(weft::detail::order_of(mo));
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
void __tsan_atomic_signal_fence(int) { __atomic_signal_fence(__ATOMIC_SEQ_CST); }

}  // extern "C"
