#include "weft/strategy/trace_order.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include "absl/hash/hash.h"
#include "weft/strategy/step_clocks.h"

namespace weft::detail {

TraceOrder::TraceOrder(const OrderSteps& steps, int threads, bool find_races)
    : steps_(steps), threads_(static_cast<size_t>(std::max(threads, 1))) {
  const size_t n = steps.size();
  // A blocking attempt is a step: it conflicts with what blocked it, so a
  // race with it reverses who got the lock first. But it changed nothing,
  // so the class leaves it out and keeps the retry after the wakeup.
  std::vector<bool> attempt(n, false);
  std::vector<bool> wakes_next(threads_, false);
  for (size_t k = n; k-- > 0;) {
    const auto t = static_cast<size_t>(steps[k].thread);
    if (t >= threads_) continue;
    attempt[k] = wakes_next[t];
    wakes_next[t] = steps[k].op == Op::kWakeup;
  }
  std::vector<int> blocked_in(threads_, -1);  // per thread, the op of its last skipped attempt
  const auto add_to_hash = [&](size_t k, const uint32_t* c, uint32_t value) {
    const OrderStep& e = steps[k];
    const auto t = static_cast<size_t>(e.thread);
    if (c == nullptr) {
      if (attempt[k]) blocked_in[t] = static_cast<int>(e.op);
      return;
    }
    // Order-independent: the sum over the steps of each one's place in the
    // partial order (its thread, its index there, what it did, its clock).
    // The retry after a wakeup is the operation that blocked.
    const int op = e.op == Op::kWakeup ? std::exchange(blocked_in[t], -1) : static_cast<int>(e.op);
    const uint64_t chosen = e.op == Op::kChoose ? uint64_t{value} : uint64_t{0};
    size_t step_hash = absl::HashOf(static_cast<ThreadId>(e.thread), c[t], op, static_cast<bool>(e.failed), chosen);
    for (size_t u = 0; u < threads_; ++u) step_hash = absl::HashOf(step_hash, c[u]);
    hash_ += step_hash;
  };
  // The class's order and the races' differ from the first attempt on:
  // one walk gives both up to it, then the class's goes on from a copy.
  std::vector<std::pair<size_t, size_t>> races;
  std::vector<std::pair<size_t, size_t>>* const found = find_races ? &races : nullptr;
  size_t k = 0;
  StepClocks order(steps, threads_);
  for (; k < n && !attempt[k]; ++k) {
    const uint32_t* c = order.take(false, found);
    add_to_hash(k, c, order.last_value());
  }
  if (k < n) {
    StepClocks class_order = order;
    for (size_t j = k; j < n; ++j) {
      const uint32_t* c = class_order.take(attempt[j], nullptr);
      add_to_hash(j, c, class_order.last_value());
    }
    if (find_races) {
      for (; k < n; ++k) order.take(false, found);
    }
  }
  races_.reserve(races.size());
  for (const auto& [first, second] : races) races_.push_back({first, second});
}

std::vector<std::vector<ThreadId>> TraceOrder::initials(std::span<const Reversal> reversals) const {
  std::vector<std::vector<ThreadId>> out(reversals.size());
  if (reversals.empty()) return out;
  // One walk for all: each reversal is followed from its first step to its
  // second, where step x happens after step a when x's clock counts a.
  struct Walk {
    size_t index;           // into reversals
    uint32_t first_thread;  // of the reversal's first step
    uint32_t first_local;   // its 1-based index among its thread's steps
    // The threads with a step among those considered, and the index of
    // its first one there (thread, local index).
    std::vector<std::pair<uint32_t, uint32_t>> seen;
  };
  std::vector<size_t> by_first(reversals.size());
  std::iota(by_first.begin(), by_first.end(), size_t{0});
  std::stable_sort(by_first.begin(), by_first.end(),
                   [&](size_t a, size_t b) { return reversals[a].first < reversals[b].first; });
  size_t last = 0;
  for (const Reversal& r : reversals) last = std::max(last, r.second);

  StepClocks order(steps_, threads_);
  const std::vector<uint32_t> no_clock(threads_, 0);
  std::vector<Walk> walks;
  size_t next = 0;  // into by_first
  for (size_t k = 0; k <= last; ++k) {
    const uint32_t* taken = order.take(false, nullptr);
    const uint32_t* c = taken != nullptr ? taken : no_clock.data();
    const auto t = static_cast<uint32_t>(steps_[k].thread);
    for (size_t w = 0; w < walks.size();) {
      Walk& walk = walks[w];
      const bool second = reversals[walk.index].second == k;
      // A step after the first that happens after it cannot start the reversal.
      const bool after_first = walk.first_thread < threads_ && c[walk.first_thread] >= walk.first_local;
      if ((second || !after_first) && t < threads_ &&
          std::none_of(walk.seen.begin(), walk.seen.end(), [t](const auto& s) { return s.first == t; })) {
        const bool preceded =
            std::any_of(walk.seen.begin(), walk.seen.end(), [c](const auto& s) { return c[s.first] >= s.second; });
        walk.seen.emplace_back(t, c[t]);
        if (!preceded) out[walk.index].push_back(static_cast<ThreadId>(t));
      }
      if (second) {
        if (w + 1 != walks.size()) walk = std::move(walks.back());
        walks.pop_back();
      } else {
        ++w;
      }
    }
    for (; next < by_first.size() && reversals[by_first[next]].first == k; ++next) {
      walks.push_back({by_first[next], t, t < threads_ ? c[t] : 0, {}});
    }
  }
  return out;
}

}  // namespace weft::detail
