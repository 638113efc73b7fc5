// weft::select: wait on several channel operations at once, as Go's select.
//
//   weft::channel<int> jobs{2, "jobs"}, results{2, "results"};
//   std::size_t taken = weft::select(
//       weft::on_recv(jobs, [&](std::optional<int> job) { ... }),  // nullopt: jobs is closed and drained
//       weft::on_send(results, 42, [&] { ... }),
//       weft::on_timeout(5ms, [&] { ... }),  // none ready for 5ms of virtual time
//       weft::on_default([&] { ... }));      // none ready now: do not wait
//   // taken: the index of the case that ran (here 0 to 3)
//
// Exactly one case runs. When several are ready, which one is an explored
// choice (a weft::choose step in the trace), never the first nor a fair
// rotation: code that assumes either is caught. When none is ready, a
// select with a default runs it; otherwise the thread blocks on every
// channel until one case can complete, or its timeout passes in virtual
// time. A thread blocked in a select that can never complete is a deadlock
// whose report names every channel it waits on.
//
// A case completes as the single operation would: the same happens-before
// edges (a receive is ordered after the send it takes, ...), a send on a
// closed channel is misuse, a receive on a closed, drained channel is ready
// and hands nullopt to its handler. A send case on an unbuffered channel is
// ready when a receiver waits on it (a blocked recv, or a select with a
// receive case on it), as for try_send; once chosen, the select waits for a
// receiver to take the value, as send does. (Go pairs the two sides in one
// step; here a waiting receiver that is itself a select may take another
// case, and the sender then waits for the next receiver.) A select never
// pairs with itself: its own receive case does not make its send case
// ready. At most one default and one timeout per select (misuse otherwise);
// the select's site in reports is its first case's.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>

#include "weft/base/source_location.h"
#include "weft/runtime/execution.h"
#include "weft/sync/channel.h"

namespace weft {

namespace detail {

// One case of a select. The channel cases are templates over the channel's
// type; run_select sees them through this interface.
class SelectCase {
 public:
  enum class Kind : uint8_t { kReceive, kSend, kTimeout, kDefault };

  Kind kind() const { return kind_; }
  const void* object() const { return object_; }
  const char* object_name() const { return object_name_; }
  int64_t timeout_ns() const { return timeout_ns_; }
  weft::source_location where() const { return where_; }

  // Could the operation complete now without blocking? (Channel cases.)
  virtual bool ready() const { return false; }
  // While the select blocks: be woken by any change to the channel.
  virtual void enlist(Execution& ex) { (void)ex; }
  virtual void leave(Execution& ex) { (void)ex; }
  // The case was chosen: completes the operation, then runs the handler.
  virtual void run(Execution& ex) = 0;

 protected:
  SelectCase(Kind kind, const void* object, const char* object_name, int64_t timeout_ns, weft::source_location where)
      : kind_(kind), object_(object), object_name_(object_name), timeout_ns_(timeout_ns), where_(where) {}
  SelectCase(const SelectCase&) = default;
  ~SelectCase() = default;

 private:
  Kind kind_;
  const void* object_;  // the channel; null for the timeout and the default
  const char* object_name_;
  int64_t timeout_ns_;
  weft::source_location where_;
};

// Runs one select over `cases` (see the top of this header); returns the
// index of the case that ran.
std::size_t run_select(std::span<SelectCase* const> cases);

// A case without a handler does nothing more than its operation.
struct NoHandler {
  template <typename... Args>
  void operator()(Args&&...) const {}
};

template <typename T, typename F>
class ReceiveCase final : public SelectCase {
 public:
  ReceiveCase(weft::channel<T>& ch, F handler, weft::source_location where)
      : SelectCase(Kind::kReceive, &ch, ch.name_, 0, where), ch_(ch), handler_(std::move(handler)) {}

  bool ready() const override { return ch_.receive_ready(); }
  void enlist(Execution& ex) override { ch_.enlist(ex, /*as_receiver=*/true); }
  void leave(Execution& ex) override { ch_.leave(ex, /*as_receiver=*/true); }
  void run(Execution& ex) override { handler_(ch_.pop(ex)); }

 private:
  weft::channel<T>& ch_;
  F handler_;
};

template <typename T, typename F>
class SendCase final : public SelectCase {
 public:
  SendCase(weft::channel<T>& ch, T value, F handler, weft::source_location where)
      : SelectCase(Kind::kSend, &ch, ch.name_, 0, where),
        ch_(ch),
        value_(std::move(value)),
        handler_(std::move(handler)) {}

  bool ready() const override { return ch_.send_ready(); }
  void enlist(Execution& ex) override { ch_.enlist(ex, /*as_receiver=*/false); }
  void leave(Execution& ex) override { ch_.leave(ex, /*as_receiver=*/false); }
  void run(Execution& ex) override {
    if (!ch_.check_open(ex, where())) return;
    ch_.complete_send(ex, std::move(value_), where());
    handler_();
  }

 private:
  weft::channel<T>& ch_;
  T value_;
  F handler_;
};

// The timeout and the default: no channel, only a handler.
template <typename F>
class PlainCase final : public SelectCase {
 public:
  PlainCase(Kind kind, int64_t timeout_ns, F handler, weft::source_location where)
      : SelectCase(kind, nullptr, nullptr, timeout_ns, where), handler_(std::move(handler)) {}

  void run(Execution&) override { handler_(); }

 private:
  F handler_;
};

}  // namespace detail

// A receive: `handler(std::optional<T>)` gets the value, or nullopt when the
// channel is closed and drained.
template <typename T, typename F = detail::NoHandler>
detail::ReceiveCase<T, F> on_recv(channel<T>& ch, F handler = {},
                                  weft::source_location where = weft::source_location::current()) {
  return {ch, std::move(handler), where};
}

// A send of `value`; `handler()` runs once it is sent.
template <typename T, typename F = detail::NoHandler>
detail::SendCase<T, F> on_send(channel<T>& ch, std::type_identity_t<T> value, F handler = {},
                               weft::source_location where = weft::source_location::current()) {
  return {ch, std::move(value), std::move(handler), where};
}

// Runs `handler()` when no other case became ready within `d` of virtual
// time from the select's start (a d <= 0 is ready at once).
template <typename Rep, typename Period, typename F = detail::NoHandler>
detail::PlainCase<F> on_timeout(std::chrono::duration<Rep, Period> d, F handler = {},
                                weft::source_location where = weft::source_location::current()) {
  const int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  return {detail::SelectCase::Kind::kTimeout, ns, std::move(handler), where};
}

// Runs `handler()` when no other case is ready: the select does not wait.
template <typename F = detail::NoHandler>
detail::PlainCase<F> on_default(F handler = {}, weft::source_location where = weft::source_location::current()) {
  return {detail::SelectCase::Kind::kDefault, 0, std::move(handler), where};
}

// Waits until one of `cases` can run and runs it; returns its index.
template <typename... Cases>
std::size_t select(Cases&&... cases) {
  static_assert(sizeof...(Cases) > 0, "a select needs at least one case");
  static_assert((std::is_base_of_v<detail::SelectCase, std::remove_cvref_t<Cases>> && ...),
                "select's arguments are cases: weft::on_recv, on_send, on_timeout, on_default");
  detail::SelectCase* const all[] = {&cases...};
  return detail::run_select(all);
}

}  // namespace weft
