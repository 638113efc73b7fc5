#include "weft/strategy/trace_order.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "weft/strategy/conflict.h"

namespace weft::detail {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

// The steps on one object that a new step may have to follow: the last one
// that changed it, and the reads since (one per thread: its latest). Older
// steps are ordered before these already.
struct History {
  size_t last_write = kNone;
  std::vector<size_t> reads;
};

// Step x is some thread's latest select step.
bool in_select_step(std::span<const OrderStep> steps, size_t x, const std::vector<size_t>& latest_select) {
  const auto u = static_cast<size_t>(steps[x].thread);
  return u < latest_select.size() && latest_select[u] == x;
}

}  // namespace

TraceOrder::TraceOrder(std::span<const OrderStep> steps, int threads, bool find_races)
    : steps_(steps), threads_(static_cast<size_t>(std::max(threads, 1))) {
  // A blocking attempt is a step: it conflicts with what blocked it, so a
  // race with it reverses who got the lock first. But it changed nothing,
  // so the class leaves it out and keeps the retry after the wakeup.
  std::vector<bool> attempt(steps.size(), false);
  std::vector<bool> wakes_next(threads_, false);
  for (size_t k = steps.size(); k-- > 0;) {
    const auto t = static_cast<size_t>(steps[k].thread);
    if (t >= threads_) continue;
    attempt[k] = wakes_next[t];
    wakes_next[t] = steps[k].op == Op::kWakeup;
  }
  std::vector<uint32_t> class_clocks;
  std::vector<uint32_t> class_local;
  hash_ = order(attempt, class_clocks, class_local, nullptr);
  if (!find_races) return;
  std::vector<std::pair<size_t, size_t>> races;
  order(std::vector<bool>(steps.size(), false), clocks_, local_, &races);
  races_.reserve(races.size());
  for (const auto& [first, second] : races) races_.push_back({first, second, initials(first, second)});
}

