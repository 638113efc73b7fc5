// Random priorities for the threads' pending events, as POS and SURW use
// them: each event draws its own priority when it becomes a thread's next
// event, and the enabled event with the highest priority runs.
//
// Spin loops need one rule the papers leave out. A spinner's events are
// re-drawn at every step, so it soon outbids a thread whose event drew a low
// priority that nothing re-draws, and starves it. So a thread that shows
// evidence of spinning (Strategy::thread_spinning) sinks below every fresh
// draw, each spinner below the previous ones (so spinners take turns), and
// stays there, event after event, until it changes an object itself (a
// condition-variable wait or a wakeup's retry does not count: that is how a
// waiting loop goes round) or another thread changes the object its pending
// event reads.
//
//   EventPriorities p;
//   p.begin();
//   p.created(0, rng);
//   p.ran(step, rng);                 // for each step taken
//   p.mark_spinning(t);               // evidence of spinning
//   ThreadId next = p.highest(enabled);
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "weft/base/event.h"
#include "weft/base/rng.h"
#include "weft/strategy/conflict.h"

namespace weft::detail {

class EventPriorities {
 public:
  void begin();
  void created(ThreadId t, Rng& rng);
  // `e` ran: its thread's next event draws a priority (or, while the thread
  // spins and `e` changed nothing, sinks again).
  void ran(const RawEvent& e, Rng& rng);
  // Another thread's step `e` may change the order that matters for `t`'s
  // pending event: a fresh draw. A spinning `t` is re-drawn only if `e`
  // changed the object `t` is about to touch (its wait may be over).
  void conflict(ThreadId t, const RawEvent& pending, const RawEvent& e, Rng& rng);
  // Another thread's step `e` changed the object `t`'s pending event
  // touches: if `t` spins, its wait may be over, so it draws again.
  void woken(ThreadId t, const RawEvent& pending, const RawEvent& e, Rng& rng) {
    if (spinning_[t] && changes_object(e) && e.object == pending.object) conflict(t, pending, e, rng);
  }
  void mark_spinning(ThreadId t);
  // Every enabled thread draws again and stops counting as a spinner.
  void redraw(std::span<const ThreadId> enabled, Rng& rng);

  uint64_t priority(ThreadId t) const { return priority_[t]; }
  // `t` has shown it spins and made no progress since.
  bool spinning(ThreadId t) const { return spinning_[t] != 0; }
  // The enabled thread with the highest priority for which skip(t) is false;
  // kNoThread if there is none.
  template <typename Skip>
  ThreadId highest(std::span<const ThreadId> enabled, Skip skip) const {
    ThreadId best = kNoThread;
    for (ThreadId t : enabled) {
      if (!skip(t) && (best == kNoThread || priority_[t] > priority_[best])) best = t;
    }
    return best;
  }

 private:
  // Fresh draws have the top bit set; sunk spinners count down below them.
  static constexpr uint64_t kFresh = uint64_t{1} << 63;
  void sink(ThreadId t) { priority_[t] = next_sunk_--; }

  std::vector<uint64_t> priority_;
  std::vector<uint8_t> spinning_;
  uint64_t next_sunk_ = kFresh - 1;
};

}  // namespace weft::detail
