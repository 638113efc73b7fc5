#include "weft/strategy/pct.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace weft::detail {

PctStrategy::PctStrategy(int depth, uint64_t fixed_estimate, size_t scan_limit)
    : depth_(depth),
      learn_(fixed_estimate == 0),
      scan_limit_(scan_limit),
      estimate_(fixed_estimate ? fixed_estimate : kInitialEstimate),
      next_estimate_(estimate_) {}

void PctStrategy::begin_execution(uint64_t seed, uint64_t index) {
  // The depth is part of the stream so pct:1 and pct:3 at the same index differ.
  rng_.reseed(mix_seed(seed ^ (static_cast<uint64_t>(depth_) << 56), index));
  estimate_ = next_estimate_;
  if (spec_estimate_ != estimate_ || spec_.empty()) {
    spec_ = absl::StrCat("pct", depth_, "k", estimate_);
    spec_estimate_ = estimate_;
  }
  // priority_ keeps its size: thread_created() sets each thread's entry
  // before anything reads it, and resizing it per execution was not free.
  change_points_.clear();
  for (int i = 1; i < depth_; ++i) change_points_.push_back(1 + rng_.below(static_cast<uint32_t>(estimate_)));
  std::sort(change_points_.begin(), change_points_.end());
  next_change_ = 0;
  next_change_step_ = change_points_.empty() ? UINT64_MAX : change_points_[0];
  steps_ = 0;
  // Change point j lowers the running thread to depth_-1-j >= 0; demotions
  // for yields go below all of those.
  lowest_ = -1;
  if (tiers_built_) {
    initial_.clear();
    changed_.clear();
    demoted_.clear();
    demoted_head_ = 0;
    tiers_built_ = false;
  }
}

void PctStrategy::end_execution(uint64_t choice_points) {
  // The guess is only for the first execution: after it, k is the largest
  // number of choice points seen. Change points past the real length are
  // wasted, so a guess above it would cost a factor k_guess / k per level.
  if (!learn_) return;
  longest_ = std::max(longest_, std::max<uint64_t>(choice_points, 1));
  next_estimate_ = longest_;
}

void PctStrategy::thread_created(ThreadId id, ThreadId) {
  if (priority_.size() <= static_cast<size_t>(id)) priority_.resize(id + 1, 0);
  // Initial priorities sit above every change-point priority (< depth_).
  // 31 random bits make ties negligible; ties break towards the lower id.
  set_priority(id, depth_ + static_cast<int64_t>(rng_.next() >> 33));
}

void PctStrategy::thread_spinning(ThreadId id) {
  if (static_cast<size_t>(id) < priority_.size()) set_priority(id, lowest_--);
}

void PctStrategy::set_priority(ThreadId id, int64_t priority) {
  if (tiers_built_) [[unlikely]] {
    if (priority_[id] >= depth_) initial_.erase({priority_[id], id});
    priority_[id] = priority;
    file(id);
    return;
  }
  priority_[id] = priority;
}

void PctStrategy::file(ThreadId id) {
  const int64_t p = priority_[id];
  if (p >= depth_) {
    initial_.insert({p, id});
  } else if (p >= 0) {
    changed_.emplace_back(p, id);
  } else if (p != kGone) {
    demoted_.emplace_back(p, id);
  }
}

void PctStrategy::apply_change_points(ThreadId current) {
  // Several change points may share a step; each lowers the running thread.
  while (next_change_ < change_points_.size() && change_points_[next_change_] == steps_) {
    if (current >= 0 && static_cast<size_t>(current) < priority_.size()) {
      set_priority(current, depth_ - 1 - static_cast<int64_t>(next_change_) - 1);
    }
    ++next_change_;
  }
  next_change_step_ = next_change_ < change_points_.size() ? change_points_[next_change_] : UINT64_MAX;
}

ThreadId PctStrategy::pick_thread(std::span<const ThreadId> enabled, ThreadId current) {
  if (++steps_ == next_change_step_) [[unlikely]]
    apply_change_points(current);
  if (enabled.size() > scan_limit_ && view() != nullptr) [[unlikely]]
    return pick_from_tiers(enabled);
  const int64_t* priority = priority_.data();
  ThreadId best = enabled[0];
  int64_t best_priority = priority[best];
  for (size_t i = 1; i < enabled.size(); ++i) {
    const ThreadId t = enabled[i];
    if (priority[t] > best_priority) {  // ties keep the lower id
      best = t;
      best_priority = priority[t];
    }
  }
  return best;
}

bool PctStrategy::runs_now(ThreadId t, std::span<const ThreadId> enabled) {
  if (std::binary_search(enabled.begin(), enabled.end(), t)) return true;  // `enabled` is sorted
  if (!view()->blocked(t)) {  // neither enabled nor blocked: finished, for good
    if (priority_[t] >= depth_) initial_.erase({priority_[t], t});
    priority_[t] = kGone;
  }
  return false;
}

ThreadId PctStrategy::pick_from_tiers(std::span<const ThreadId> enabled) {
  if (!tiers_built_) {
    std::vector<ThreadId> by_priority(static_cast<size_t>(view()->threads()));
    for (size_t t = 0; t < by_priority.size(); ++t) by_priority[t] = static_cast<ThreadId>(t);
    // Demotions are filed highest first, the order the queue keeps.
    std::sort(by_priority.begin(), by_priority.end(),
              [&](ThreadId a, ThreadId b) { return priority_[a] > priority_[b]; });
    for (ThreadId t : by_priority) file(t);
    tiers_built_ = true;
  }
  for (auto it = initial_.begin(); it != initial_.end();) {
    const ThreadId t = it->second;
    if (std::binary_search(enabled.begin(), enabled.end(), t)) return t;
    if (view()->blocked(t)) {
      ++it;
    } else {  // finished
      priority_[t] = kGone;
      it = initial_.erase(it);
    }
  }
  ThreadId best = kNoThread;
  int64_t best_priority = kGone;
  for (const auto& [p, t] : changed_) {
    if (priority_[t] == p && p > best_priority && runs_now(t, enabled)) {
      best = t;
      best_priority = p;
    }
  }
  if (best != kNoThread) return best;
  while (demoted_head_ < demoted_.size() &&
         priority_[demoted_[demoted_head_].second] != demoted_[demoted_head_].first) {
    ++demoted_head_;
  }
  if (demoted_head_ > 64 && 2 * demoted_head_ > demoted_.size()) {  // keep the queue's memory bounded
    demoted_.erase(demoted_.begin(), demoted_.begin() + static_cast<std::ptrdiff_t>(demoted_head_));
    demoted_head_ = 0;
  }
  for (size_t i = demoted_head_; i < demoted_.size(); ++i) {
    const auto [p, t] = demoted_[i];
    if (priority_[t] == p && runs_now(t, enabled)) return t;
  }
  return enabled[0];  // not reached: every enabled thread is in a tier
}

std::string PctStrategy::name() const { return absl::StrCat("pct:", depth_); }

std::string PctStrategy::replay_spec() const {
  if (spec_estimate_ == estimate_ && !spec_.empty()) return spec_;
  return absl::StrCat("pct", depth_, "k", estimate_);
}

}  // namespace weft::detail
