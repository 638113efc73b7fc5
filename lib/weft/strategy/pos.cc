#include "weft/strategy/pos.h"

#include "weft/strategy/conflict.h"

namespace weft::detail {
namespace {

// Keeps POS's stream apart from random's and PCT's at the same seed.
constexpr uint64_t kStream = 0x9a0c5eedULL << 32;
// A thread picked this many times in a row over other enabled threads may be
// spinning on something another thread must change, while that thread's
// event holds a low priority nothing re-draws (the change it waits for is
// not a conflict weft can see, e.g. a mutex released inside a wait).
constexpr int kMaxInARow = 1000;

}  // namespace

void PosStrategy::begin_execution(uint64_t seed, uint64_t index) {
  rng_.reseed(mix_seed(seed ^ kStream, index));
  priority_.clear();
  steps_seen_ = 0;
  last_picked_ = kNoThread;
  same_in_a_row_ = 0;
}

void PosStrategy::thread_created(ThreadId id, ThreadId) {
  if (priority_.size() <= static_cast<size_t>(id)) {
    priority_.resize(id + 1, 0);
    spinning_.resize(id + 1, 0);
  }
  priority_[id] = rng_.next();
  spinning_[id] = 0;
}

void PosStrategy::thread_spinning(ThreadId id) { spinning_[id] = 1; }

void PosStrategy::apply_steps_taken(std::span<const ThreadId> enabled) {
  const std::span<const RawEvent> steps = view()->steps();
  for (; steps_seen_ < steps.size(); ++steps_seen_) {
    const RawEvent& ran = steps[steps_seen_];
    if (ran.op == Op::kChoose) continue;  // a value, not a step of the schedule
    priority_[ran.thread] = rng_.next();  // its thread's next event is a new one
    if (!touches_object(ran)) continue;
    for (ThreadId t : enabled) {
      if (t != ran.thread && conflicting(view()->pending(t), ran)) priority_[t] = rng_.next();
    }
  }
  // After the re-draws: the spinning step is among the steps just applied.
  for (ThreadId t : enabled) {
    if (spinning_[t]) {
      priority_[t] = 0;
      spinning_[t] = 0;
    }
  }
}

ThreadId PosStrategy::pick_thread(std::span<const ThreadId> enabled, ThreadId) {
  apply_steps_taken(enabled);
  ThreadId best = enabled[0];
  for (ThreadId t : enabled.subspan(1)) {
    if (priority_[t] > priority_[best]) best = t;
  }
  same_in_a_row_ = best == last_picked_ ? same_in_a_row_ + 1 : 0;
  last_picked_ = best;
  if (same_in_a_row_ >= kMaxInARow) {
    for (ThreadId t : enabled) priority_[t] = rng_.next();
    same_in_a_row_ = 0;
  }
  return best;
}

}  // namespace weft::detail
