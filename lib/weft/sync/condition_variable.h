// weft::condition_variable: std::condition_variable over weft::mutex.
//
//   weft::mutex m;
//   weft::condition_variable cv;
//   bool ready = false;                     // guarded by m
//   // consumer
//   std::unique_lock lock(m);
//   cv.wait(lock, [&] { return ready; });
//   // producer
//   { std::lock_guard g(m); ready = true; }
//   cv.notify_one();
//
// notify_one wakes a waiter chosen by the scheduler, not the oldest, so code
// that relies on FIFO wakeups is caught. Timeouts use virtual time: a
// wait_for may time out at any point where its deadline is the earliest one
// pending. Spurious wakeups, which the standard allows, are explored when
// Options::spurious_wakeups is set.
//
// weft::condition_variable_any: std::condition_variable_any, for any lock
// with lock() and unlock(): a std::shared_lock or std::unique_lock of a
// weft::shared_mutex, a weft::mutex itself, ...
//
//   weft::shared_mutex m;
//   weft::condition_variable_any cv;
//   std::shared_lock lock(m);
//   cv.wait(lock, [&] { return ready; });
//
// The same wakeup rules. Releasing the lock is the lock's own unlock(), a
// scheduling point of its own, but the thread counts as waiting from before
// it: a notify in between is not lost, as the standard requires.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "weft/base/source_location.h"
#include "weft/detect/vector_clock.h"
#include "weft/sync/mutex.h"
#include "weft/sync/wait_queue.h"

namespace weft {

using cv_status = std::cv_status;

namespace detail {

// What both condition variables share: a name for reports, the waiters, and
// notifying them.
class ConditionVariableBase {
 public:
  ConditionVariableBase() = default;
  explicit ConditionVariableBase(const char* name) : name_(name) {}
  ConditionVariableBase(const ConditionVariableBase&) = delete;
  ConditionVariableBase& operator=(const ConditionVariableBase&) = delete;

  void notify_one(weft::source_location where = weft::source_location::current());
  void notify_all(weft::source_location where = weft::source_location::current());

 protected:
  ~ConditionVariableBase() = default;

  const char* name_ = nullptr;
  WaitQueue queue_;
};

}  // namespace detail

class condition_variable final : public detail::ConditionVariableBase {
 public:
  using ConditionVariableBase::ConditionVariableBase;

  void wait(std::unique_lock<mutex>& lock, weft::source_location where = weft::source_location::current()) {
    wait_until_ns(lock, detail::kNoDeadline, where);
  }
  template <typename Predicate>
  void wait(std::unique_lock<mutex>& lock, Predicate pred,
            weft::source_location where = weft::source_location::current()) {
    while (!pred()) wait_until_ns(lock, detail::kNoDeadline, where);
  }

  template <typename Rep, typename Period>
  cv_status wait_for(std::unique_lock<mutex>& lock, const std::chrono::duration<Rep, Period>& d,
                     weft::source_location where = weft::source_location::current()) {
    return wait_until_ns(lock, detail::deadline_after(d), where);
  }
  template <typename Rep, typename Period, typename Predicate>
  bool wait_for(std::unique_lock<mutex>& lock, const std::chrono::duration<Rep, Period>& d, Predicate pred,
                weft::source_location where = weft::source_location::current()) {
    return wait_until_pred(lock, detail::deadline_after(d), pred, where);
  }

  template <typename Duration>
  cv_status wait_until(std::unique_lock<mutex>& lock, const std::chrono::time_point<steady_clock, Duration>& t,
                       weft::source_location where = weft::source_location::current()) {
    return wait_until_ns(lock, detail::deadline_at(t), where);
  }
  template <typename Duration, typename Predicate>
  bool wait_until(std::unique_lock<mutex>& lock, const std::chrono::time_point<steady_clock, Duration>& t,
                  Predicate pred, weft::source_location where = weft::source_location::current()) {
    return wait_until_pred(lock, detail::deadline_at(t), pred, where);
  }

 private:
  cv_status wait_until_ns(std::unique_lock<mutex>& lock, int64_t deadline, weft::source_location where);
  template <typename Predicate>
  bool wait_until_pred(std::unique_lock<mutex>& lock, int64_t deadline, Predicate& pred, weft::source_location where) {
    while (!pred()) {
      if (wait_until_ns(lock, deadline, where) == cv_status::timeout) return pred();
    }
    return true;
  }
};

class condition_variable_any final : public detail::ConditionVariableBase {
 public:
  using ConditionVariableBase::ConditionVariableBase;

  template <typename Lock>
  void wait(Lock& lock, weft::source_location where = weft::source_location::current()) {
    wait_until_ns(lock, detail::kNoDeadline, where);
  }
  template <typename Lock, typename Predicate>
  void wait(Lock& lock, Predicate pred, weft::source_location where = weft::source_location::current()) {
    while (!pred()) wait_until_ns(lock, detail::kNoDeadline, where);
  }

  template <typename Lock, typename Rep, typename Period>
  cv_status wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& d,
                     weft::source_location where = weft::source_location::current()) {
    return wait_until_ns(lock, detail::deadline_after(d), where);
  }
  template <typename Lock, typename Rep, typename Period, typename Predicate>
  bool wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& d, Predicate pred,
                weft::source_location where = weft::source_location::current()) {
    return wait_until_pred(lock, detail::deadline_after(d), pred, where);
  }

  template <typename Lock, typename Duration>
  cv_status wait_until(Lock& lock, const std::chrono::time_point<steady_clock, Duration>& t,
                       weft::source_location where = weft::source_location::current()) {
    return wait_until_ns(lock, detail::deadline_at(t), where);
  }
  template <typename Lock, typename Duration, typename Predicate>
  bool wait_until(Lock& lock, const std::chrono::time_point<steady_clock, Duration>& t, Predicate pred,
                  weft::source_location where = weft::source_location::current()) {
    return wait_until_pred(lock, detail::deadline_at(t), pred, where);
  }

 private:
  template <typename Lock>
  cv_status wait_until_ns(Lock& lock, int64_t deadline, weft::source_location where) {
    begin_wait(where);
    lock.unlock();
    const detail::WakeReason why = end_wait(deadline);
    if (why == detail::WakeReason::kAborted) return cv_status::no_timeout;
    lock.lock();
    return why == detail::WakeReason::kTimedOut ? cv_status::timeout : cv_status::no_timeout;
  }
  template <typename Lock, typename Predicate>
  bool wait_until_pred(Lock& lock, int64_t deadline, Predicate& pred, weft::source_location where) {
    while (!pred()) {
      if (wait_until_ns(lock, deadline, where) == cv_status::timeout) return pred();
    }
    return true;
  }
  // The scheduling point of the wait, and joining the waiters.
  void begin_wait(weft::source_location where);
  // After the lock is released: blocks unless already notified.
  detail::WakeReason end_wait(int64_t deadline);
};

}  // namespace weft
