// weft::asio::context: unmodified Boost.Asio handler code on weft's event
// loop, with weft choosing the order of ready handlers.
//
//   weft::asio::context io{"io"};
//   auto strand = boost::asio::make_strand(io.get_executor());
//   boost::asio::post(strand, [&] { ... });        // Asio's post, dispatch, defer
//   boost::asio::post(io, [&] { ... });
//   weft::asio::timer t{io};                        // weft/asio/timer.h: virtual time
//   t.expires_after(5ms);
//   t.async_wait([&](boost::system::error_code ec) { ... });
//   io.run();                                      // on a weft thread (or several)
//
// The context is a boost::asio::execution_context, so Asio's services
// (strands among them) attach to it, and its executor is an Asio executor
// (the Networking TS kind: context, on_work_started/finished, dispatch,
// post, defer), so asio::post / dispatch / defer, asio::strand,
// executor_work_guard, bind_executor and async_initiate work with it as
// with an io_context's. What weft controls and what runs as is:
// docs/asio.md. Handlers posted through Asio are named "asio post",
// "asio dispatch" or "asio defer" in reports (Asio does not pass the
// caller's source position down to the executor).
#pragma once

#include <boost/asio/execution_context.hpp>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "weft/base/source_location.h"
#include "weft/sync/event_loop.h"

namespace weft::asio {

class context : public boost::asio::execution_context {
 public:
  class executor_type;

  explicit context(const char* name = "asio") : loop_(name) {}

  executor_type get_executor() noexcept;

  // Runs handlers on the calling weft thread, as io_context::run.
  std::size_t run(weft::source_location where = weft::source_location::current()) { return loop_.run(where); }
  void stop(weft::source_location where = weft::source_location::current()) { loop_.stop(where); }
  bool stopped() const { return loop_.stopped(); }
  void restart() { loop_.restart(); }

  weft::event_loop& loop() { return loop_; }

 private:
  weft::event_loop loop_;
};

class context::executor_type {
 public:
  explicit executor_type(weft::asio::context& owner) noexcept : owner_(&owner) {}

  weft::asio::context& context() const noexcept { return *owner_; }

  // Outstanding work (executor_work_guard, an operation in flight) keeps
  // run() waiting, as for an io_context.
  void on_work_started() const noexcept { owner_->loop().add_hold(); }
  void on_work_finished() const noexcept { owner_->loop().drop_hold(); }

  // Runs `f` at once when called from a handler of this context (as
  // io_context's executor does); otherwise queues it.
  template <typename F, typename Allocator>
  void dispatch(F&& f, const Allocator&) const {
    if (running_in_this_thread()) {
      std::decay_t<F> handler(std::forward<F>(f));
      std::move(handler)();
      return;
    }
    submit(std::forward<F>(f), "asio dispatch");
  }
  template <typename F, typename Allocator>
  void post(F&& f, const Allocator&) const {
    submit(std::forward<F>(f), "asio post");
  }
  template <typename F, typename Allocator>
  void defer(F&& f, const Allocator&) const {
    submit(std::forward<F>(f), "asio defer");
  }

  bool running_in_this_thread() const noexcept { return owner_->loop().running_in_this_thread(); }

  friend bool operator==(const executor_type& a, const executor_type& b) noexcept { return a.owner_ == b.owner_; }
  friend bool operator!=(const executor_type& a, const executor_type& b) noexcept { return a.owner_ != b.owner_; }

 private:
  template <typename F>
  void submit(F&& f, const char* name) const {
    owner_->loop().post([handler = std::decay_t<F>(std::forward<F>(f))]() mutable { std::move(handler)(); }, name);
  }

  weft::asio::context* owner_;
};

inline context::executor_type context::get_executor() noexcept { return executor_type(*this); }

}  // namespace weft::asio
