#include "weft/strategy/surw.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "weft/strategy/conflict.h"

namespace weft::detail {
namespace {

// Keeps SURW's stream apart from the other strategies' at the same seed.
constexpr uint64_t kStream = 0x5a3b5eedULL << 32;
// A thread picked this many times in a row over other enabled threads may be
// waiting for one of them: a held-back one, or one whose event drew a low
// priority that nothing re-draws (a spin with no conflict and no yield).
constexpr int kMaxInARow = 1000;
// Threads held back this many picks are released: the intended thread may be
// waiting for one of them (a spin that the runtime cannot see as one).
constexpr int kMaxHeld = 100;

void grow(auto& v, ThreadId id, auto fill) {
  if (v.size() <= static_cast<size_t>(id)) v.resize(id + 1, fill);
}

}  // namespace

std::string SurwStrategy::replay_spec() const {
  if (profiling_ || !profile_execution_) return "surw";
  return absl::StrCat("surwp", *profile_execution_);
}

void SurwStrategy::begin_execution(uint64_t seed, uint64_t index) {
  rng_.reseed(mix_seed(seed ^ kStream, index));
  profiling_ = !profiled_;
  if (profiling_) profile_execution_ = index;
  target_ = nullptr;
  if (!profiling_ && !targets_.empty()) {
    uint64_t total = 0;
    for (const Target& t : targets_) total += t.accesses;
    // Two draws of 32 bits: totals beyond 2^32 accesses are out of reach.
    uint64_t r = rng_.below(static_cast<uint32_t>(std::min<uint64_t>(total, UINT32_MAX)));
    for (const Target& t : targets_) {
      if (r < t.accesses) {
        target_ = &t;
        break;
      }
      r -= t.accesses;
    }
    if (target_ == nullptr) target_ = &targets_.back();
  }
  if (target_ != nullptr) {
    remaining_ = target_->counts;
  } else {
    remaining_.clear();
  }
  priorities_.begin();
  held_back_.clear();
  holding_ = false;
  held_for_ = 0;
  intended_ = kNoThread;
  last_picked_ = kNoThread;
  same_in_a_row_ = 0;
  for (auto& o : ordinals_) o.clear();
  since_pick_.clear();
  if (profiling_) profiling_counts_ = {};
}

void SurwStrategy::step_taken(const RawEvent& step) {
  since_pick_.add(step);
  if (profiling_) profile_step(step);
}

void SurwStrategy::end_execution(uint64_t) {
  if (profiling_) {
    build_profile();
    profiled_ = true;
  }
}

void SurwStrategy::profile_step(const RawEvent& e) {
  Profiling& p = profiling_counts_;
  if (e.op == Op::kSpawn) {
    const auto child = static_cast<ThreadId>(e.value);
    grow(p.parent, child, kNoThread);
    p.parent[child] = e.thread;
  }
  if (!touches_object(e)) return;
  grow(p.ordinals, e.thread, absl::flat_hash_map<const void*, uint32_t>{});
  auto& mine = p.ordinals[e.thread];
  const uint32_t ordinal = mine.try_emplace(e.object, static_cast<uint32_t>(mine.size())).first->second;
  Seen& s = p.objects[e.object];
  grow(s.counts, e.thread, 0u);
  if (s.counts[e.thread]++ == 0) {
    s.keys.push_back(key(e.thread, ordinal));
    ++s.threads;
  }
  s.changed |= changes_object(e);
  ++s.accesses;
}

void SurwStrategy::build_profile() {
  auto& objects = profiling_counts_.objects;
  const std::vector<ThreadId>& parent = profiling_counts_.parent;
  targets_.clear();
  for (auto& [object, s] : objects) {
    if (s.threads < 2 || !s.changed) continue;
    Target t;
    t.keys = std::move(s.keys);
    std::sort(t.keys.begin(), t.keys.end());
    t.counts = std::move(s.counts);
    grow(t.counts, static_cast<ThreadId>(parent.size()) - 1, 0u);
    // A thread's subtree: children have larger ids than their creators.
    for (ThreadId child = static_cast<ThreadId>(t.counts.size()) - 1; child > 0; --child) {
      if (static_cast<size_t>(child) < parent.size() && parent[child] != kNoThread) {
        t.counts[parent[child]] += t.counts[child];
      }
    }
    t.accesses = s.accesses;
    targets_.push_back(std::move(t));
  }
  // Hash order is no order: the same profile must give the same draws.
  std::sort(targets_.begin(), targets_.end(), [](const Target& a, const Target& b) { return a.keys < b.keys; });
  profiling_counts_ = {};
}

void SurwStrategy::thread_created(ThreadId id, ThreadId parent) {
  priorities_.created(id, rng_);
  grow(held_back_, id, uint8_t{0});
  grow(ordinals_, id, absl::flat_hash_map<const void*, uint32_t>{});
  grow(remaining_, id, 0u);
  if (profiling_ || target_ == nullptr || parent == kNoThread) return;
  // The creator's count included the new thread's subtree.
  const uint32_t child = remaining_[id];
  const uint32_t creator = remaining_[parent];
  if (intended_ == parent && creator > 0 && child > rng_.below(creator)) intended_ = id;
  remaining_[parent] = creator > child ? creator - child : 0;
}

void SurwStrategy::thread_spinning(ThreadId id) {
  priorities_.mark_spinning(id);
  // The intended thread spins on an object a held-back thread is about to
  // touch: it waits for that thread, so holding it back would only stall.
  if (id != intended_ || !holding_) return;
  const void* waits_on = view()->pending(id).object;
  for (ThreadId t = 0; t < static_cast<ThreadId>(held_back_.size()); ++t) {
    if (held_back_[t] && waits_on != nullptr && view()->pending(t).object == waits_on) {
      release_holds();
      return;
    }
  }
}

void SurwStrategy::release_holds() {
  if (holding_) std::fill(held_back_.begin(), held_back_.end(), 0);
  holding_ = false;
  held_for_ = 0;
  intended_ = kNoThread;
}

uint32_t SurwStrategy::ordinal(ThreadId thread, const void* object) const {
  const auto& mine = ordinals_[thread];
  auto it = mine.find(object);
  return it != mine.end() ? it->second : static_cast<uint32_t>(mine.size());
}

bool SurwStrategy::is_target_access(const RawEvent& e) const {
  return target_ != nullptr && touches_object(e) &&
         std::binary_search(target_->keys.begin(), target_->keys.end(), key(e.thread, ordinal(e.thread, e.object)));
}

void SurwStrategy::apply_steps_taken(std::span<const ThreadId> enabled) {
  since_pick_.apply([&](const RawEvent& ran) {
    priorities_.ran(ran, rng_);  // its next event is a new one
    if (!touches_object(ran)) return;
    for (ThreadId t : enabled) {
      if (t != ran.thread) priorities_.woken(t, view()->pending(t), ran, rng_);
    }
    if (is_target_access(ran)) {
      if (remaining_[ran.thread] > 0) --remaining_[ran.thread];
      if (ran.thread == intended_) release_holds();
    }
    auto& mine = ordinals_[ran.thread];
    mine.try_emplace(ran.object, static_cast<uint32_t>(mine.size()));
  });
}

ThreadId SurwStrategy::draw_intended(std::span<const ThreadId> enabled) {
  uint64_t total = 0;
  for (ThreadId t : enabled) {
    if (!held_back_[t] && !priorities_.spinning(t)) total += remaining_[t];
  }
  uint64_t r = rng_.below(static_cast<uint32_t>(std::min<uint64_t>(total, UINT32_MAX)));
  for (ThreadId t : enabled) {
    if (held_back_[t] || priorities_.spinning(t) || remaining_[t] == 0) continue;
    if (r < remaining_[t]) return t;
    r -= remaining_[t];
  }
  return kNoThread;  // not reached: the caller's candidate has a count
}

ThreadId SurwStrategy::pick_thread(std::span<const ThreadId> enabled, ThreadId) {
  apply_steps_taken(enabled);
  if (profiling_) return enabled[rng_.below(static_cast<uint32_t>(enabled.size()))];
  ThreadId chosen = kNoThread;
  while (chosen == kNoThread) {
    const ThreadId best = priorities_.highest(enabled, [this](ThreadId t) { return held_back_[t] != 0; });
    if (best == kNoThread) {  // everyone is held back: nobody can be waited for
      release_holds();
      continue;
    }
    // A spinner's accesses are not events of the interleavings sampled: it
    // repeats them until another thread acts (and its profile count is
    // inflated by the turns it spun). Scheduled freely, it has sunk.
    if (!is_target_access(view()->pending(best)) || priorities_.spinning(best)) {
      chosen = best;
      break;
    }
    if (remaining_[best] == 0) remaining_[best] = 1;  // the profile missed this access
    if (intended_ == kNoThread) intended_ = draw_intended(enabled);
    if (best == intended_) {
      chosen = best;
    } else {
      held_back_[best] = 1;
      holding_ = true;
    }
  }
  // Holds that outlast kMaxHeld picks may be what everyone else waits for.
  if (holding_ && ++held_for_ >= kMaxHeld) release_holds();
  same_in_a_row_ = chosen == last_picked_ ? same_in_a_row_ + 1 : 0;
  last_picked_ = chosen;
  if (same_in_a_row_ >= kMaxInARow) {
    release_holds();
    priorities_.redraw(enabled, rng_);
    same_in_a_row_ = 0;
  }
  return chosen;
}

}  // namespace weft::detail
