// weft::asio::timer: a steady timer in weft's virtual time, with the
// interface of Asio's (expires_after, async_wait with any completion token,
// cancel), for handler code run on a weft::asio::context.
//
//   weft::asio::timer t{io};
//   t.expires_after(100ms);
//   t.async_wait([&](boost::system::error_code ec) {
//     if (ec == boost::asio::error::operation_aborted) return;  // cancelled
//     on_timeout();
//   });
//
// Why not boost::asio::steady_timer: Asio's timers belong to an io_context's
// scheduler and reactor (a timerfd and epoll, real time, its own queue), so
// they cannot run on another execution context nor in virtual time. This
// one queues the completion on the context's event loop after the delay;
// weft explores when it fires relative to the ready handlers. The handler
// runs through its associated executor (a strand it is bound to, ...), as
// Asio's completion rules require.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "weft/asio/context.h"

namespace weft::asio {

class timer {
 public:
  using executor_type = context::executor_type;

  explicit timer(context& io) : io_(io) {}
  timer(const timer&) = delete;
  timer& operator=(const timer&) = delete;
  ~timer() {
    if (!pending_.empty()) cancel();
  }

  executor_type get_executor() noexcept { return io_.get_executor(); }

  // Sets the expiry `d` of virtual time from now; cancels pending waits
  // (they complete with operation_aborted). Returns how many it cancelled.
  template <typename Rep, typename Period>
  std::size_t expires_after(std::chrono::duration<Rep, Period> d) {
    const std::size_t cancelled = cancel();
    delay_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    return cancelled;
  }

  // Completes with an error_code: success at expiry, operation_aborted
  // when cancelled first.
  template <typename Token>
  auto async_wait(Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler) {
          auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler, get_executor()));
          auto complete = [handler = std::move(handler), work = std::move(work)](boost::system::error_code ec) mutable {
            auto ex = work.get_executor();
            boost::asio::dispatch(ex, [handler = std::move(handler), ec]() mutable { std::move(handler)(ec); });
            work.reset();
          };
          auto shared = std::make_shared<decltype(complete)>(std::move(complete));
          const weft::event_loop::timer_id id = io_.loop().post_after_ns(
              delay_ns_, [shared] { (*shared)({}); }, "asio timer");
          pending_.push_back({id, [shared] { (*shared)(boost::asio::error::operation_aborted); }});
        },
        token);
  }

  // Cancels every pending wait: each completes with operation_aborted (queued
  // on the context, as Asio does). Returns how many.
  std::size_t cancel() {
    std::size_t cancelled = 0;
    for (Pending& p : pending_) {
      if (!io_.loop().cancel(p.id)) continue;  // already fired
      io_.loop().post(std::move(p.abort), "asio timer cancelled");
      ++cancelled;
    }
    pending_.clear();
    return cancelled;
  }

 private:
  struct Pending {
    weft::event_loop::timer_id id;
    weft::event_loop::handler abort;
  };

  context& io_;
  int64_t delay_ns_ = 0;
  std::vector<Pending> pending_;
};

}  // namespace weft::asio
