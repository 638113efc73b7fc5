// The steps of one execution that are kept in memory: every step while the
// execution is short; past that, its first kHead steps and at least its
// last kTail ones, so that a long execution does not keep a RawEvent (48
// bytes) per step. A strategy that needs every step gets each one as it is
// taken (Strategy::step_taken) and keeps what it needs of it.
//
//   TraceWindow trace;
//   trace.start();
//   trace.push_back(event);                        // at every step
//   TraceExcerpt shown = trace.excerpt();          // what a report shows
//
// Reports show excerpt(): the first kHead and the last kTail steps.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "weft/base/event.h"
#include "weft/report/trace.h"

namespace weft::detail {

class TraceWindow {
 public:
  // What a report shows of a long execution (as the HTML report does: all
  // of an execution of up to kHead + kTail steps). kTail also covers what
  // the runtime looks back at: a livelock report's last 2000 steps, a
  // failed attempt's last 512.
  static constexpr size_t kHead = 2000;
  static constexpr size_t kTail = 8000;
  // Kept at most, when not everything is: reaching it drops the steps
  // between the head and the last kTail, so each step is moved at most
  // once, and one step in three on average.
  static constexpr size_t kLimit = 32768;

  TraceWindow() { events_.reserve(1024); }

  // A new execution.
  void start() {
    events_.clear();
    elided_ = 0;
  }

  void push_back(const RawEvent& event) {
    if (events_.size() == kLimit) [[unlikely]]
      drop_middle();
    events_.push_back(event);
  }
  RawEvent& back() { return events_.back(); }
  bool empty() const { return events_.empty(); }

  // The steps kept, oldest first: steps 1..kHead, then (elided() steps
  // later) the rest.
  std::span<const RawEvent> kept() const { return events_; }
  // Steps dropped between the head and the rest.
  uint64_t elided() const { return elided_; }
  // The last `n` steps (fewer when the execution has not taken n).
  std::span<const RawEvent> last(size_t n) const {
    const std::span<const RawEvent> all = events_;
    return all.last(std::min(n, all.size()));
  }

  // What a report shows: everything up to kHead + kTail steps, else the
  // first kHead and the last kTail.
  TraceExcerpt excerpt() const;

 private:
  [[gnu::noinline]] void drop_middle();

  std::vector<RawEvent> events_;
  uint64_t elided_ = 0;
};

}  // namespace weft::detail
