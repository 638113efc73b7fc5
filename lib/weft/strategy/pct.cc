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
    node(kNoThread) = Node{};
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
  if (priority_.size() <= static_cast<size_t>(id)) {
    priority_.resize(id + 1, 0);
    nodes_.resize(id + 2);
  }
  priority_[id] = kGone;  // in no tier yet: the entry may hold an earlier execution's priority
  // Initial priorities sit above every change-point priority (< depth_).
  // 31 random bits make ties negligible; ties break towards the lower id.
  set_priority(id, depth_ + static_cast<int64_t>(rng_.next() >> 33));
}

inline void PctStrategy::append_demoted(ThreadId id) {
  // Below every demoted priority so far: the back.
  Node& ends = node(kNoThread);
  node(id).prev = ends.prev;
  node(id).next = kNoThread;
  node(ends.prev).next = id;
  ends.prev = id;
}

inline void PctStrategy::unlink_demoted(ThreadId id) {
  const Node& n = node(id);
  node(n.prev).next = n.next;
  node(n.next).prev = n.prev;
}

// Only the demoted tier is handled inline: a demotion, the step repeated at
// every yield of a spin loop, then costs a few stores. The other tiers are
// rare after the start (a thread leaves the initial tier for good at its
// first demotion or change point).
inline void PctStrategy::file(ThreadId id) {
  const int64_t p = priority_[id];
  if (p >= 0) [[unlikely]] {
    file_above_demoted(id);
  } else if (p != kGone) {
    append_demoted(id);
  }
}

inline void PctStrategy::unfile(ThreadId id) {
  const int64_t p = priority_[id];
  if (p >= 0) [[unlikely]] {
    unfile_above_demoted(id);
  } else if (p != kGone) {
    unlink_demoted(id);
  }
}

void PctStrategy::file_above_demoted(ThreadId id) {
  if (priority_[id] >= depth_) {
    initial_.insert({priority_[id], id});
  } else {
    changed_.push_back(id);
  }
}

void PctStrategy::unfile_above_demoted(ThreadId id) {
  if (priority_[id] >= depth_) {
    initial_.erase({priority_[id], id});
  } else {
    std::erase(changed_, id);
  }
}

void PctStrategy::set_priority(ThreadId id, int64_t priority) {
  if (tiers_built_) [[unlikely]] {
    unfile(id);
    priority_[id] = priority;
    file(id);
    return;
  }
  priority_[id] = priority;
}

void PctStrategy::thread_spinning(ThreadId id) {
  // set_priority(id, lowest_--), spelled out for the case that runs at
  // every yield of a spin loop: a demoted thread demoted again.
  if (static_cast<size_t>(id) >= priority_.size()) return;
  const int64_t p = priority_[id];
  if (!tiers_built_ || p >= 0 || p == kGone) {
    set_priority(id, lowest_--);
    return;
  }
  unlink_demoted(id);
  priority_[id] = lowest_--;
  append_demoted(id);
}

void PctStrategy::build_tiers() {
  std::vector<ThreadId> by_priority(static_cast<size_t>(view()->threads()));
  for (size_t t = 0; t < by_priority.size(); ++t) by_priority[t] = static_cast<ThreadId>(t);
  // Demotions are filed highest first, the order the list keeps.
  std::sort(by_priority.begin(), by_priority.end(),
            [&](ThreadId a, ThreadId b) { return priority_[a] > priority_[b]; });
  for (ThreadId t : by_priority) file(t);
  tiers_built_ = true;
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

inline bool PctStrategy::enabled_has(ThreadId t, std::span<const ThreadId> enabled) {
  // The enabled set changes little from one step to the next: t is usually
  // where it was, or (blocked) still missing between the same neighbours.
  uint32_t& slot = node(t).slot;
  const size_t n = enabled.size();
  if (slot < n && enabled[slot] == t) return true;
  if (slot <= n && (slot == n || enabled[slot] > t) && (slot == 0 || enabled[slot - 1] < t)) return false;
  const auto it = std::lower_bound(enabled.begin(), enabled.end(), t);  // `enabled` is sorted
  slot = static_cast<uint32_t>(it - enabled.begin());
  return it != enabled.end() && *it == t;
}

inline ThreadId PctStrategy::pick_from_tiers(std::span<const ThreadId> enabled) {
  // Where a spin-heavy program spends its steps: only demoted threads left,
  // the front one enabled. Tested apart from the walk, which needs registers
  // saved. (Before the tiers are built, every tier is empty.)
  const ThreadId front = node(kNoThread).next;
  if (front != kNoThread && initial_.empty() && changed_.empty() && enabled_has(front, enabled)) [[likely]] {
    return front;
  }
  return walk_tiers(enabled);
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

ThreadId PctStrategy::walk_tiers(std::span<const ThreadId> enabled) {
  if (!tiers_built_) build_tiers();
  if (!initial_.empty()) {
    if (const ThreadId t = pick_initial(enabled); t != kNoThread) return t;
  }
  if (!changed_.empty()) {
    if (const ThreadId t = pick_changed(enabled); t != kNoThread) return t;
  }
  for (ThreadId t = node(kNoThread).next; t != kNoThread; t = step_over(t)) {
    if (enabled_has(t, enabled)) return t;
  }
  return enabled[0];  // not reached: every enabled thread is in a tier
}

ThreadId PctStrategy::step_over(ThreadId t) {
  const ThreadId next = node(t).next;
  if (!view()->blocked(t)) {  // finished
    unfile(t);
    priority_[t] = kGone;
  }
  return next;
}

ThreadId PctStrategy::pick_initial(std::span<const ThreadId> enabled) {
  for (auto it = initial_.begin(); it != initial_.end();) {
    const ThreadId t = it->second;
    if (enabled_has(t, enabled)) return t;
    if (view()->blocked(t)) {
      ++it;
    } else {  // finished
      priority_[t] = kGone;
      it = initial_.erase(it);
    }
  }
  return kNoThread;
}

ThreadId PctStrategy::pick_changed(std::span<const ThreadId> enabled) {
  ThreadId best = kNoThread;
  for (size_t i = 0; i < changed_.size();) {
    const ThreadId t = changed_[i];
    if (enabled_has(t, enabled)) {
      if (best == kNoThread || priority_[t] > priority_[best]) best = t;
    } else if (!view()->blocked(t)) {  // finished
      priority_[t] = kGone;
      changed_.erase(changed_.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    ++i;
  }
  return best;
}

std::string PctStrategy::name() const { return absl::StrCat("pct:", depth_); }

std::string PctStrategy::replay_spec() const {
  if (spec_estimate_ == estimate_ && !spec_.empty()) return spec_;
  return absl::StrCat("pct", depth_, "k", estimate_);
}

}  // namespace weft::detail
