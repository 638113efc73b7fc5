// weft::var<T>: a plain shared variable whose every read and write is a
// visible operation, checked for data races by happens-before.
//
//   weft::var<int> balance{100, "balance"};   // the name shows in reports
//   balance = balance - 10;                    // a read, then a write
//   balance += 5;                              // also a read, then a write
//   int now = balance.load();
//
// Two accesses from different threads, at least one a write, with no
// happens-before order between them (no lock, join, release/acquire, ...)
// are a data race: undefined behaviour in C++, reported as a failure.
//
// Existing structs can be checked without wrapping each field:
//   weft::annotate_write(&node->next, sizeof node->next);
#pragma once

#include <cstddef>
#include <utility>

#include "weft/base/source_location.h"
#include "weft/sync/access.h"

namespace weft {

template <typename T>
class var {
 public:
  // Construction counts as a write by the constructing thread (no scheduling
  // point), so a thread that was never handed the object races with it.
  var(weft::source_location where = weft::source_location::current()) : value_() { created(where); }
  var(T value, const char* name = nullptr, weft::source_location where = weft::source_location::current())
      : value_(std::move(value)), name_(name) {
    created(where);
  }
  var(const var&) = delete;
  var& operator=(const var&) = delete;

  T load(weft::source_location where = weft::source_location::current()) const {
    read(where, nullptr);
    return value_;
  }
  void store(T value, weft::source_location where = weft::source_location::current()) {
    write(where, nullptr);
    value_ = std::move(value);
  }

  [[gnu::noinline]] operator T() const {
    read({}, __builtin_return_address(0));
    return value_;
  }
  [[gnu::noinline]] var& operator=(T value) {
    write({}, __builtin_return_address(0));
    value_ = std::move(value);
    return *this;
  }

  // Compound assignments: a read, a scheduling point, then a write, the way
  // a non-atomic `x += 1` really happens.
  [[gnu::noinline]] var& operator+=(const T& v) {
    return update(__builtin_return_address(0), [&](T& x) { x += v; });
  }
  [[gnu::noinline]] var& operator-=(const T& v) {
    return update(__builtin_return_address(0), [&](T& x) { x -= v; });
  }
  [[gnu::noinline]] var& operator*=(const T& v) {
    return update(__builtin_return_address(0), [&](T& x) { x *= v; });
  }
  [[gnu::noinline]] var& operator/=(const T& v) {
    return update(__builtin_return_address(0), [&](T& x) { x /= v; });
  }
  [[gnu::noinline]] var& operator|=(const T& v) {
    return update(__builtin_return_address(0), [&](T& x) { x |= v; });
  }
  [[gnu::noinline]] var& operator&=(const T& v) {
    return update(__builtin_return_address(0), [&](T& x) { x &= v; });
  }
  [[gnu::noinline]] var& operator++() {
    return update(__builtin_return_address(0), [](T& x) { ++x; });
  }
  [[gnu::noinline]] var& operator--() {
    return update(__builtin_return_address(0), [](T& x) { --x; });
  }
  [[gnu::noinline]] T operator++(int) {
    return update_returning_old(__builtin_return_address(0), [](T& x) { ++x; });
  }
  [[gnu::noinline]] T operator--(int) {
    return update_returning_old(__builtin_return_address(0), [](T& x) { --x; });
  }

  // Direct access without a scheduling point or race check, for setup and
  // final checks where only one thread is left. Prefer load()/store().
  T& unchecked() { return value_; }

 private:
  void read(weft::source_location where, const void* pc) const {
    detail::plain_access(detail::Op::kRead, &value_, sizeof(T), name_, where, pc);
  }
  void write(weft::source_location where, const void* pc) {
    detail::plain_access(detail::Op::kWrite, &value_, sizeof(T), name_, where, pc);
  }
  template <typename F>
  var& update(const void* pc, F f) {
    read({}, pc);
    T copy = value_;
    f(copy);
    write({}, pc);
    value_ = std::move(copy);
    return *this;
  }

  // The value is read after the read's scheduling point, like update():
  // another thread may write in between.
  template <typename F>
  T update_returning_old(const void* pc, F f) {
    read({}, pc);
    T old = value_;
    T copy = old;
    f(copy);
    write({}, pc);
    value_ = std::move(copy);
    return old;
  }
  void created(weft::source_location where) { detail::checked_memory_created(&value_, sizeof(T), name_, where); }

  T value_;
  const char* name_ = nullptr;
};

// Race-check accesses to memory that is not a weft::var: each call is a
// scheduling point followed by a check of the byte range.
inline void annotate_read(const void* address, std::size_t size, const char* name = nullptr,
                          weft::source_location where = weft::source_location::current()) {
  detail::plain_access(detail::Op::kRead, address, size, name, where, nullptr);
}
inline void annotate_write(const void* address, std::size_t size, const char* name = nullptr,
                           weft::source_location where = weft::source_location::current()) {
  detail::plain_access(detail::Op::kWrite, address, size, name, where, nullptr);
}
// The range now holds a new object (fresh from an allocator, or reused
// after the old one died): earlier accesses to it are forgotten, and the
// construction counts as a write by the current thread. No scheduling point.
inline void annotate_new(const void* address, std::size_t size, const char* name = nullptr,
                         weft::source_location where = weft::source_location::current()) {
  detail::checked_memory_created(address, size, name, where);
}

}  // namespace weft
