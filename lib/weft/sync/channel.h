// weft::channel<T>: a Go-style channel between weft threads.
//
//   weft::channel<int> jobs{3};           // buffered: send blocks when 3 wait
//   weft::channel<int> handoff;           // capacity 0: send waits for recv
//   weft::thread worker([&] {
//     while (std::optional<int> job = jobs.recv()) process(*job);
//   });                                   // recv gives nullopt once closed and drained
//   jobs.send(1);
//   jobs.close();
//   worker.join();
//
// A send happens-before the receive that takes its value; close
// happens-before a receive that sees the channel closed; as in Go, a receive
// happens-before the completion of the send it makes room for (the
// rendezvous of an unbuffered channel, the freed slot of a buffered one, so
// a channel used as a semaphore orders its holders). Sending on a closed
// channel or closing twice is reported as misuse (Go panics there).
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "weft/base/source_location.h"
#include "weft/detect/happens_before.h"
#include "weft/runtime/execution.h"
#include "weft/sync/misuse.h"

namespace weft {

namespace detail {
template <typename T, typename F>
class ReceiveCase;
template <typename T, typename F>
class SendCase;
}  // namespace detail

template <typename T>
class channel final : private detail::Waitable {
 public:
  explicit channel(std::size_t capacity = 0, const char* name = nullptr) : capacity_(capacity), name_(name) {}
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;

  // Blocks until there is room (or, unbuffered, until a receiver takes it).
  void send(T value, weft::source_location where = weft::source_location::current()) {
    detail::Execution& ex = detail::Execution::get();
    ex.point(detail::Op::kSend, this, name_, where);
    if (!check_open(ex, where)) return;
    while (!has_room()) {
      if (!wait(ex, where) || !check_open(ex, where)) return;
    }
    complete_send(ex, std::move(value), where);
  }

  bool try_send(T value, weft::source_location where = weft::source_location::current()) {
    detail::Execution& ex = detail::Execution::get();
    ex.point(detail::Op::kTrySend, this, name_, where);
    if (!check_open(ex, where)) return false;
    // Unbuffered try_send succeeds only if a receiver is already waiting.
    if (!has_room() || (capacity_ == 0 && receivers_waiting_ == 0)) {
      ex.note_failed_attempt();
      return false;
    }
    push(ex, std::move(value));
    if (capacity_ > 0) {
      if (detail::HappensBefore* hb = ex.races()) hb->acquire(ex.current(), room_clock_);
    }
    return true;
  }

  // The next value; nullopt once the channel is closed and drained.
  std::optional<T> recv(weft::source_location where = weft::source_location::current()) {
    detail::Execution& ex = detail::Execution::get();
    ex.point(detail::Op::kReceive, this, name_, where);
    while (items_.empty() && !closed_) {
      ++receivers_waiting_;
      wake_all(ex);  // an unbuffered sender may be waiting for a receiver
      const bool woke = wait(ex, where);
      --receivers_waiting_;
      if (!woke) return std::nullopt;
    }
    return pop(ex);
  }

  std::optional<T> try_recv(weft::source_location where = weft::source_location::current()) {
    detail::Execution& ex = detail::Execution::get();
    ex.point(detail::Op::kTryReceive, this, name_, where);
    if (items_.empty()) {
      if (closed_) {
        if (detail::HappensBefore* hb = ex.races()) hb->acquire(ex.current(), close_clock_);
      } else {
        ex.note_failed_attempt();
      }
      return std::nullopt;
    }
    return pop(ex);
  }

  void close(weft::source_location where = weft::source_location::current()) {
    detail::Execution& ex = detail::Execution::get();
    ex.point(detail::Op::kClose, this, name_, where, detail::Cancel::kNonCancellable);
    if (closed_) {
      detail::report_misuse(ex, {.rule = MisuseRule::kChannelClosedTwice, .object_type = "channel"}, this, name_, where,
                            detail::Cancel::kNonCancellable);
      return;
    }
    if (detail::HappensBefore* hb = ex.races()) hb->release(ex.current(), close_clock_);
    closed_ = true;
    wake_all(ex);
  }

