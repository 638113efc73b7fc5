// Potential deadlocks: lock-order inversions across executions.
//
// Keeps a graph over locks for a whole exploration: an edge A -> B means some
// thread acquired B (blocking) while holding A. When a thread acquires B
// while holding A and the graph already has a path B -> ... -> A, two
// threads can deadlock even if this schedule did not; weft reports it with
// both acquisition sites. try_lock and recursive re-acquisition add no
// edge: they cannot block, so they cannot deadlock.
//
// Locks are identified across executions by their name when they have one,
// otherwise by the order in which the execution created them, which is the
// same in every execution of a deterministic body.
#pragma once

#include <cstdint>
#include <optional>
#include <source_location>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace weft::detail {

using ThreadId = int;

struct LockInversion {
  std::string message;
  std::vector<std::string> details;
};

class LockOrder {
 public:
  // Called at the start of every execution: held locks are per execution,
  // the graph is kept.
  void begin_execution() {
    held_.clear();
    serials_.clear();
    next_serial_ = 0;
  }

  void acquired(ThreadId thread, const void* lock, const char* name, std::source_location where, bool blocking);
  void released(ThreadId thread, const void* lock);
  // The first inversion seen since the last call, if any.
  std::optional<LockInversion> take_inversion() { return std::exchange(inversion_, std::nullopt); }

 private:
  struct Edge {
    ThreadId thread;
    std::string held_name, acquired_name;
    std::source_location held_at, acquired_at;
  };
  struct Held {
    const void* lock;
    std::string key;
    std::string label;
    std::source_location where;
  };

  std::string key_of(const void* lock, const char* name);
  bool reachable(const std::string& from, const std::string& to, std::vector<std::string>& path) const;

  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, Edge>> graph_;
  absl::flat_hash_map<ThreadId, std::vector<Held>> held_;
  absl::flat_hash_map<const void*, std::string> serials_;
  absl::flat_hash_set<std::pair<std::string, std::string>> reported_;
  int next_serial_ = 0;
  std::optional<LockInversion> inversion_;
};

}  // namespace weft::detail
