// POS: partial order sampling (Yuan, Yang, Gu; "Partial Order Aware
// Concurrency Sampling", CAV 2018).
//
// Every pending event (each thread's next operation) carries its own
// uniformly random priority, and the enabled event with the highest priority
// runs. After an event runs, its thread's next event gets a fresh priority,
// and so does every pending event that conflicts with the one that ran (same
// object, one of them a write; strategy/conflict.h): those are the events
// whose order relative to it matters. Events that commute keep their draws,
// so POS does not keep re-deciding orders that make no difference, and it
// samples partial orders far more evenly than a uniform random walk, which
// favours interleavings reachable by many equivalent paths.
//
//   auto pos = make_strategy("pos").value();   // WEFT_STRATEGY=pos
//
// Deviations from the paper, documented in docs/bug-finding.md: events that
// ran where only one thread was enabled (the runtime does not consult the
// strategy there) are applied at the next scheduling point, against the
// pending events of that moment; a conflict is judged on weft's objects
// (every primitive, var and annotated range), not on raw memory addresses.
// Spin loops, which the paper leaves out, follow strategy/event_priorities.h:
// a spinner sinks below every fresh draw until it or a conflicting write
// makes progress; and a thread picked 1,000 times in a row over others
// re-draws every enabled thread's priority.
#pragma once

#include <string>
#include <vector>

#include "weft/base/rng.h"
#include "weft/strategy/event_priorities.h"
#include "weft/strategy/steps_since_pick.h"
#include "weft/strategy/strategy.h"

namespace weft::detail {

class PosStrategy final : public Strategy {
 public:
  void begin_execution(uint64_t seed, uint64_t index) override;
  void thread_created(ThreadId id, ThreadId parent) override;
  void thread_spinning(ThreadId id) override;
  ThreadId pick_thread(std::span<const ThreadId> enabled, ThreadId current) override;
  uint32_t pick_value(uint32_t n) override { return rng_.below(n); }
  // Yes: each pick applies the steps taken since the last, however many.
  bool wants_steps() const override { return true; }
  void step_taken(const RawEvent& step) override { since_pick_.add(step); }
  std::string name() const override { return "pos"; }
  std::string replay_spec() const override { return "pos"; }
  // The priority of `thread`'s pending event as of the last pick (tests).
  uint64_t priority(ThreadId thread) const { return priorities_.priority(thread); }

 private:
  // Re-draws the priorities the steps taken since the last pick invalidate.
  void apply_steps_taken(std::span<const ThreadId> enabled);

  Rng rng_;
  EventPriorities priorities_;
  StepsSincePick since_pick_;
  ThreadId last_picked_ = kNoThread;
  int same_in_a_row_ = 0;
};

}  // namespace weft::detail