uint64_t TraceOrder::order(const std::vector<bool>& skip, std::vector<uint32_t>& clocks, std::vector<uint32_t>& local,
                           std::vector<std::pair<size_t, size_t>>* races) const {
  const std::span<const OrderStep> steps = steps_;
  const size_t n = steps.size();
  clocks.assign(n * threads_, 0);
  local.assign(n, 0);
  std::vector<size_t> last_step(threads_, kNone);   // per thread, its latest step
  std::vector<size_t> spawned_at(threads_, kNone);  // per thread, the step that spawned it
  std::vector<size_t> exited_at(threads_, kNone);   // per thread, its exit step
  std::vector<int64_t> joining(threads_, -1);       // per thread, the thread it waits to join
  // Per thread, the latest failed join attempt of each other thread: a
  // pthread_tryjoin_np that found it running, or the wakeup of a timed join
  // that timed out. The attempt and the thread's exit are dependent: with the
  // exit first, the attempt would have succeeded.
  std::vector<std::vector<size_t>> failed_joins(threads_);
  absl::flat_hash_map<const void*, History> objects;
  std::vector<uint32_t> counts(threads_, 0);
  std::vector<size_t> candidates;
  std::vector<int> blocked_in(threads_, -1);  // per thread, the op of its last skipped attempt
  // A select's step names one channel but checks every case's channel and
  // may take from any of them (and so may the retry after it blocked):
  // it is dependent with every step on any object. Per thread, its latest
  // such step (earlier ones are ordered before it).
  std::vector<bool> in_select(threads_, false);
  std::vector<size_t> latest_select(threads_, kNone);
  bool any_select = false;  // most programs have none: then no step scans latest_select
  uint64_t hash = 0;

  for (size_t k = 0; k < n; ++k) {
    const OrderStep& e = steps[k];
    const auto t = static_cast<size_t>(e.thread);
    if (t >= threads_) continue;
    if (e.op == Op::kJoin && !e.failed && e.value < threads_) joining[t] = static_cast<int64_t>(e.value);
    int64_t failed_join = e.op == Op::kJoin && e.failed && e.value < threads_ ? static_cast<int64_t>(e.value) : -1;
    if (e.op == Op::kWakeup && e.failed && joining[t] >= 0) failed_join = std::exchange(joining[t], -1);
    const bool select_step = e.op == Op::kSelect || (e.op == Op::kWakeup && in_select[t]);
    if (e.op != Op::kChoose) in_select[t] = select_step;
    if (skip[k]) {
      blocked_in[t] = static_cast<int>(e.op);
      continue;
    }
    uint32_t* c = &clocks[k * threads_];
    const auto join_clock = [&](size_t step) {
      const uint32_t* other = &clocks[step * threads_];
      for (size_t u = 0; u < threads_; ++u) c[u] = std::max(c[u], other[u]);
    };
    if (last_step[t] != kNone) {
      join_clock(last_step[t]);
    } else if (spawned_at[t] != kNone) {
      join_clock(spawned_at[t]);
    }
    if (joining[t] >= 0 && exited_at[joining[t]] != kNone) {
      join_clock(exited_at[joining[t]]);
      joining[t] = -1;
    }
    if (e.op == Op::kExit) {
      // Latest first, as below.
      for (auto x = failed_joins[t].rbegin(); x != failed_joins[t].rend(); ++x) {
        const auto u = static_cast<size_t>(steps[*x].thread);
        if (c[u] >= local[*x]) continue;
        if (races != nullptr) races->emplace_back(*x, k);
        join_clock(*x);
      }
    }
    if (select_step || touches_object(e)) {
      candidates.clear();
      if (select_step) {
        for (const auto& [object, h] : objects) {
          if (h.last_write != kNone) candidates.push_back(h.last_write);
          candidates.insert(candidates.end(), h.reads.begin(), h.reads.end());
        }
      } else {
        const History& h = objects[e.object];
        if (h.last_write != kNone) candidates.push_back(h.last_write);
        if (changes_object(e)) candidates.insert(candidates.end(), h.reads.begin(), h.reads.end());
      }
      if (any_select) {
        for (size_t x : latest_select) {
          if (x != kNone) candidates.push_back(x);
        }
      }
      std::sort(candidates.begin(), candidates.end(), std::greater<>());
      // Latest first: an earlier step ordered before a later one is covered
      // by it, and then it is not a race.
      for (size_t x : candidates) {
        const auto u = static_cast<size_t>(steps[x].thread);
        if (u == t || c[u] >= local[x]) continue;
        const bool selects = select_step || in_select_step(steps, x, latest_select);
        if (!selects && !conflicting(steps[x], e)) continue;
        if (races != nullptr) races->emplace_back(x, k);
        join_clock(x);
      }
    }
    if (select_step) {
      latest_select[t] = k;
      any_select = true;
    }
    if (!select_step && touches_object(e)) {
      History& h = objects[e.object];
      if (changes_object(e)) {
        h.last_write = k;
        h.reads.clear();
      } else {
        std::erase_if(h.reads, [&](size_t r) { return steps[r].thread == e.thread; });
        h.reads.push_back(k);
      }
    }
    local[k] = c[t] = ++counts[t];
    last_step[t] = k;
    if (e.op == Op::kSpawn && e.value < threads_) spawned_at[e.value] = k;
    if (e.op == Op::kExit) exited_at[t] = k;
    if (failed_join >= 0) {
      std::vector<size_t>& attempts = failed_joins[static_cast<size_t>(failed_join)];
      std::erase_if(attempts, [&](size_t x) { return steps[x].thread == e.thread; });
      attempts.push_back(k);
    }

    // Order-independent: the sum over the steps of each one's place in the
    // partial order (its thread, its index there, what it did, its clock).
    // The retry after a wakeup is the operation that blocked.
    const int op = e.op == Op::kWakeup ? std::exchange(blocked_in[t], -1) : static_cast<int>(e.op);
    size_t step_hash = absl::HashOf(e.thread, local[k], op, e.failed, e.op == Op::kChoose ? e.value : uint64_t{0});
    for (size_t u = 0; u < threads_; ++u) step_hash = absl::HashOf(step_hash, c[u]);
    hash += step_hash;
  }
  return hash;
}

std::vector<ThreadId> TraceOrder::initials(size_t first, size_t second) const {
  std::vector<ThreadId> out;
  std::vector<size_t> first_in_v(threads_, kNone);
  std::vector<ThreadId> seen;
  const auto consider = [&](size_t x) {
    const ThreadId u = steps_[x].thread;
    if (first_in_v[u] != kNone) return;
    const bool preceded = std::any_of(seen.begin(), seen.end(), [&](ThreadId w) { return before(first_in_v[w], x); });
    first_in_v[u] = x;
    seen.push_back(u);
    if (!preceded) out.push_back(u);
  };
  for (size_t x = first + 1; x < second; ++x) {
    if (!before(first, x)) consider(x);
  }
  consider(second);
  return out;
}

}  // namespace weft::detail
