#include "weft/strategy/event_priorities.h"

#include "weft/strategy/conflict.h"

namespace weft::detail {

void EventPriorities::begin() {
  priority_.clear();
  spinning_.clear();
  next_sunk_ = kFresh - 1;
}

void EventPriorities::created(ThreadId t, Rng& rng) {
  if (priority_.size() <= static_cast<size_t>(t)) {
    priority_.resize(t + 1, 0);
    spinning_.resize(t + 1, 0);
  }
  priority_[t] = rng.next() | kFresh;
  spinning_[t] = 0;
}

void EventPriorities::ran(const RawEvent& e, Rng& rng) {
  // It made progress itself; waiting again on a condition variable, or
  // retrying after a wakeup, is how its loop goes round, not progress.
  if (spinning_[e.thread] && changes_object(e) && e.op != Op::kWait && e.op != Op::kWakeup) spinning_[e.thread] = 0;
  if (spinning_[e.thread]) {
    sink(e.thread);
  } else {
    priority_[e.thread] = rng.next() | kFresh;
  }
}

void EventPriorities::conflict(ThreadId t, const RawEvent& pending, const RawEvent& e, Rng& rng) {
  if (spinning_[t]) {
    if (!(changes_object(e) && e.object == pending.object)) return;
    spinning_[t] = 0;
  }
  priority_[t] = rng.next() | kFresh;
}

void EventPriorities::mark_spinning(ThreadId t) {
  spinning_[t] = 1;
  sink(t);
}

void EventPriorities::redraw(std::span<const ThreadId> enabled, Rng& rng) {
  for (ThreadId t : enabled) {
    spinning_[t] = 0;
    priority_[t] = rng.next() | kFresh;
  }
}

}  // namespace weft::detail
