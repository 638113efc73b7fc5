// Reads guide the general search (search.h): a model may specialize
// ReadGuide<M> to declare nodes dead and to forget values no read can see
// any more. This file has the interface, the default (no guide) and what
// the guides of the models share; each model's guide has its own file
// (kv_read_guide.h, register_read_guide.h).
//
//   ReadGuide<M> guide(model, prepared, reductions);   // per part
//   if (!guide.after_step(before, after, op, view, is_linearized)) { /* dead */ }
//   guide.forget_unseen(state, op, view, is_linearized);   // after a greedy read
//   if (guide.dead(state, view, is_linearized)) { /* no linearization */ }
//   n = guide.preferred(state, view, is_linearized, first);  // optional: try these first
//
// A guide must keep the verdict exact, and the memo (failed_nodes.h) exact:
//  - dead(): the node has no completion (no order of the operations still
//    to come, within real time, that the model accepts).
//  - after_step(): after operation `op` took the state from `before` to
//    `after`, false when the node it leads to has no completion (what the
//    step changed may doom operations dead() would only look at later);
//    otherwise forget_unseen() on `after`.
//  - forget_unseen(): the state may be replaced by another only when every
//    completion from the one node is a completion from the other, for every
//    set of operations still to come that a node with the same linearized
//    required operations could have (the memo prunes a node whose failed
//    twin could still use more optional operations). A guide does that by
//    mapping only states no operation still to come can tell apart to one
//    fixed state, which stands for all of them.
//  - preferred() (optional; a guide without it names none): up to
//    kPreferred candidates the search should try first at a node, best
//    first. It only orders the search, so it need not be exact: the search
//    tries every other candidate after them, as it would have.
// All see operations through `is_linearized` (a position in the part ->
// whether the node has linearized it); reports replay linearizations
// through the model, so a forgotten state is never shown.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "weft/lin/check_result.h"
#include "weft/lin/detail/prepared.h"
#include "weft/lin/history.h"

namespace weft::lin::detail {

// How many candidates a guide may name to be tried first at a node.
inline constexpr std::size_t kPreferred = 4;

// What a node tells the guide: where the search is.
struct NodeView {
  std::uint32_t segment = 0;
  std::uint32_t first_open = 0;  // index into required[segment]: first not linearized
  Time bound = 0;                // earliest return of a required operation not linearized
  Time max_call = 0;             // latest call among linearized operations
};

// Models without a guide of their own: the plain search.
template <class M>
class ReadGuide {
 public:
  template <class P>
  ReadGuide(const M& /*model*/, const P& /*prepared*/, const Reductions& /*reductions*/) {}
  template <class IsLinearized>
  bool dead(const typename M::State& /*state*/, const NodeView& /*node*/, IsLinearized /*is_linearized*/) const {
    return false;
  }
  template <class IsLinearized>
  bool after_step(const typename M::State& /*before*/, typename M::State& /*after*/, std::uint32_t /*op*/,
                  const NodeView& /*node*/, IsLinearized /*is_linearized*/) const {
    return true;
  }
  template <class IsLinearized>
  void forget_unseen(typename M::State& /*state*/, std::uint32_t /*op*/, const NodeView& /*node*/,
                     IsLinearized /*is_linearized*/) const {}
};

// Which operations of a part a node may still linearize, for the guides.
template <class P>
class StillToCome {
 public:
  explicit StillToCome(const P& p) : p_(p) {}

  // Whether operation j may still be linearized from the node: a required
  // one of an earlier segment is linearized, one of a later segment is not;
  // an optional one until the node uses it or it is too late (a linearized
  // operation was called after it returned).
  template <class IsLinearized>
  bool operation(std::uint32_t j, const NodeView& node, IsLinearized is_linearized) const {
    if (p_.output[j] == nullptr) return p_.ret[j] >= node.max_call && !is_linearized(j);
    if (j < p_.segment_begin[node.segment]) return false;
    return j >= p_.segment_begin[node.segment + 1] || !is_linearized(j);
  }

  // The position of the node's first required operation not linearized: all
  // required ones before it are (so a scan of operations still to come, by
  // position, starts there).
  std::uint32_t first_open_position(const NodeView& node) const {
    const auto required = p_.required[node.segment];
    return node.first_open < required.size() ? required[node.first_open] : p_.segment_begin[node.segment + 1];
  }

  // Whether one of `setters` (positions, by call), the operations that can
  // give read i the value it returned, can still be linearized before i:
  // not i itself, still to come (operation()), called no later than i
  // returns and returning no earlier than `not_before` (when it must follow
  // an operation called then) and, when `usable` is given, for which
  // usable(j) holds (a guide's further condition). The latest-called ones
  // are tried first: earlier ones are the likelier to be linearized
  // already. After kScan of them it answers yes, which only keeps a node
  // the guide could have refuted.
  template <class IsLinearized, class Usable = bool (*)(std::uint32_t)>
  bool setter(
      std::span<const std::uint32_t> setters, std::uint32_t i, const NodeView& node, IsLinearized is_linearized,
      Time not_before = std::numeric_limits<Time>::min(),
      Usable usable = [](std::uint32_t /*j*/) { return true; }) const {
    constexpr int kScan = 64;
    int scanned = 0;
    const auto last = std::upper_bound(setters.begin(), setters.end(), p_.ret[i],
                                       [&](Time t, std::uint32_t j) { return t < p_.call[j]; });
    for (auto it = last; it != setters.begin();) {
      const std::uint32_t j = *--it;
      if (j == i) continue;
      if (++scanned > kScan) return true;
      if (p_.ret[j] >= not_before && operation(j, node, is_linearized) && usable(j)) return true;
    }
    return false;
  }

 private:
  const P& p_;
};

}  // namespace weft::lin::detail
