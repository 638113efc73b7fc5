// The steps taken since a strategy's last pick, kept until the next pick
// applies them: POS and SURW re-draw priorities along the steps that ran, at
// the pick, against the pending operations of that moment. Each is kept as
// what those rules read of it (thread, operation, object, failed): 16 bytes
// instead of a RawEvent's 48; weft::choose values (op kChoose) are no steps
// of the schedule and are not kept. How many are kept at once is the longest
// run of steps with no choice point (one enabled thread), usually a few.
//
//   StepsSincePick since;
//   since.add(step);                            // Strategy::step_taken
//   since.apply([&](const RawEvent& ran) {...});  // at the pick; then empty
#pragma once

#include <vector>

#include "weft/base/event.h"
#include "weft/base/ids.h"
#include "weft/base/op.h"

namespace weft::detail {

class StepsSincePick {
 public:
  void clear() { steps_.clear(); }
  void add(const RawEvent& step) {
    if (step.op != Op::kChoose) steps_.push_back({step.object, step.thread, step.op, step.failed});
  }
  // Calls f(step) for each step kept, oldest first (with the fields the
  // rules read set, the others default), and forgets them.
  template <typename F>
  void apply(F f) {
    for (const Kept& k : steps_) f(RawEvent{.thread = k.thread, .op = k.op, .failed = k.failed, .object = k.object});
    steps_.clear();
  }

 private:
  struct Kept {
    const void* object;
    ThreadId thread;
    Op op;
    bool failed;
  };
  static_assert(sizeof(Kept) == 16);
  std::vector<Kept> steps_;
};

}  // namespace weft::detail
