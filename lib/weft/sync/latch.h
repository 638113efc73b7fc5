// weft::latch and weft::barrier: std's single-use and reusable thread
// barriers. Everything before a count_down / arrival happens-before
// everything after the wait that it releases.
//
//   weft::latch done{2};
//   weft::thread a([&] { work(); done.count_down(); });
//   weft::thread b([&] { work(); done.count_down(); });
//   done.wait();
//
//   weft::barrier sync{3, [] noexcept { /* runs once per phase */ }};
//   sync.arrive_and_wait();
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "weft/base/source_location.h"
#include "weft/detect/vector_clock.h"
#include "weft/runtime/execution.h"

namespace weft {

class latch final : private detail::Waitable {
 public:
  explicit latch(std::ptrdiff_t expected, const char* name = nullptr) : count_(expected), name_(name) {}
  latch(const latch&) = delete;
  latch& operator=(const latch&) = delete;

  void count_down(std::ptrdiff_t n = 1, weft::source_location where = weft::source_location::current());
  bool try_wait(weft::source_location where = weft::source_location::current()) const noexcept;
  void wait(weft::source_location where = weft::source_location::current()) const;
  void arrive_and_wait(std::ptrdiff_t n = 1, weft::source_location where = weft::source_location::current()) {
    count_down(n, where);
    wait(where);
  }

 private:
  std::ptrdiff_t count_;
  const char* name_;
  mutable std::vector<detail::ThreadId> waiters_;
  detail::SyncClock clock_;
};

// A reusable barrier. The completion function runs on the last arriving
// thread of each phase, before any waiter is released.
class barrier final : private detail::Waitable {
 public:
  using arrival_token = uint64_t;

  explicit barrier(std::ptrdiff_t expected, std::function<void()> completion = {}, const char* name = nullptr)
      : expected_(expected), pending_(expected), completion_(std::move(completion)), name_(name) {}
  barrier(const barrier&) = delete;
  barrier& operator=(const barrier&) = delete;

  arrival_token arrive(std::ptrdiff_t n = 1, weft::source_location where = weft::source_location::current());
  void wait(arrival_token phase, weft::source_location where = weft::source_location::current()) const;
  void arrive_and_wait(weft::source_location where = weft::source_location::current()) {
    wait(arrive(1, where), where);
  }
  void arrive_and_drop(weft::source_location where = weft::source_location::current());

 private:
  arrival_token arrive_internal(std::ptrdiff_t n, bool drop, weft::source_location where);

  std::ptrdiff_t expected_;
  std::ptrdiff_t pending_;
  uint64_t phase_ = 0;
  std::function<void()> completion_;
  const char* name_;
  mutable std::vector<detail::ThreadId> waiters_;
  detail::SyncClock clock_;  // arrivals of the phase -> everyone released
};

}  // namespace weft
