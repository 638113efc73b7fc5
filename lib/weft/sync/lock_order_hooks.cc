#include "weft/sync/lock_order_hooks.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "weft/report/symbolize.h"
#include "weft/report/trace.h"

namespace weft::detail {
namespace {

// The evidence of `cycle`, found by the current execution: labels as its
// trace shows the locks, sites resolved in one batch.
LockOrderInversion evidence_of(const LockCycle& cycle, const Execution& ex) {
  std::vector<const void*> pcs;
  for (const CycleEdge& e : cycle.edges) {
    for (const LockSite* s : {&e.held_at, &e.taken_at}) {
      if (prefer_pc(s->where, s->pc)) pcs.push_back(s->pc);
    }
  }
  const std::vector<SourcePosition> resolved = symbolize(pcs);
  const auto position = [&](const LockSite& s) {
    if (prefer_pc(s.where, s.pc)) {
      const SourcePosition& p = resolved[std::find(pcs.begin(), pcs.end(), s.pc) - pcs.begin()];
      if (p.known()) return p;
    }
    return to_position(s.where);
  };
  const auto object = [&](const CycleLock& lock) {
    return ObjectRef{lock.name, lock.address != nullptr ? ex.object_label(lock.address) : ""};
  };
  LockOrderInversion evidence;
  for (const CycleEdge& e : cycle.edges) {
    evidence.edges.push_back(LockOrderEdge{.thread = e.thread,
                                           .held = object(e.held),
                                           .held_shared = e.held_mode == Hold::kShared,
                                           .taken = object(e.taken),
                                           .taken_shared = e.taken_mode == Hold::kShared,
                                           .held_at = position(e.held_at),
                                           .taken_at = position(e.taken_at),
                                           .held_step = e.held_step,
                                           .taken_step = e.taken_step,
                                           .earlier_execution = e.earlier_execution});
  }
  return evidence;
}

}  // namespace

uint32_t lock_order_node_for_new_lock() {
  Execution* ex = Execution::get_if_any();
  LockOrder* order = ex != nullptr ? ex->lock_order() : nullptr;
  return order != nullptr ? order->created(ex->current()) : LockOrder::kUnregistered;
}

void report_acquired(LockOrder& order, Execution& ex, const void* lock, uint32_t node, const char* name,
                     weft::source_location where, const void* pc, bool blocking, Hold mode) {
  order.acquired(ex.current(), lock, node, name, where, pc, ex.step(), blocking, mode);
  std::optional<LockCycle> cycle = order.take_cycle();
  if (!cycle) [[likely]]
    return;
  // The acquisitions of this execution are the steps its trace highlights.
  std::vector<uint64_t> highlight;
  for (const CycleEdge& e : cycle->edges) {
    if (!e.earlier_execution) highlight.insert(highlight.end(), {e.held_step, e.taken_step});
  }
  // A site in a system header (std::lock_guard) says nothing: the evidence names the user's lines.
  ex.fail_highlighting(evidence_of(*cycle, ex), prefer_pc(where, pc) ? weft::source_location{} : where,
                       std::move(highlight));
}

}  // namespace weft::detail
