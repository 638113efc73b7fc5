// The happens-before order of one execution's steps, as a partial-order
// reduction sees it: what makes two schedules the same Mazurkiewicz trace,
// and which pairs of steps race (the reversals a DPOR search must try).
//
// Two steps are ordered when one thread takes them (program order), when a
// thread spawns another (the spawn precedes the child's first step) or joins
// it (the child's exit precedes the step with which the join returns), and
// when they conflict (strategy/conflict.h: the same object, at least one of
// them changing it; every operation on a mutex, condition variable,
// semaphore or channel changes it). Everything else commutes.
//
// It reads each step as an OrderStep, what the order needs of it: a DPOR
// search keeps one per step of its execution (the runtime keeps only a window
// of the steps).
//
//   std::vector<OrderStep> steps;                 // OrderStep::of(step), each step
//   TraceOrder order(steps, view.threads(), /*races=*/true);
//   uint64_t id = order.class_hash();            // equal for equivalent schedules
//   for (const TraceOrder::Race& r : order.races()) ...
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "weft/base/event.h"
#include "weft/base/ids.h"
#include "weft/base/op.h"

namespace weft::detail {

// What the order reads of one step: 24 bytes instead of a RawEvent's 48.
struct OrderStep {
  const void* object = nullptr;
  ThreadId thread = 0;
  uint32_t value = 0;  // kSpawn, kJoin: the thread; kChoose: the value; else 0
  Op op = Op::kStart;
  bool failed = false;

  static OrderStep of(const RawEvent& e) {
    const bool keeps_value = e.op == Op::kSpawn || e.op == Op::kJoin || e.op == Op::kChoose;
    return {e.object, e.thread, keeps_value ? static_cast<uint32_t>(e.value) : 0u, e.op, e.failed};
  }
};

class TraceOrder {
 public:
  // A race: steps `first` < `second` of different threads conflict and
  // nothing ordered between them orders them, so a schedule that runs
  // `second` first is another trace.
  struct Race {
    size_t first = 0;
    size_t second = 0;
    // The threads that can start a schedule reversing the race from the
    // state before `first`: the first steps, among the steps after `first`
    // not ordered after it followed by `second`, that nothing precedes
    // (the "initials" of source-set DPOR, Abdulla et al., POPL 2014).
    std::vector<ThreadId> initials;
  };

  // `threads`: the threads created in the execution. With `find_races`
  // false only class_hash() is computed.
  TraceOrder(std::span<const OrderStep> steps, int threads, bool find_races);

  // A hash of the partial order: the same for every schedule that is a
  // linearization of it, different (up to hash collisions) otherwise. A
  // thread's attempt that blocked is not in it (the retry after its wakeup
  // is): where a thread found a lock taken does not make another class.
  uint64_t class_hash() const { return hash_; }
  const std::vector<Race>& races() const { return races_; }
  // The initials (see Race) of reversing `second` with step `first`, for
  // any earlier `first` of another thread.
  std::vector<ThreadId> initials(size_t first, size_t second) const;

 private:
  // Whether step `a` happens before step `b` (a < b in the trace).
  bool before(size_t a, size_t b) const { return clock(b)[steps_[a].thread] >= local_[a]; }
  const uint32_t* clock(size_t step) const { return &clocks_[step * threads_]; }
  // Computes every step's clock and index in its thread, leaving out the
  // steps `skip` marks; collects the races if asked; returns the hash.
  uint64_t order(const std::vector<bool>& skip, std::vector<uint32_t>& clocks, std::vector<uint32_t>& local,
                 std::vector<std::pair<size_t, size_t>>* races) const;

  std::span<const OrderStep> steps_;
  size_t threads_;
  std::vector<uint32_t> clocks_;  // per step, its vector clock (threads_ entries)
  std::vector<uint32_t> local_;   // per step, its 1-based index among its thread's steps
  std::vector<Race> races_;
  uint64_t hash_ = 0;
};

}  // namespace weft::detail
