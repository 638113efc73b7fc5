// weft::atomic<T>: the std::atomic interface; every operation is a
// scheduling point.
//
//   weft::atomic<int> hits{0};
//   hits.fetch_add(1, std::memory_order_relaxed);
//   int expected = 0;
//   hits.compare_exchange_strong(expected, 5);
//   weft::atomic<bool> ready{false};
//   ready.store(true, std::memory_order_release);
//
// Values: every operation acts as if seq_cst. weft explores interleavings,
// not weak-memory reorderings, so a bug that needs a store buffer or
// out-of-order visibility is out of reach for now. Memory orders still
// matter for race detection: a release store (or RMW) followed by an acquire
// load that reads it orders the threads; relaxed operations order nothing,
// so a plain weft::var published through a relaxed flag is reported as a race.
// compare_exchange_weak never fails spuriously.
#pragma once

#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <vector>

#include "weft/base/source_location.h"
#include "weft/sync/access.h"

namespace weft {

template <typename T>
class atomic : private detail::Waitable {
  static_assert(std::is_trivially_copyable_v<T>, "weft::atomic<T> needs a trivially copyable T, as std::atomic does");

 public:
  using value_type = T;
  static constexpr bool is_always_lock_free = std::atomic<T>::is_always_lock_free;

  atomic() noexcept(std::is_nothrow_default_constructible_v<T>) : value_() {}
  constexpr atomic(T desired, const char* name = nullptr) noexcept : value_(desired), name_(name) {}
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  bool is_lock_free() const noexcept { return is_always_lock_free; }

  T load(std::memory_order order = std::memory_order_seq_cst,
         weft::source_location where = weft::source_location::current()) const {
    detail::atomic_point(detail::Op::kLoad, this, name_, where);
    detail::atomic_sync(detail::AtomicEffect::kLoad, order, clock_);
    return value_;
  }
  void store(T desired, std::memory_order order = std::memory_order_seq_cst,
             weft::source_location where = weft::source_location::current()) {
    detail::atomic_point(detail::Op::kStore, this, name_, where);
    detail::atomic_sync(detail::AtomicEffect::kStore, order, clock_);
    value_ = desired;
  }
  [[gnu::noinline]] operator T() const { return load_at(__builtin_return_address(0)); }
  [[gnu::noinline]] T operator=(T desired) {
    store_at(desired, __builtin_return_address(0));
    return desired;
  }

  T exchange(T desired, std::memory_order order = std::memory_order_seq_cst,
             weft::source_location where = weft::source_location::current()) {
    return rmw(
        detail::Op::kReadModifyWrite, order, where, [&](T) { return desired; }, nullptr);
  }

  bool compare_exchange_strong(T& expected, T desired, std::memory_order order = std::memory_order_seq_cst,
                               weft::source_location where = weft::source_location::current()) {
    return cas(expected, desired, order,
               order == std::memory_order_acq_rel   ? std::memory_order_acquire
               : order == std::memory_order_release ? std::memory_order_relaxed
                                                    : order,
               where);
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order success, std::memory_order failure,
                               weft::source_location where = weft::source_location::current()) {
    return cas(expected, desired, success, failure, where);
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order order = std::memory_order_seq_cst,
                             weft::source_location where = weft::source_location::current()) {
    return compare_exchange_strong(expected, desired, order, where);
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success, std::memory_order failure,
                             weft::source_location where = weft::source_location::current()) {
    return cas(expected, desired, success, failure, where);
  }

  // Arithmetic and bitwise read-modify-writes, for integral types.
  T fetch_add(T arg, std::memory_order order = std::memory_order_seq_cst,
              weft::source_location where = weft::source_location::current()) requires std::integral<T> {
    return rmw(
        detail::Op::kReadModifyWrite, order, where, [&](T v) { return static_cast<T>(v + arg); }, nullptr);
  }
  T fetch_sub(T arg, std::memory_order order = std::memory_order_seq_cst,
              weft::source_location where = weft::source_location::current()) requires std::integral<T> {
    return rmw(
        detail::Op::kReadModifyWrite, order, where, [&](T v) { return static_cast<T>(v - arg); }, nullptr);
  }
  T fetch_and(T arg, std::memory_order order = std::memory_order_seq_cst,
              weft::source_location where = weft::source_location::current()) requires std::integral<T> {
    return rmw(
        detail::Op::kReadModifyWrite, order, where, [&](T v) { return static_cast<T>(v & arg); }, nullptr);
  }
  T fetch_or(T arg, std::memory_order order = std::memory_order_seq_cst,
             weft::source_location where = weft::source_location::current()) requires std::integral<T> {
    return rmw(
        detail::Op::kReadModifyWrite, order, where, [&](T v) { return static_cast<T>(v | arg); }, nullptr);
  }
  T fetch_xor(T arg, std::memory_order order = std::memory_order_seq_cst,
              weft::source_location where = weft::source_location::current()) requires std::integral<T> {
    return rmw(
        detail::Op::kReadModifyWrite, order, where, [&](T v) { return static_cast<T>(v ^ arg); }, nullptr);
  }
  // Pointer arithmetic.
  T fetch_add(std::ptrdiff_t arg, std::memory_order order = std::memory_order_seq_cst,
              weft::source_location where = weft::source_location::current()) requires std::is_pointer_v<T> {
    return rmw(
        detail::Op::kReadModifyWrite, order, where, [&](T v) { return v + arg; }, nullptr);
  }
  T fetch_sub(std::ptrdiff_t arg, std::memory_order order = std::memory_order_seq_cst,
              weft::source_location where = weft::source_location::current()) requires std::is_pointer_v<T> {
    return rmw(
        detail::Op::kReadModifyWrite, order, where, [&](T v) { return v - arg; }, nullptr);
  }

