#include "weft/strategy/pct.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace weft::detail {

PctStrategy::PctStrategy(int depth, uint64_t fixed_estimate)
    : depth_(depth),
      learn_(fixed_estimate == 0),
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
  priority_[id] = depth_ + static_cast<int64_t>(rng_.next() >> 33);
}

void PctStrategy::thread_spinning(ThreadId id) {
  if (static_cast<size_t>(id) < priority_.size()) priority_[id] = lowest_--;
}

void PctStrategy::apply_change_points(ThreadId current) {
  // Several change points may share a step; each lowers the running thread.
  while (next_change_ < change_points_.size() && change_points_[next_change_] == steps_) {
    if (current >= 0 && static_cast<size_t>(current) < priority_.size()) {
      priority_[current] = depth_ - 1 - static_cast<int64_t>(next_change_) - 1;
    }
    ++next_change_;
  }
  next_change_step_ = next_change_ < change_points_.size() ? change_points_[next_change_] : UINT64_MAX;
}

ThreadId PctStrategy::pick_thread(std::span<const ThreadId> enabled, ThreadId current) {
  if (++steps_ == next_change_step_) [[unlikely]]
    apply_change_points(current);
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

std::string PctStrategy::name() const { return absl::StrCat("pct:", depth_); }

std::string PctStrategy::replay_spec() const {
  if (spec_estimate_ == estimate_ && !spec_.empty()) return spec_;
  return absl::StrCat("pct", depth_, "k", estimate_);
}

}  // namespace weft::detail
