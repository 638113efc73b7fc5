// Potential deadlocks: lock-order inversions across the executions of one
// exploration.
//
// Keeps a graph over locks for a whole exploration: an edge A -> B means some
// thread acquired B, blocking, while holding A. When a new edge closes a
// cycle (this thread takes B holding A; a thread took A holding B, in this
// execution or an earlier one, or a longer chain), two threads can deadlock
// even though this schedule did not, and the inversion is reported with both
// acquisition sites.
//
// What adds no edge: try_lock (and timed try_lock_for/until, which give up),
// recursive re-acquisition: they cannot wait forever.
// shared_mutex takes part in both modes. weft's shared_mutex lets a reader
// in whenever no writer holds it, so a thread taking it shared never waits
// for a shared holder: a cycle is reported only if, at every lock in it, the
// holder's mode and the acquirer's mode conflict (not both shared). A lock
// held shared is no gate (below): readers do not exclude each other. std::scoped_lock and
// std::lock on several mutexes use try_lock after the first lock, so they
// add no edges either, which is right: they cannot deadlock.
// A cycle whose edges were all taken under one common "gate" lock (a lock
// held across both acquisitions by every thread involved) is not reported:
// the gate serializes the threads.
//
// Locks are identified across executions by creation: the k-th lock that
// thread t constructed in the execution is the same node in every execution
// of a deterministic body, whatever its address. Locks constructed outside
// any execution (globals) are identified by address. Names are only labels.
//
// The cost on the lock path: one hash lookup per lock already held (usually
// none or one); the cycle search runs only when an edge is new.
//
// Locks report to it through two calls, which do nothing when the detector
// is off:
//
//   uint32_t node_ = LockOrder::node_for_new_lock();      // in the constructor
//   note_acquired(ex, this, node_, name, where, pc, /*blocking=*/true, Hold::kExclusive);
//   note_released(ex, this);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "weft/base/source_location.h"
#include "weft/runtime/execution.h"

namespace weft::detail {

enum class Hold : uint8_t { kExclusive, kShared };

struct LockInversion {
  std::string message;
  std::vector<std::string> details;
  std::vector<uint64_t> highlight_steps;  // the acquisitions of this execution
};

class LockOrder {
 public:
  static constexpr uint32_t kUnregistered = UINT32_MAX;

  // Called at the start of every execution: held locks and creation counts
  // are per execution, the graph is kept.
  void begin_execution();

  // A lock constructed by `thread` during the execution: its node.
  uint32_t created(ThreadId thread);
  // The node of a lock being constructed now: created() for the running
  // thread when an execution with the detector is running, else
  // kUnregistered.
  static uint32_t node_for_new_lock();

  // `node` is what created() returned, or kUnregistered (then the lock is
  // known by its address). `pc` is the caller's address, which names the
  // site when `where` is in a system header (std::lock_guard). `blocking`:
  // lock() or a condition variable's reacquisition, not try_lock.
  void acquired(ThreadId thread, const void* lock, uint32_t node, const char* name, weft::source_location where,
                const void* pc, uint64_t step, bool blocking, Hold mode = Hold::kExclusive);
  void released(ThreadId thread, const void* lock);

  // The first inversion seen since the last call, if any.
  std::optional<LockInversion> take_inversion() { return std::exchange(inversion_, std::nullopt); }

 private:
  using Gates = absl::InlinedVector<uint32_t, 2>;  // sorted nodes

  struct Node {
    std::string name;               // empty when unnamed
    const void* address = nullptr;  // in the current execution, when acquired in it
    uint64_t seen_in = 0;           // the execution `address` belongs to
  };
  // Where a lock was taken.
  struct Site {
    weft::source_location where;
    const void* pc = nullptr;
  };
  struct Edge {
    uint32_t from = 0, to = 0;
    Hold from_mode = Hold::kExclusive, to_mode = Hold::kExclusive;
    ThreadId thread = 0;
    Site held_at, acquired_at;
    uint64_t held_step = 0, acquired_step = 0;
    uint64_t execution = 0;
    Gates gates;  // other locks held at every acquisition seen so far
  };
  struct Held {
    const void* lock;
    uint32_t node;
    Hold mode;
    Site where;
    uint64_t step;
  };

  uint32_t node_of(const void* lock, uint32_t node, const char* name);
  uint32_t new_node();
  void add_edge(ThreadId thread, const Held& from, uint32_t to, Hold mode, Site where, uint64_t step,
                const std::vector<Held>& held);
  // A path to -> ... -> from whose gates are disjoint from each other and
  // from `gates`: with the edge from -> to, a feasible cycle.
  bool find_cycle(uint32_t edge);
  // `entered`: the mode in which the path acquired `at`.
  bool search(uint32_t at, Hold entered, const Edge& closing, Gates& used, int& budget);
  void report(uint32_t edge);
  std::string label(uint32_t node) const;

  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  std::vector<std::vector<uint32_t>> out_;                 // node -> edges leaving it
  absl::flat_hash_map<uint64_t, uint32_t> edge_of_;        // edge_key(...) -> edge
  absl::flat_hash_map<uint64_t, uint32_t> by_creation_;    // (thread << 32 | k) -> node
  absl::flat_hash_map<const void*, uint32_t> by_address_;  // locks made outside executions
  std::vector<uint32_t> created_count_;                    // per thread, this execution
  std::vector<std::vector<Held>> held_;                    // per thread, this execution
  std::vector<uint8_t> on_path_;                           // per node, during search()
  std::vector<uint32_t> path_;                             // edges, during search()
  uint64_t execution_ = 0;
  std::optional<LockInversion> inversion_;
};

// The detector's side of a lock operation, for the lock types: records the
// acquisition and, when it closes a cycle, fails the execution with the
// inversion; or records the release. No-ops when detection is off.
// The checks are inline: with the detector off, a lock pays one load.
void report_acquired(LockOrder& order, Execution& ex, const void* lock, uint32_t node, const char* name,
                     weft::source_location where, const void* pc, bool blocking, Hold mode);
inline void note_acquired(Execution& ex, const void* lock, uint32_t node, const char* name, weft::source_location where,
                          const void* pc, bool blocking, Hold mode) {
  if (LockOrder* order = ex.lock_order()) report_acquired(*order, ex, lock, node, name, where, pc, blocking, mode);
}
inline void note_released(Execution& ex, const void* lock) {
  if (LockOrder* order = ex.lock_order()) order->released(ex.current(), lock);
}

}  // namespace weft::detail
