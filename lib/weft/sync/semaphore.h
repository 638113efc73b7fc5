// weft::counting_semaphore / binary_semaphore: std's interfaces. A release
// happens-before the acquire that takes its count.
//
//   weft::counting_semaphore<4> slots{4};
//   slots.acquire();
//   ...
//   slots.release();
//   weft::binary_semaphore ready{0};
//   if (ready.try_acquire_for(std::chrono::seconds(1))) { ... }  // virtual time
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include "absl/strings/str_cat.h"
#include "weft/base/source_location.h"
#include "weft/detect/happens_before.h"
#include "weft/sync/mutex.h"

namespace weft {
namespace detail {

class SemaphoreCore final : public Waitable {
 public:
  SemaphoreCore(std::ptrdiff_t count, std::ptrdiff_t max, const char* name) : count_(count), max_(max), name_(name) {}

  void release(std::ptrdiff_t n, weft::source_location where);
  void acquire(weft::source_location where) { acquire_until(kNoDeadline, where); }
  bool try_acquire(weft::source_location where);
  bool acquire_until(int64_t deadline, weft::source_location where);
  // The count now (sem_getvalue): a scheduling point, as a load.
  std::ptrdiff_t value(weft::source_location where);

 private:
  std::ptrdiff_t count_;
  std::ptrdiff_t max_;
  const char* name_;
  std::vector<ThreadId> waiters_;
  SyncClock clock_;
};

}  // namespace detail

template <std::ptrdiff_t LeastMaxValue = 0x7fffffff>
class counting_semaphore {
 public:
  static constexpr std::ptrdiff_t max() noexcept { return LeastMaxValue; }

  explicit counting_semaphore(std::ptrdiff_t desired, const char* name = nullptr) : core_(desired, max(), name) {}
  counting_semaphore(const counting_semaphore&) = delete;
  counting_semaphore& operator=(const counting_semaphore&) = delete;

  void release(std::ptrdiff_t update = 1, weft::source_location where = weft::source_location::current()) {
    core_.release(update, where);
  }
  void acquire(weft::source_location where = weft::source_location::current()) { core_.acquire(where); }
  bool try_acquire(weft::source_location where = weft::source_location::current()) noexcept {
    return core_.try_acquire(where);
  }
  template <typename Rep, typename Period>
  bool try_acquire_for(const std::chrono::duration<Rep, Period>& d,
                       weft::source_location where = weft::source_location::current()) {
    return core_.acquire_until(detail::deadline_after(d), where);
  }
  template <typename Duration>
  bool try_acquire_until(const std::chrono::time_point<steady_clock, Duration>& t,
                         weft::source_location where = weft::source_location::current()) {
    return core_.acquire_until(detail::deadline_at(t), where);
  }

 private:
  detail::SemaphoreCore core_;
};

using binary_semaphore = counting_semaphore<1>;

}  // namespace weft
