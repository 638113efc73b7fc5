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
  priorities_.begin();
  since_pick_.clear();
  last_picked_ = kNoThread;
  same_in_a_row_ = 0;
}

void PosStrategy::thread_created(ThreadId id, ThreadId) { priorities_.created(id, rng_); }

void PosStrategy::thread_spinning(ThreadId id) { priorities_.mark_spinning(id); }

void PosStrategy::apply_steps_taken(std::span<const ThreadId> enabled) {
  since_pick_.apply([&](const RawEvent& ran) {
    priorities_.ran(ran, rng_);  // its thread's next event is a new one
    if (!touches_object(ran)) return;
    for (ThreadId t : enabled) {
      const RawEvent& pending = view()->pending(t);
      if (t != ran.thread && conflicting(pending, ran)) priorities_.conflict(t, pending, ran, rng_);
    }
  });
}

ThreadId PosStrategy::pick_thread(std::span<const ThreadId> enabled, ThreadId) {
  apply_steps_taken(enabled);
  const ThreadId best = priorities_.highest(enabled, [](ThreadId) { return false; });
  same_in_a_row_ = best == last_picked_ ? same_in_a_row_ + 1 : 0;
  last_picked_ = best;
  if (same_in_a_row_ >= kMaxInARow) {
    priorities_.redraw(enabled, rng_);
    same_in_a_row_ = 0;
  }
  return best;
}

}  // namespace weft::detail
