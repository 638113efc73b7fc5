// The vector clock of each step of an execution, one step after the other,
// keeping only what a later step may have to follow (DPOR's clock per
// thread and per object, Flanagan and Godefroid, POPL 2005), not a clock per
// step: memory grows with threads and objects, not with the steps.
//
// The order (strategy/trace_order.h says which steps it orders): program
// order, a spawn before the child's first step, the child's exit before the
// step with which a join of it returns, a failed join attempt before the
// exit of the thread it tried to join, and conflicting steps
// (strategy/conflict.h); a select's step is dependent with every step on
// any object.
//
//   StepClocks order(steps, threads);
//   for (size_t k = 0; k < steps.size(); ++k) {
//     const uint32_t* clock = order.take(/*skip=*/false, &races);
//     // clock[u]: how many steps of thread u happen before step k, or it
//   }
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "weft/strategy/order_steps.h"

namespace weft::detail {

class StepClocks {
 public:
  StepClocks(const OrderSteps& steps, size_t threads);

  // Orders the next step (the first call: step 0). `skip`: leave it out of
  // the order (a blocked attempt; a later step does not follow it). With
  // `races`, appends each earlier step x of another thread that step k
  // conflicts with and nothing else orders before it, as (x, k). Returns
  // step k's clock (`threads` entries, valid until the next call), or
  // nullptr when it is skipped (or its thread is not one of `threads`).
  const uint32_t* take(bool skip, std::vector<std::pair<size_t, size_t>>* races);
  // The value (OrderSteps::value) of the step the last take() ordered, if it keeps one.
  uint32_t last_value() const { return last_value_; }

 private:
  static constexpr size_t kNone = static_cast<size_t>(-1);

  // A step a later one may have to follow, with its clock.
  struct Access {
    size_t step = kNone;
    std::vector<uint32_t> clock;
  };
  // The steps on one object that a new step may have to follow: the last one
  // that changed it, and the reads since (one per thread: its latest).
  // Older steps are ordered before these already.
  struct History {
    Access last_write;
    std::vector<Access> reads;  // the first `live_reads` are the reads since the last write
    size_t live_reads = 0;
  };

  void join(const std::vector<uint32_t>& other);
  void keep(Access& access, size_t step) const;

  const OrderSteps& steps_;
  size_t threads_;
  size_t next_ = 0;        // the step take() orders
  size_t next_value_ = 0;  // its value's index among the steps that keep one
  uint32_t last_value_ = 0;
  std::vector<uint32_t> clock_;     // the step being ordered
  std::vector<Access> last_step_;   // per thread, its latest step
  std::vector<Access> spawned_at_;  // per thread, the step that spawned it
  std::vector<Access> exited_at_;   // per thread, its exit step
  std::vector<int64_t> joining_;    // per thread, the thread it waits to join
  // Per thread, the latest failed join attempt of each other thread: a
  // pthread_tryjoin_np that found it running, or the wakeup of a timed join
  // that timed out (RawEvent::failed). The attempt and the thread's exit are
  // dependent: with the exit first, the attempt would have succeeded. Most
  // programs have none.
  std::vector<std::vector<Access>> failed_joins_;
  std::vector<uint32_t> counts_;  // per thread, its steps so far
  std::vector<History> objects_;  // per object id
  std::vector<const Access*> candidates_;
  // A select's step names one channel but checks every case's channel and
  // may take from any of them (and so may the retry after it blocked): it
  // is dependent with every step on any object. Per thread, its latest such
  // step (earlier ones are ordered before it).
  std::vector<bool> in_select_;
  std::vector<Access> latest_select_;
  bool any_select_ = false;  // most programs have none: then no step scans latest_select_
};

}  // namespace weft::detail
