// weft::thread: std::thread's interface, run as a fiber under weft's scheduler.
//
//   weft::var<int> x{0};
//   weft::thread t([&](int by) { x += by; }, 2);
//   t.join();
//   weft::this_thread::yield();
//   weft::this_thread::sleep_for(std::chrono::milliseconds(5));  // virtual time
//
// Misuse is a reported failure: joining a thread twice, joining itself, and a
// joinable thread whose handle is destroyed (std::thread would terminate).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <ostream>
#include <tuple>
#include <type_traits>
#include <utility>

#include "weft/base/source_location.h"
#include "weft/runtime/thread_fn.h"

namespace weft {

class thread;

namespace detail {
int spawn_thread(ThreadFn&& fn);
void join_thread(int id, weft::source_location where);
void detach_thread(int id, weft::source_location where);
void destroy_joinable_thread(int id);
int current_thread_id();
void yield_now(weft::source_location where);
void sleep_ns(int64_t ns, weft::source_location where);
void sleep_until_ns(int64_t deadline, weft::source_location where);
int64_t virtual_now_ns();
}  // namespace detail

// Virtual time: starts at zero in every execution and advances only when a
// sleep or a timed wait times out, so timeouts are deterministic and instant.
struct steady_clock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<steady_clock>;
  static constexpr bool is_steady = true;
  static time_point now() noexcept { return time_point(duration(detail::virtual_now_ns())); }
};

class thread {
 public:
  class id {
   public:
    id() noexcept = default;
    friend bool operator==(id a, id b) noexcept { return a.value_ == b.value_; }
    friend auto operator<=>(id a, id b) noexcept { return a.value_ <=> b.value_; }
    friend std::ostream& operator<<(std::ostream& out, id i) { return out << "weft-thread-" << i.value_; }
    template <typename H>
    friend H AbslHashValue(H h, id i) {
      return H::combine(std::move(h), i.value_);
    }
    int value() const noexcept { return value_; }

   private:
    friend class thread;
    friend id this_thread_get_id() noexcept;
    explicit id(int value) : value_(value) {}
    int value_ = -1;
  };

  thread() noexcept = default;

  template <typename F, typename... Args>
  requires(!std::is_same_v<std::remove_cvref_t<F>, thread>) explicit thread(F&& f, Args&&... args)
      : id_(detail::spawn_thread(
            [fn = std::forward<F>(f), tuple = std::make_tuple(std::forward<Args>(args)...)]() mutable {
              std::apply(std::move(fn), std::move(tuple));
            })) {}

  ~thread() {
    if (joinable()) detail::destroy_joinable_thread(id_);
  }

  thread(thread&& other) noexcept : id_(std::exchange(other.id_, -1)) {}
  thread& operator=(thread&& other) noexcept {
    if (joinable()) detail::destroy_joinable_thread(id_);
    id_ = std::exchange(other.id_, -1);
    return *this;
  }
  thread(const thread&) = delete;
  thread& operator=(const thread&) = delete;

  bool joinable() const noexcept { return id_ >= 0; }
  id get_id() const noexcept { return id(id_); }
  static unsigned hardware_concurrency() noexcept { return 2; }

  void join(weft::source_location where = weft::source_location::current()) {
    detail::join_thread(id_, where);
    id_ = -1;
  }
  void detach(weft::source_location where = weft::source_location::current()) {
    detail::detach_thread(id_, where);
    id_ = -1;
  }
  void swap(thread& other) noexcept { std::swap(id_, other.id_); }

 private:
  int id_ = -1;
};

inline thread::id this_thread_get_id() noexcept { return thread::id(detail::current_thread_id()); }

namespace this_thread {

inline thread::id get_id() noexcept { return this_thread_get_id(); }

// A scheduling point where the calling thread offers to let others run.
inline void yield(weft::source_location where = weft::source_location::current()) { detail::yield_now(where); }

template <typename Rep, typename Period>
void sleep_for(const std::chrono::duration<Rep, Period>& d,
               weft::source_location where = weft::source_location::current()) {
  detail::sleep_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count(), where);
}

// Wakes at `t` exactly, however late the scheduler runs the call itself.
template <typename Duration>
void sleep_until(const std::chrono::time_point<steady_clock, Duration>& t,
                 weft::source_location where = weft::source_location::current()) {
  detail::sleep_until_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count(), where);
}

}  // namespace this_thread
}  // namespace weft
