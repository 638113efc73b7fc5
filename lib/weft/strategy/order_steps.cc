#include "weft/strategy/order_steps.h"

#include <cstdio>
#include <cstdlib>

namespace weft::detail {

void OrderSteps::push(const RawEvent& e, bool chosen) {
  if (e.thread >= 0 && static_cast<uint32_t>(e.thread) >= OrderStep::kNotAThread) [[unlikely]] {
    std::fprintf(stderr, "weft: dfs/dpor: thread %d is past the %u threads the reduction can tell apart\n", e.thread,
                 OrderStep::kNotAThread);
    std::abort();
  }
  OrderStep step;
  if (e.object != nullptr) {
    const auto [it, added] = object_ids_.try_emplace(e.object, static_cast<uint32_t>(object_ids_.size() + 1));
    step.object = it->second;
  }
  step.op = e.op;
  step.failed = e.failed;
  step.chosen = chosen;
  // No step has a negative thread today; if one did, the order would pass
  // over it as it passes over a thread it does not know.
  step.thread = e.thread >= 0 ? static_cast<uint32_t>(e.thread) : OrderStep::kNotAThread;
  steps_.push_back(step);
  if (keeps_value(e.op)) values_.push_back(static_cast<uint32_t>(e.value));
}

void OrderSteps::clear() {
  steps_.clear();
  values_.clear();
  object_ids_.clear();
}

}  // namespace weft::detail
