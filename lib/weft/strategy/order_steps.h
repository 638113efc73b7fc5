// The steps of one execution as a partial-order reduction reads them
// (strategy/trace_order.h), kept in 8 bytes each so that a systematic
// search of a long execution stays small: the object as a small id given
// in order of first use, the thread, the operation and two flags; the
// value of the few operations that have one (spawn, join, choose) in a
// list of its own, read in order.
//
//   OrderSteps steps;
//   steps.push(raw_event, /*chosen=*/true);   // each step, in order
//   for (size_t k = 0; k < steps.size(); ++k) {
//     const OrderStep& e = steps[k];   // e.object, e.thread, e.op, e.failed
//     if (keeps_value(e.op)) value = steps.value(next_value++);
//   }
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "weft/base/event.h"
#include "weft/base/ids.h"
#include "weft/base/op.h"

namespace weft::detail {

// The operations whose value the order reads: the thread a spawn creates
// or a join waits for, the value a choose took.
inline bool keeps_value(Op op) { return op == Op::kSpawn || op == Op::kJoin || op == Op::kChoose; }

struct OrderStep {
  // The thread id has 22 bits: the reduction tells apart threads below
  // this one, which stands for a step of no thread.
  static constexpr uint32_t kNotAThread = (uint32_t{1} << 22) - 1;

  uint32_t object = 0;       // 0: none; else 1 + the object's index in order of first use
  Op op : 8 = Op::kStart;    //
  bool failed : 1 = false;   // the operation did not take effect (RawEvent::failed)
  bool chosen : 1 = false;   // a thread point (two or more threads enabled) chose it
  uint32_t thread : 22 = 0;  // a ThreadId below kNotAThread, or kNotAThread
};
static_assert(sizeof(OrderStep) == 8);

class OrderSteps {
 public:
  // Appends `e` (its thread must be below OrderStep::kNotAThread).
  void push(const RawEvent& e, bool chosen);
  void clear();
  size_t size() const { return steps_.size(); }
  const OrderStep& operator[](size_t k) const { return steps_[k]; }
  // The i-th value of the steps that keep one (keeps_value), in step order.
  uint32_t value(size_t i) const { return values_[i]; }

 private:
  // A deque: no copy of everything when it grows (a vector's peak would be
  // the old and the new buffer).
  std::deque<OrderStep> steps_;
  std::vector<uint32_t> values_;
  absl::flat_hash_map<const void*, uint32_t> object_ids_;
};

}  // namespace weft::detail