  [[gnu::noinline]] T operator++() requires(std::integral<T>) { return step_by(1, __builtin_return_address(0)) + 1; }
  [[gnu::noinline]] T operator++(int) requires(std::integral<T>) { return step_by(1, __builtin_return_address(0)); }
  [[gnu::noinline]] T operator--() requires(std::integral<T>) { return step_by(-1, __builtin_return_address(0)) - 1; }
  [[gnu::noinline]] T operator--(int) requires(std::integral<T>) { return step_by(-1, __builtin_return_address(0)); }
  [[gnu::noinline]] T operator+=(T arg) requires(std::integral<T>) {
    return static_cast<T>(step_by(arg, __builtin_return_address(0)) + arg);
  }
  [[gnu::noinline]] T operator-=(T arg) requires(std::integral<T>) {
    return static_cast<T>(step_by(static_cast<T>(-arg), __builtin_return_address(0)) - arg);
  }

  // C++20 atomic waiting: blocks while the value equals `old`. Only
  // notify_one/notify_all wake a waiter, so a missing notify is a deadlock.
  void wait(T old, std::memory_order order = std::memory_order_seq_cst,
            weft::source_location where = weft::source_location::current()) const {
    detail::Execution& ex = detail::Execution::get();
    while (true) {
      if (load(order, where) != old) return;
      waiters_.push_back(ex.current());
      if (ex.block(*this) == detail::WakeReason::kAborted) return;
    }
  }
  void notify_one(weft::source_location where = weft::source_location::current()) { notify(where); }
  void notify_all(weft::source_location where = weft::source_location::current()) { notify(where); }

 private:
  T load_at(const void* pc) const {
    detail::atomic_point(detail::Op::kLoad, this, name_, {}, pc);
    detail::atomic_sync(detail::AtomicEffect::kLoad, std::memory_order_seq_cst, clock_);
    return value_;
  }
  void store_at(T desired, const void* pc) {
    detail::atomic_point(detail::Op::kStore, this, name_, {}, pc);
    detail::atomic_sync(detail::AtomicEffect::kStore, std::memory_order_seq_cst, clock_);
    value_ = desired;
  }
  T step_by(T delta, const void* pc) {
    return rmw(
        detail::Op::kReadModifyWrite, std::memory_order_seq_cst, {}, [&](T v) { return static_cast<T>(v + delta); },
        pc);
  }

  template <typename F>
  T rmw(detail::Op op, std::memory_order order, weft::source_location where, F next, const void* pc) {
    detail::atomic_point(op, this, name_, where, pc);
    detail::atomic_sync(detail::AtomicEffect::kReadModifyWrite, order, clock_);
    const T old = value_;
    value_ = next(old);
    // An exchange(true) on a taken flag, a fetch_add(0): it changed nothing,
    // so it only read (a spin of them is a spin of reads).
    if (std::memcmp(&value_, &old, sizeof(T)) == 0) detail::Execution::get().note_failed_attempt();
    return old;
  }

  bool cas(T& expected, T desired, std::memory_order success, std::memory_order failure, weft::source_location where) {
    detail::atomic_point(detail::Op::kCompareExchange, this, name_, where);
    if (std::memcmp(&value_, &expected, sizeof(T)) == 0) {
      detail::atomic_sync(detail::AtomicEffect::kReadModifyWrite, success, clock_);
      // compare_exchange(expected = 0, 0) on a 0 writes what was there: a read.
      if (std::memcmp(&value_, &desired, sizeof(T)) == 0) detail::Execution::get().note_failed_attempt();
      value_ = desired;
      return true;
    }
    detail::atomic_sync(detail::AtomicEffect::kLoad, failure, clock_);
    expected = value_;
    // Only a repeated failure is a spin (the runtime checks): a failed CAS is
    // also how some code reads a value, compare_exchange(expected = 0, 0).
    detail::Execution::get().note_failed_attempt();
    return false;
  }

  void notify(weft::source_location where) {
    detail::Execution::get().point(detail::Op::kNotifyAll, this, name_, where, detail::Cancel::kNonCancellable);
    wake_waiters();
  }
  void wake_waiters() const {
    if (waiters_.empty()) return;
    detail::Execution& ex = detail::Execution::get();
    for (detail::ThreadId w : waiters_) ex.wake(w);
    waiters_.clear();
  }

  T value_;
  const char* name_ = nullptr;
  mutable detail::SyncClock clock_;
  mutable std::vector<detail::ThreadId> waiters_;
};

}  // namespace weft
