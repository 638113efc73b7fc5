// PCT: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi,
// Nagarakatte; ASPLOS 2010).
//
// Each thread gets a random distinct priority; the highest-priority enabled
// thread always runs. d-1 change points, drawn uniformly from the k steps an
// execution is expected to have, each drop the running thread's priority
// below every initial one. A bug of depth d is then found with probability at
// least 1/(n k^(d-1)) per execution. k is learned: the largest number of
// choice points seen so far in this exploration (kInitialEstimate for the
// first execution). Steps are counted only where two or more threads are
// enabled, so k reflects real choices.
//
// Spin loops: a thread that shows evidence of spinning (it yields, sleeps,
// or fails the same try_lock / CAS / try_acquire / try_recv twice on an
// object nobody else changed in between; see Execution::note_failed_attempt)
// is demoted to the lowest priority, so a spinning high-priority thread
// cannot starve the thread it waits for (PCT without this hangs on the first
// spin loop). Nothing else demotes: a demotion is a priority change the
// guarantee above does not count, so a CAS that merely reads a value must not
// cause one.
//
// The choice scans the enabled threads' priorities while they are few. Past
// kScanLimit it uses that priorities come in three tiers: initial ones (>=
// depth, random, in an ordered set), change-point ones (0 .. depth-2, at most
// depth-1 threads) and demotions (< 0, each below all before it, so a list in
// demotion order is sorted: a demotion moves a thread to its back). It takes
// the first enabled thread from the top, looking for each in the enabled
// span first where it was found last time (O(1) while the set around it is
// unchanged, else a binary search). So a pick costs O(1) amortized, plus one
// test per blocked thread above the one it takes (the strategy learns which
// threads are enabled, not when one blocks or wakes); a finished thread is
// dropped for good the first time it is met. A demotion costs O(1), O(log n)
// for a thread's first (it leaves the ordered set). Both ways pick the same
// thread.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "weft/base/rng.h"
#include "weft/strategy/strategy.h"

namespace weft::detail {

class PctStrategy final : public Strategy {
 public:
  static constexpr uint64_t kInitialEstimate = 64;
  static constexpr size_t kScanLimit = 16;

  // `fixed_estimate` > 0 pins k (seed-form replay); 0 learns it. Choices
  // among more than `scan_limit` threads use the tiers (tests set it
  // to compare both ways).
  explicit PctStrategy(int depth, uint64_t fixed_estimate = 0, size_t scan_limit = kScanLimit);

  void begin_execution(uint64_t seed, uint64_t index) override;
  void end_execution(uint64_t choice_points) override;
  void thread_created(ThreadId id, ThreadId parent) override;
  void thread_spinning(ThreadId id) override;
  ThreadId pick_thread(std::span<const ThreadId> enabled, ThreadId current) override;
  uint32_t pick_value(uint32_t n) override { return rng_.below(n); }
  std::string name() const override;
  std::string replay_spec() const override;

 private:
  void apply_change_points(ThreadId current);
  void set_priority(ThreadId id, int64_t priority);
  void build_tiers();
  // Files `id` under priority_[id] in the tier it belongs to; unfile()
  // takes it out again.
  void file(ThreadId id);
  void unfile(ThreadId id);
  void append_demoted(ThreadId id);
  void unlink_demoted(ThreadId id);
  void file_above_demoted(ThreadId id);
  void unfile_above_demoted(ThreadId id);
  // The first enabled thread from the top of the tiers; from the initial
  // tier, and the highest enabled one of the change-point tier (kNoThread:
  // none).
  ThreadId pick_from_tiers(std::span<const ThreadId> enabled);
  ThreadId walk_tiers(std::span<const ThreadId> enabled);
  ThreadId pick_initial(std::span<const ThreadId> enabled);
  ThreadId pick_changed(std::span<const ThreadId> enabled);
  // The demoted thread after `t`, which is not enabled; drops `t` if it has
  // finished.
  ThreadId step_over(ThreadId t);
  // Whether `t` is in `enabled` (sorted): where it was last found, else a
  // binary search that remembers where.
  bool enabled_has(ThreadId t, std::span<const ThreadId> enabled);
  // The priority of a thread met neither enabled nor blocked: finished, and
  // out of the tiers for good.
  static constexpr int64_t kGone = INT64_MIN;

  // Highest priority first; ties go to the lower id, as in the scan.
  struct HigherFirst {
    bool operator()(const std::pair<int64_t, ThreadId>& a, const std::pair<int64_t, ThreadId>& b) const {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    }
  };
  // A thread's place in the demoted list, and where the membership test
  // looks for it first.
  struct alignas(16) Node {  // 16 bytes: an index is a shift
    ThreadId prev = kNoThread;
    ThreadId next = kNoThread;
    uint32_t slot = 0;  // its index in the enabled span when last found
  };

  int depth_;
  bool learn_;
  size_t scan_limit_;
  uint64_t estimate_;       // k used by the current execution
  uint64_t next_estimate_;  // k for the next execution
  uint64_t longest_ = 0;    // the most choice points an execution had so far
  Rng rng_;
  std::vector<int64_t> priority_;  // by thread id; higher runs first
  // The tiers, built at an execution's first choice among more than
  // scan_limit_ threads and kept exact after (every thread whose priority_
  // is not kGone is in the one its priority names).
  bool tiers_built_ = false;
  absl::btree_set<std::pair<int64_t, ThreadId>, HigherFirst> initial_;
  std::vector<ThreadId> changed_;  // at most depth-1 threads, any order
  // node(t) for each thread; node(kNoThread) closes the demoted list into a
  // ring (its next is the front, the highest demoted priority; its prev the
  // back, the latest demotion), so linking and unlinking never branch.
  std::vector<Node> nodes_{1};
  Node& node(ThreadId t) { return nodes_[static_cast<size_t>(t) + 1]; }  // kNoThread wraps to 0
  std::vector<uint64_t> change_points_;                                  // sorted, in [1, k]
  size_t next_change_ = 0;
  // change_points_[next_change_], or never: the one compare pick_thread makes.
  uint64_t next_change_step_ = UINT64_MAX;
  uint64_t steps_ = 0;
  int64_t lowest_ = 0;  // next demoted priority; decreases
  // replay_spec() for spec_estimate_: the explorer asks every execution, and
  // k rarely changes.
  std::string spec_;
  uint64_t spec_estimate_ = 0;
};

}  // namespace weft::detail
