// weft::event_loop: event-driven code under weft. A weft thread calls run()
// and executes handlers one at a time; any weft thread (the loop's own
// handlers included) posts more, now or after a delay in virtual time.
// Several threads may call run() at once, as with an Asio io_context run by
// a thread pool: each takes the next handler, so handlers then overlap.
//
//   weft::event_loop loop{"loop"};
//   loop.post([&] { start_read(); }, "start_read");
//   loop.post_after(5ms, [&] { give_up(); }, "read_timeout");
//   weft::thread io([&, work = loop.hold()] {        // keeps run() waiting
//     loop.post([&] { on_read(data); }, "on_read");   // a completion from another thread
//   });
//   loop.run();   // until stop(), or until no handler, timer or hold is left
//   io.join();
//
// Which ready handler runs next is an explored choice, not FIFO: a program
// that needs an order must say so (post the second from the first, or use
// a strand: weft/asio). A timer may also fire before the handlers that are
// ready, as if they took long enough: the loop can let virtual time run to
// the earliest timer instead of running a ready handler, and weft explores
// that too. Timers that have fired run in the order of their deadlines. Each handler is a step of the loop's thread in
// reports, named by its name and shown at the site that posted it. A post happens-before the handler it posts.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "weft/base/source_location.h"
#include "weft/detect/vector_clock.h"
#include "weft/runtime/execution.h"

namespace weft {

class event_loop final : private detail::Waitable {
 public:
  using handler = absl::AnyInvocable<void()>;
  // Names a timer of post_after, for cancel(). 0 is never a timer.
  using timer_id = uint64_t;

  explicit event_loop(const char* name = nullptr) : name_(name) {}
  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;

  // Queues `fn` to run on the loop's thread. `handler_name` (a string that
  // outlives the loop: a literal) names it in reports.
  void post(handler fn, const char* handler_name = nullptr,
            weft::source_location where = weft::source_location::current());

  // Queues `fn` to run once `delay` of virtual time has passed.
  template <typename Rep, typename Period>
  timer_id post_after(std::chrono::duration<Rep, Period> delay, handler fn, const char* handler_name = nullptr,
                      weft::source_location where = weft::source_location::current()) {
    return post_after_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(delay).count(), std::move(fn),
                         handler_name, where);
  }
  timer_id post_after_ns(int64_t delay_ns, handler fn, const char* handler_name = nullptr,
                         weft::source_location where = weft::source_location::current());

  // Removes a timer that has not run; false when it ran or was cancelled.
  bool cancel(timer_id timer, weft::source_location where = weft::source_location::current());

  // Runs handlers on the calling thread until stop(), or until nothing is
  // queued, no timer is pending, no hold() is alive and no other thread in
  // run() is running a handler (which may post more). Returns how many ran.
  std::size_t run(weft::source_location where = weft::source_location::current());

  // run() returns after the handler that is running (if any); handlers
  // still queued stay queued until the next run() after restart().
  void stop(weft::source_location where = weft::source_location::current());
  bool stopped() const { return stopped_; }
  void restart() { stopped_ = false; }

  // True on a thread inside run(): what Asio's dispatch asks.
  bool running_in_this_thread() const;

  // Outstanding work (a completion some thread will post): while a hold is
  // alive, run() waits for posts instead of returning.
  class hold_type {
   public:
    explicit hold_type(event_loop* loop) : loop_(loop) { ++loop_->holds_; }
    hold_type(hold_type&& other) noexcept : loop_(std::exchange(other.loop_, nullptr)) {}
    hold_type& operator=(hold_type&&) = delete;
    ~hold_type() { release(); }
    void release() {
      if (loop_ != nullptr) std::exchange(loop_, nullptr)->drop_hold();
    }

   private:
    event_loop* loop_;
  };
  hold_type hold() { return hold_type(this); }
  // The counting behind hold(), for adapters that track work themselves.
  void add_hold() { ++holds_; }
  void drop_hold();

  const char* name() const { return name_; }

 private:
  struct Entry {
    handler fn;
    const char* name = nullptr;
    weft::source_location where;
    int64_t due = 0;           // virtual ns; 0 for post
    timer_id id = 0;           // nonzero for post_after
    detail::SyncClock posted;  // the poster's clock: the handler acquires it
  };

  void enqueue(Entry entry, detail::Execution& ex);
  void wake_runners(detail::Execution& ex);
  // Moves the timers that are due into ready_, earliest first.
  void fire_due_timers(int64_t now);
  int64_t earliest_due() const;
  // The thread in run() waits for a post, a stop, the last hold to go, or
  // virtual time to reach `deadline`.
  void wait(detail::Execution& ex, int64_t deadline);
  void run_entry(detail::Execution& ex, Entry entry);

  const char* name_;
  std::vector<Entry> ready_;
  std::vector<Entry> timers_;            // pending post_after, in posting order
  std::vector<std::size_t> candidates_;  // scratch: the ready entries that may run next
  int holds_ = 0;
  bool stopped_ = false;
  timer_id next_timer_ = 1;
  int running_ = 0;                        // handlers running now (on any runner)
  std::vector<detail::ThreadId> runners_;  // the threads inside run()
  std::vector<detail::ThreadId> idle_;     // those of them waiting for work
};

}  // namespace weft
