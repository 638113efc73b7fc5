// weft's mutexes: the std interfaces, so std::lock_guard, std::unique_lock
// and std::scoped_lock work unchanged. Each lock, try_lock and unlock is a
// scheduling point; lock hands the happens-before clock of the last unlock
// to the new owner. An optional name shows up in reports.
//
//   weft::mutex m{"accounts"};
//   {
//     std::scoped_lock lock(m);
//     ...
//   }
//   weft::timed_mutex t;
//   if (t.try_lock_for(std::chrono::milliseconds(10))) t.unlock();  // virtual time
//
// Misuse is reported, not undefined: unlocking a mutex the thread does not
// hold, locking a non-recursive mutex twice (self-deadlock), destroying a
// locked mutex.
#pragma once

#include <chrono>

#include "weft/base/source_location.h"
#include "weft/sync/mutex_core.h"
#include "weft/sync/thread.h"

namespace weft {

namespace detail {

template <typename Rep, typename Period>
int64_t deadline_after(const std::chrono::duration<Rep, Period>& d) {
  const int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  return virtual_now_ns() + (ns > 0 ? ns : 0);
}

template <typename Duration>
int64_t deadline_at(const std::chrono::time_point<steady_clock, Duration>& t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// The members every mutex type shares.
template <bool kRecursive>
class BasicMutex {
 public:
  BasicMutex() = default;
  explicit BasicMutex(const char* name) : core_(name, kRecursive) {}
  BasicMutex(const BasicMutex&) = delete;
  BasicMutex& operator=(const BasicMutex&) = delete;

  // Called from std::lock_guard and friends, `where` is a line of the
  // standard header: the return address leads reports back to the user's.
  [[gnu::noinline]] void lock(weft::source_location where = weft::source_location::current()) {
    core_.lock(where, __builtin_return_address(0));
  }
  [[gnu::noinline]] bool try_lock(weft::source_location where = weft::source_location::current()) {
    return core_.try_lock(where, __builtin_return_address(0));
  }
  [[gnu::noinline]] void unlock(weft::source_location where = weft::source_location::current()) {
    core_.unlock(where, __builtin_return_address(0));
  }

 protected:
  MutexCore core_{nullptr, kRecursive};
};

template <bool kRecursive>
class BasicTimedMutex : public BasicMutex<kRecursive> {
 public:
  using BasicMutex<kRecursive>::BasicMutex;

  template <typename Rep, typename Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& d,
                    weft::source_location where = weft::source_location::current()) {
    return this->core_.try_lock_until(deadline_after(d), where);
  }
  template <typename Duration>
  bool try_lock_until(const std::chrono::time_point<steady_clock, Duration>& t,
                      weft::source_location where = weft::source_location::current()) {
    return this->core_.try_lock_until(deadline_at(t), where);
  }
};

}  // namespace detail

class condition_variable;

class mutex : public detail::BasicMutex<false> {
 public:
  using BasicMutex::BasicMutex;

 private:
  friend class condition_variable;
  detail::MutexCore& core() { return core_; }
};

class recursive_mutex : public detail::BasicMutex<true> {
 public:
  using BasicMutex::BasicMutex;
};

class timed_mutex : public detail::BasicTimedMutex<false> {
 public:
  using BasicTimedMutex::BasicTimedMutex;
};

class recursive_timed_mutex : public detail::BasicTimedMutex<true> {
 public:
  using BasicTimedMutex::BasicTimedMutex;
};

}  // namespace weft
