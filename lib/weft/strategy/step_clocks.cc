#include "weft/strategy/step_clocks.h"

#include <algorithm>
#include <utility>

#include "weft/strategy/conflict.h"

namespace weft::detail {

StepClocks::StepClocks(const OrderSteps& steps, size_t threads)
    : steps_(steps),
      threads_(threads),
      clock_(threads, 0),
      last_step_(threads),
      spawned_at_(threads),
      exited_at_(threads),
      joining_(threads, -1),
      failed_joins_(threads),
      counts_(threads, 0),
      in_select_(threads, false),
      latest_select_(threads) {}

void StepClocks::join(const std::vector<uint32_t>& other) {
  for (size_t u = 0; u < threads_; ++u) clock_[u] = std::max(clock_[u], other[u]);
}

void StepClocks::keep(Access& access, size_t step) const {
  access.step = step;
  if (access.clock.size() != threads_) access.clock.resize(threads_);
  // A few entries: a loop, not a call to memmove.
  uint32_t* to = access.clock.data();
  for (size_t u = 0; u < threads_; ++u) to[u] = clock_[u];
}

const uint32_t* StepClocks::take(bool skip, std::vector<std::pair<size_t, size_t>>* races) {
  const size_t k = next_++;
  const OrderStep& e = steps_[k];
  if (keeps_value(e.op)) last_value_ = steps_.value(next_value_++);
  const auto t = static_cast<size_t>(e.thread);
  if (t >= threads_) return nullptr;
  if (e.op == Op::kJoin && !e.failed && last_value_ < threads_) joining_[t] = static_cast<int64_t>(last_value_);
  int64_t failed_join = e.op == Op::kJoin && e.failed && last_value_ < threads_ ? int64_t{last_value_} : -1;
  if (e.op == Op::kWakeup && e.failed && joining_[t] >= 0) failed_join = std::exchange(joining_[t], -1);
  const bool select_step = e.op == Op::kSelect || (e.op == Op::kWakeup && in_select_[t]);
  if (e.op != Op::kChoose) in_select_[t] = select_step;
  if (skip) return nullptr;

  std::fill(clock_.begin(), clock_.end(), 0);
  if (last_step_[t].step != kNone) {
    join(last_step_[t].clock);
  } else if (spawned_at_[t].step != kNone) {
    join(spawned_at_[t].clock);
  }
  if (joining_[t] >= 0 && exited_at_[joining_[t]].step != kNone) {
    join(exited_at_[joining_[t]].clock);
    joining_[t] = -1;
  }
  if (e.op == Op::kExit && !failed_joins_[t].empty()) {
    std::vector<Access>& attempts = failed_joins_[t];
    std::sort(attempts.begin(), attempts.end(), [](const Access& a, const Access& b) { return a.step > b.step; });
    for (const Access& x : attempts) {  // latest first, as below
      const auto u = static_cast<size_t>(steps_[x.step].thread);
      if (clock_[u] >= x.clock[u]) continue;
      if (races != nullptr) races->emplace_back(x.step, k);
      join(x.clock);
    }
    attempts.clear();
  }
  if (select_step || touches_object(e)) {
    candidates_.clear();
    const auto add_history = [this](const History& h, bool with_reads) {
      if (h.last_write.step != kNone) candidates_.push_back(&h.last_write);
      if (!with_reads) return;
      for (size_t r = 0; r < h.live_reads; ++r) candidates_.push_back(&h.reads[r]);
    };
    if (select_step) {
      for (const History& h : objects_) add_history(h, true);
    } else if (e.object < objects_.size()) {
      add_history(objects_[e.object], changes_object(e));
    }
    if (any_select_) {
      for (const Access& a : latest_select_) {
        if (a.step != kNone) candidates_.push_back(&a);
      }
    }
    std::sort(candidates_.begin(), candidates_.end(),
              [](const Access* a, const Access* b) { return a->step > b->step; });
    // Latest first: an earlier step ordered before a later one is covered
    // by it, and then it is not a race.
    for (const Access* x : candidates_) {
      const OrderStep& other = steps_[x->step];
      const auto u = static_cast<size_t>(other.thread);
      if (u == t || clock_[u] >= x->clock[u]) continue;
      const bool selects = select_step || latest_select_[u].step == x->step;
      if (!selects && !conflicting(other, e)) continue;
      if (races != nullptr) races->emplace_back(x->step, k);
      join(x->clock);
    }
  }
  clock_[t] = ++counts_[t];
  keep(last_step_[t], k);
  if (select_step) {
    keep(latest_select_[t], k);
    any_select_ = true;
  }
  if (!select_step && touches_object(e)) {
    if (e.object >= objects_.size()) objects_.resize(e.object + 1);
    History& h = objects_[e.object];
    if (changes_object(e)) {
      keep(h.last_write, k);
      h.live_reads = 0;
    } else {
      // One read per thread: this one replaces the thread's last.
      size_t r = 0;
      while (r < h.live_reads && steps_[h.reads[r].step].thread != e.thread) ++r;
      if (r == h.live_reads) {
        if (h.live_reads == h.reads.size()) h.reads.emplace_back();
        ++h.live_reads;
      }
      keep(h.reads[r], k);
    }
  }
  if (e.op == Op::kSpawn && last_value_ < threads_) keep(spawned_at_[last_value_], k);
  if (e.op == Op::kExit) keep(exited_at_[t], k);
  if (failed_join >= 0) {
    // One per thread: this attempt replaces the thread's last.
    std::vector<Access>& attempts = failed_joins_[static_cast<size_t>(failed_join)];
    auto mine = std::find_if(attempts.begin(), attempts.end(),
                             [&](const Access& a) { return steps_[a.step].thread == e.thread; });
    if (mine == attempts.end()) mine = attempts.emplace(attempts.end());
    keep(*mine, k);
  }
  return clock_.data();
}

}  // namespace weft::detail