  std::size_t capacity() const { return capacity_; }

 private:
  template <typename, typename>
  friend class detail::ReceiveCase;
  template <typename, typename>
  friend class detail::SendCase;

  struct Item {
    T value;
    detail::SyncClock clock;
  };

  bool has_room() const { return items_.size() < std::max<std::size_t>(capacity_, 1); }

  bool check_open(detail::Execution& ex, weft::source_location where) {
    if (!closed_) return true;
    detail::report_misuse(ex, {.rule = MisuseRule::kSendOnClosedChannel, .object_type = "channel"}, this, name_, where);
    return false;
  }

  // A send with room for its value: queues it, waits (unbuffered) until a
  // receiver has taken it, and is then ordered after the receive that made
  // the room.
  void complete_send(detail::Execution& ex, T value, weft::source_location where) {
    const uint64_t ticket = push(ex, std::move(value));
    // Unbuffered: the send completes only when a receiver has taken it.
    while (capacity_ == 0 && taken_ <= ticket) {
      if (!wait(ex, where)) return;
      if (closed_ && taken_ <= ticket) return;  // receivers never came; close() made it moot
    }
    if (detail::HappensBefore* hb = ex.races()) hb->acquire(ex.current(), room_clock_);
  }

  // What weft::select asks: could a receive or a send complete now without
  // blocking? An unbuffered send needs a receiver already waiting, as
  // try_send does. A send on a closed channel is "ready": it fails at once.
  bool receive_ready() const { return !items_.empty() || closed_; }
  bool send_ready() const { return closed_ || (has_room() && (capacity_ > 0 || receivers_waiting_ > 0)); }

  // A blocked select waits on the channel like a blocked recv or send:
  // woken by any change; a receive case counts as a waiting receiver (an
  // unbuffered sender may complete against it). Only the first waiting
  // receiver wakes the waiters: with more, nothing changes for a sender,
  // and two selects waiting to receive would wake each other forever.
  void enlist(detail::Execution& ex, bool as_receiver) {
    if (as_receiver && receivers_waiting_++ == 0 && capacity_ == 0) wake_all(ex);
    waiters_.push_back(ex.current());
  }
  void leave(detail::Execution& ex, bool as_receiver) {
    std::erase(waiters_, ex.current());
    if (as_receiver) --receivers_waiting_;
  }

  uint64_t push(detail::Execution& ex, T value) {
    Item item{std::move(value), {}};
    if (detail::HappensBefore* hb = ex.races()) hb->release(ex.current(), item.clock);
    items_.push_back(std::move(item));
    wake_all(ex);
    return pushed_++;
  }

  std::optional<T> pop(detail::Execution& ex) {
    if (items_.empty()) {  // closed and drained
      if (detail::HappensBefore* hb = ex.races()) hb->acquire(ex.current(), close_clock_);
      return std::nullopt;
    }
    Item item = std::move(items_.front());
    items_.pop_front();
    ++taken_;
    if (detail::HappensBefore* hb = ex.races()) {
      hb->acquire(ex.current(), item.clock);
      hb->release(ex.current(), room_clock_);  // to the send this receive makes room for
    }
    wake_all(ex);
    return std::move(item.value);
  }

  // Blocks until something about the channel changes. False if aborted.
  bool wait(detail::Execution& ex, weft::source_location) {
    waiters_.push_back(ex.current());
    if (ex.block(*this) == detail::WakeReason::kAborted) return false;
    return true;
  }
  void wake_all(detail::Execution& ex) {
    for (detail::ThreadId w : waiters_) ex.wake(w);
    waiters_.clear();
  }

  std::size_t capacity_;
  const char* name_;
  std::deque<Item> items_;
  bool closed_ = false;
  uint64_t pushed_ = 0;
  uint64_t taken_ = 0;
  int receivers_waiting_ = 0;
  std::vector<detail::ThreadId> waiters_;
  detail::SyncClock close_clock_;
  detail::SyncClock room_clock_;  // receives -> the sends they make room for
};

}  // namespace weft
