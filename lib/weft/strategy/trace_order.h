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
// It reads the steps as a DPOR search keeps them (strategy/order_steps.h:
// the runtime keeps only a window of the steps), and walks them in order
// with a clock per thread and per object (strategy/step_clocks.h): once for
// the class and the races (two walks from the first blocked attempt on,
// which the class leaves out), and once for the initials of the reversals
// asked for. It keeps no clock per step.
//
//   OrderSteps steps;                             // steps.push(step, chosen), each step
//   TraceOrder order(steps, view.threads(), /*find_races=*/true);
//   uint64_t id = order.class_hash();            // equal for equivalent schedules
//   std::vector<TraceOrder::Reversal> asked;      // from order.races()
//   std::vector<std::vector<ThreadId>> starts = order.initials(asked);
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "weft/base/ids.h"
#include "weft/strategy/order_steps.h"

namespace weft::detail {

class TraceOrder {
 public:
  // Steps `first` < `second` of different threads: in a race, they conflict
  // and nothing ordered between them orders them, so a schedule that runs
  // `second` first is another trace.
  struct Reversal {
    size_t first = 0;
    size_t second = 0;
  };

  // `threads`: the threads created in the execution. With `find_races`
  // false only class_hash() is computed.
  TraceOrder(const OrderSteps& steps, int threads, bool find_races);

  // A hash of the partial order: the same for every schedule that is a
  // linearization of it, different (up to hash collisions) otherwise. A
  // thread's attempt that blocked is not in it (the retry after its wakeup
  // is): where a thread found a lock taken does not make another class.
  uint64_t class_hash() const { return hash_; }
  // The races, in the order of their second steps.
  const std::vector<Reversal>& races() const { return races_; }
  // For each reversal of `second` with an earlier step `first` of another
  // thread (a race, or `second` with an earlier step of the racing
  // thread), the threads that can start a schedule reversing it from the
  // state before `first`: the first steps, among the steps after `first`
  // not ordered after it followed by `second`, that nothing precedes (the
  // "initials" of source-set DPOR, Abdulla et al., POPL 2014). One walk of
  // the steps up to the last `second`.
  std::vector<std::vector<ThreadId>> initials(std::span<const Reversal> reversals) const;

 private:
  const OrderSteps& steps_;
  size_t threads_;
  std::vector<Reversal> races_;
  uint64_t hash_ = 0;
};

}  // namespace weft::detail
