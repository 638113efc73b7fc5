#include "weft/detect/lock_order.h"

#include <algorithm>

namespace weft::detail {
namespace {

constexpr uint64_t pair_key(uint32_t high, uint32_t low) { return static_cast<uint64_t>(high) << 32 | low; }

// An edge is (from, to, the mode `from` is held in, the mode `to` is taken
// in). Nodes stay far below 2^31 (each one is a lock some test constructed),
// so 31 bits each leave two for the modes.
constexpr uint64_t edge_key(uint32_t from, uint32_t to, Hold from_mode, Hold to_mode) {
  return static_cast<uint64_t>(from) << 33 | static_cast<uint64_t>(to) << 2 | static_cast<uint64_t>(from_mode) << 1 |
         static_cast<uint64_t>(to_mode);
}

// Two holds of one lock exclude each other unless both are shared.
constexpr bool conflict(Hold a, Hold b) { return a == Hold::kExclusive || b == Hold::kExclusive; }

template <typename A, typename B>
bool disjoint(const A& a, const B& b) {
  for (uint32_t x : a) {
    if (std::find(b.begin(), b.end(), x) != b.end()) return false;
  }
  return true;
}

// Cycle searches stop after this many edge visits; lock graphs in tests
// have a handful of nodes, so only a pathological graph gets near it.
constexpr int kSearchBudget = 100000;

}  // namespace

void LockOrder::begin_execution() {
  ++execution_;
  for (std::vector<Held>& held : held_) held.clear();
  std::fill(created_count_.begin(), created_count_.end(), 0);
}

uint32_t LockOrder::new_node() {
  nodes_.emplace_back();
  out_.emplace_back();
  on_path_.push_back(0);
  return static_cast<uint32_t>(nodes_.size() - 1);
}

uint32_t LockOrder::created(ThreadId thread) {
  if (thread < 0) return kUnregistered;
  if (static_cast<size_t>(thread) >= created_count_.size()) created_count_.resize(thread + 1, 0);
  const uint64_t key = pair_key(static_cast<uint32_t>(thread), created_count_[thread]++);
  auto [it, inserted] = by_creation_.try_emplace(key, 0);
  if (inserted) it->second = new_node();
  return it->second;
}

uint32_t LockOrder::node_of(const void* lock, uint32_t node, const char* name) {
  if (node == kUnregistered || node >= nodes_.size()) {
    auto [it, inserted] = by_address_.try_emplace(lock, 0);
    if (inserted) it->second = new_node();
    node = it->second;
  }
  Node& n = nodes_[node];
  if (n.name.empty() && name != nullptr) n.name = name;  // copied: the graph outlives the execution
  n.address = lock;
  n.seen_in = execution_;
  return node;
}

void LockOrder::acquired(ThreadId thread, const void* lock, uint32_t node, const char* name,
                         weft::source_location where, const void* pc, uint64_t step, bool blocking, Hold mode) {
  if (thread < 0) return;
  if (static_cast<size_t>(thread) >= held_.size()) held_.resize(thread + 1);
  node = node_of(lock, node, name);
  std::vector<Held>& held = held_[thread];
  if (blocking) {
    for (size_t i = 0; i < held.size(); ++i) {
      if (held[i].node != node) add_edge(thread, held[i], node, mode, LockSite{where, pc}, step, held);
    }
  }
  held.push_back(Held{lock, node, mode, LockSite{where, pc}, step});
}

void LockOrder::released(ThreadId thread, const void* lock) {
  if (thread < 0 || static_cast<size_t>(thread) >= held_.size()) return;
  std::vector<Held>& held = held_[thread];
  for (size_t i = held.size(); i-- > 0;) {
    if (held[i].lock == lock) {
      held.erase(held.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
  }
}

void LockOrder::add_edge(ThreadId thread, const Held& from, uint32_t to, Hold mode, LockSite where, uint64_t step,
                         const std::vector<Held>& held) {
  const uint64_t key = edge_key(from.node, to, from.mode, mode);
  const auto it = edge_of_.find(key);
  // Known, and already as permissive as it gets: the common case.
  if (it != edge_of_.end() && edges_[it->second].gates.empty()) [[likely]]
    return;
  Gates gates;
  for (const Held& h : held) {
    if (h.mode == Hold::kExclusive && h.node != from.node && h.node != to &&
        std::find(gates.begin(), gates.end(), h.node) == gates.end()) {
      gates.push_back(h.node);
    }
  }
  std::sort(gates.begin(), gates.end());
  if (it != edge_of_.end()) {
    Edge& e = edges_[it->second];
    Gates common;
    std::set_intersection(e.gates.begin(), e.gates.end(), gates.begin(), gates.end(), std::back_inserter(common));
    if (common.size() == e.gates.size()) return;
    // Taken under fewer gates than before: cycles it could not close before may close now.
    e.gates = std::move(common);
    e.thread = thread;
    e.held_at = from.where;
    e.acquired_at = where;
    e.held_step = from.step;
    e.acquired_step = step;
    e.execution = execution_;
    if (find_cycle(it->second)) report(it->second);
    return;
  }
  const auto index = static_cast<uint32_t>(edges_.size());
  edges_.push_back(
      Edge{from.node, to, from.mode, mode, thread, from.where, where, from.step, step, execution_, std::move(gates)});
  out_[from.node].push_back(index);
  edge_of_.emplace(key, index);
  if (find_cycle(index)) report(index);
}

bool LockOrder::find_cycle(uint32_t edge) {
  if (cycle_) return false;  // one report at a time
  const Edge& e = edges_[edge];
  Gates used = e.gates;
  path_.clear();
  on_path_[e.to] = 1;
  int budget = kSearchBudget;
  const bool found = search(e.to, e.to_mode, e, used, budget);
  on_path_[e.to] = 0;
  for (uint32_t step : path_) on_path_[edges_[step].to] = 0;
  return found;
}

bool LockOrder::search(uint32_t at, Hold entered, const Edge& closing, Gates& used, int& budget) {
  // Back at the lock the closing edge holds: a deadlock if that thread's
  // hold and this acquisition exclude each other.
  if (at == closing.from) return conflict(entered, closing.from_mode);
  for (uint32_t index : out_[at]) {
    if (--budget < 0) return false;
    const Edge& x = edges_[index];
    if (on_path_[x.to] || !conflict(entered, x.from_mode) || !disjoint(x.gates, used)) continue;
    const size_t mark = used.size();
    used.insert(used.end(), x.gates.begin(), x.gates.end());
    on_path_[x.to] = 1;
    path_.push_back(index);
    if (search(x.to, x.to_mode, closing, used, budget)) return true;
    path_.pop_back();
    on_path_[x.to] = 0;
    used.resize(mark);
  }
  return false;
}

CycleLock LockOrder::cycle_lock(uint32_t node) const {
  const Node& n = nodes_[node];
  return CycleLock{node, n.name, n.seen_in == execution_ ? n.address : nullptr};
}

void LockOrder::report(uint32_t edge) {
  LockCycle cycle;
  const auto add = [&](const Edge& x) {
    cycle.edges.push_back(CycleEdge{.thread = x.thread,
                                    .held = cycle_lock(x.from),
                                    .taken = cycle_lock(x.to),
                                    .held_mode = x.from_mode,
                                    .taken_mode = x.to_mode,
                                    .held_at = x.held_at,
                                    .taken_at = x.acquired_at,
                                    .held_step = x.held_step,
                                    .taken_step = x.acquired_step});
    // execution_ counts begin_execution() calls: the first execution is index 0.
    if (x.execution != execution_) cycle.edges.back().earlier_execution = x.execution - 1;
  };
  add(edges_[edge]);
  for (uint32_t p : path_) add(edges_[p]);
  cycle_ = std::move(cycle);
}

}  // namespace weft::detail
