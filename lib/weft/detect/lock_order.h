// Potential deadlocks: lock-order inversions across the executions of one
// exploration.
//
// Keeps a graph over locks for a whole exploration: an edge A -> B means some
// thread acquired B, blocking, while holding A. When a new edge closes a
// cycle (this thread takes B holding A; a thread took A holding B, in this
// execution or an earlier one, or a longer chain), two threads can deadlock
// even though this schedule did not, and the cycle is handed out with both
// acquisition sites of every edge.
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
// The detector knows nothing of the runtime: its callers pass the thread,
// the step and the site (sync/lock_order_hooks.h does it for the lock
// types, and turns a cycle into a failure):
//
//   LockOrder order;
//   order.begin_execution();
//   const uint32_t a = order.created(0), b = order.created(0);   // two locks thread 0 constructs
//   order.acquired(1, &ma, a, "a", where, nullptr, /*step=*/3, /*blocking=*/true);
//   order.acquired(1, &mb, b, "b", where, nullptr, 4, true);        // edge a -> b
//   ...
//   if (std::optional<LockCycle> cycle = order.take_cycle()) report(*cycle);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "weft/base/ids.h"
#include "weft/base/source_location.h"

namespace weft::detail {

enum class Hold : uint8_t { kExclusive, kShared };

// Where a lock was taken: `where`, and the caller's address, which names the
// site when `where` is in a system header (std::lock_guard).
struct LockSite {
  weft::source_location where;
  const void* pc = nullptr;
};

// A lock of a cycle.
struct CycleLock {
  uint32_t node = 0;              // its identity in the graph
  std::string name;               // the first name it was given; empty when unnamed
  const void* address = nullptr;  // where it is in the current execution; null when this execution did not take it
};

// One edge of a cycle: `thread` took `taken` while holding `held`.
struct CycleEdge {
  ThreadId thread = 0;
  CycleLock held, taken;
  Hold held_mode = Hold::kExclusive, taken_mode = Hold::kExclusive;
  LockSite held_at, taken_at;
  uint64_t held_step = 0, taken_step = 0;
  // Set when an earlier execution took these locks (its index in the
  // exploration); unset when the current one did (then the steps are its).
  std::optional<uint64_t> earlier_execution;
};

// A potential deadlock: edges[0] is the acquisition that closed the cycle;
// each edge's `taken` is the next edge's `held`, and the last edge's `taken`
// is edges[0]'s `held`.
struct LockCycle {
  std::vector<CycleEdge> edges;
};

class LockOrder {
 public:
  static constexpr uint32_t kUnregistered = UINT32_MAX;

  // Called at the start of every execution: held locks and creation counts
  // are per execution, the graph is kept.
  void begin_execution();

  // A lock constructed by `thread` during the execution: its node.
  uint32_t created(ThreadId thread);

  // `thread` took `lock` at `step` of the execution. `node` is what
  // created() returned, or kUnregistered (then the lock is known by its
  // address). `pc` is the caller's address, which names the site when
  // `where` is in a system header (std::lock_guard). `blocking`: lock() or a
  // condition variable's reacquisition, not try_lock.
  void acquired(ThreadId thread, const void* lock, uint32_t node, const char* name, weft::source_location where,
                const void* pc, uint64_t step, bool blocking, Hold mode = Hold::kExclusive);
  void released(ThreadId thread, const void* lock);

  // The first cycle closed since the last call, if any.
  std::optional<LockCycle> take_cycle() { return std::exchange(cycle_, std::nullopt); }

 private:
  using Gates = absl::InlinedVector<uint32_t, 2>;  // sorted nodes

  struct Node {
    std::string name;               // empty when unnamed
    const void* address = nullptr;  // in the current execution, when acquired in it
    uint64_t seen_in = 0;           // the execution `address` belongs to
  };
  struct Edge {
    uint32_t from = 0, to = 0;
    Hold from_mode = Hold::kExclusive, to_mode = Hold::kExclusive;
    ThreadId thread = 0;
    LockSite held_at, acquired_at;
    uint64_t held_step = 0, acquired_step = 0;
    uint64_t execution = 0;
    Gates gates;  // other locks held at every acquisition seen so far
  };
  struct Held {
    const void* lock;
    uint32_t node;
    Hold mode;
    LockSite where;
    uint64_t step;
  };

  uint32_t node_of(const void* lock, uint32_t node, const char* name);
  uint32_t new_node();
  void add_edge(ThreadId thread, const Held& from, uint32_t to, Hold mode, LockSite where, uint64_t step,
                const std::vector<Held>& held);
  // A path to -> ... -> from whose gates are disjoint from each other and
  // from `gates`: with the edge from -> to, a feasible cycle.
  bool find_cycle(uint32_t edge);
  // `entered`: the mode in which the path acquired `at`.
  bool search(uint32_t at, Hold entered, const Edge& closing, Gates& used, int& budget);
  void report(uint32_t edge);
  CycleLock cycle_lock(uint32_t node) const;

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
  std::optional<LockCycle> cycle_;
};

}  // namespace weft::detail
