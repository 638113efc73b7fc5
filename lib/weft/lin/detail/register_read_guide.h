// Reads guide the search of CAS-register histories (RegisterModel): a node
// is dead when a read not yet linearized can no longer return its value, and
// a value no operation still to come can tell from another is forgotten. The
// interface, and what it must keep exact, is in read_guide.h:
//
//   ReadGuide<RegisterModel> guide(model, prepared, reductions);   // per part
//   guide.forget_unseen(state, op, view, is_linearized);           // after a step
//   if (guide.dead(state, view, is_linearized)) { /* no linearization */ }
//
// The general search tries the concurrent writes in every order. A read, or
// a compare-and-set that succeeded (it read its expected value), shows which
// write went last before it. Two uses of that, as for kv (kv_read_guide.h):
//
//  - Dead nodes. A read r of v that is not linearized needs the register to
//    hold v when it is linearized, so the last operation before r that
//    changed the register set v: a write(v), or a compare-and-set (_, v)
//    that succeeded or whose outcome is unknown. Call those r's setters
//    (a compare-and-set (v, v) is not its own). Every operation that
//    returned before r was called goes before r; of those that set another
//    value (known writes and successful compare-and-sets), let w be the one
//    called last (fixed per read, before the search). The node is dead when
//    r needs a setter (the register does not hold v, or w, not linearized
//    yet, will overwrite it) and none is still to come that can go after w
//    and before r: not linearized, for an unknown outcome not too late,
//    called no later than r returns and, while w is not linearized,
//    returning no earlier than w was called. Reads called by the node's
//    bound and a few after it are checked at every node; before the search
//    every read is checked from the initial state, which refutes at once a
//    read of a value that was certainly overwritten before it began (a
//    stale read, wherever it is in the history). Reads of nil are reads of
//    a value like any other: only writes and compare-and-sets of nil set it.
//  - Unseen values. When the value is read by no read still to come and is
//    the expected value of no compare-and-set still to come (of any outcome:
//    a failed one compares too), no operation still to come can tell it from
//    another such value: up to the next write or compare-and-set that sets
//    the register, no read can be linearized (none returns it), no
//    compare-and-set can succeed and every one fails; from then on the two
//    runs are the same. So every completion from the node is one from the
//    same node with any other such value, and the value is replaced by one
//    fixed value (`unseen_`) that no operation of the part reads, compares
//    or writes. The orders of writes that a later write overwrites unseen
//    then end in one memoized node. "Still to come" is taken over every
//    operation a node with the same linearized required operations and
//    fewer optional ones available could use, so the memo's pruning by
//    available sets stays exact (read_guide.h).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "weft/lin/check_result.h"
#include "weft/lin/detail/flat_lists.h"
#include "weft/lin/detail/prepared.h"
#include "weft/lin/detail/read_guide.h"
#include "weft/lin/history.h"
#include "weft/lin/models/register.h"

namespace weft::lin::detail {

template <>
class ReadGuide<RegisterModel> {
 public:
  using M = RegisterModel;
  using P = Prepared<M::Input, M::Output>;
  using Value = M::State;

  ReadGuide(const M& model, const P& p, const Reductions& reductions) : p_(p), to_come_(p) {
    if (!reductions.register_reads_guide_writes) return;
    enabled_ = true;
    const auto n = static_cast<std::uint32_t>(p.input.size());
    reads_.assign(n, Read{});
    ids_.reserve(n);
    values_.reserve(n);
    // Per position, as ids into values_ (kNone: none): the value it may set
    // (a write, a compare-and-set that succeeded or whose outcome is
    // unknown) and the value it reads or compares.
    std::vector<std::uint32_t> sets(n, kNone);
    std::vector<std::uint32_t> observes(n, kNone);
    for (std::uint32_t i = 0; i < n; ++i) {
      const M::Input& in = *p.input[i];
      const M::Output* out = p.output[i];
      switch (in.kind) {
        case M::Kind::kRead:
          if (out != nullptr) reads_[i].value = observes[i] = id_of(out->value);
          break;
        case M::Kind::kWrite:
          sets[i] = id_of(in.value);
          break;
        case M::Kind::kCas:
          observes[i] = id_of(in.value);
          if (out != nullptr && out->ok) reads_[i].value = observes[i];
          if (out == nullptr || out->ok) sets[i] = id_of(in.swap);
          break;
      }
    }
    // The lists per value, in two passes (count, then fill), by position.
    const std::size_t values = values_.size();
    setters_ = FlatLists(values);
    required_observers_ = FlatLists(values);
    optional_observers_ = FlatLists(values);
    const auto each_list = [&](auto visit) {
      for (std::uint32_t i = 0; i < n; ++i) {
        if (sets[i] != kNone) visit(setters_, sets[i], i);
        if (observes[i] == kNone) continue;
        visit(p.output[i] != nullptr ? required_observers_ : optional_observers_, observes[i], i);
      }
    };
    each_list([](FlatLists& lists, std::uint32_t value, std::uint32_t /*i*/) { lists.count(value); });
    setters_.start();
    required_observers_.start();
    optional_observers_.start();
    each_list([](FlatLists& lists, std::uint32_t value, std::uint32_t i) { lists.add(value, i); });
    for (std::size_t v = 0; v < values; ++v) {
      const std::span<std::uint32_t> optional = optional_observers_.mutable_list(v);
      std::sort(optional.begin(), optional.end(),
                [&](std::uint32_t a, std::uint32_t b) { return p.ret[a] != p.ret[b] ? p.ret[a] < p.ret[b] : a < b; });
    }
    find_last_overwriters(sets);
    // A value no operation reads, compares or writes; there is always one,
    // since a part has fewer operations than int64 has values.
    unseen_ = std::numeric_limits<Value>::max();
    while (ids_.contains(unseen_)) --unseen_;
    // Every read, from the initial state, where nothing is linearized yet.
    const auto nothing = [](std::uint32_t /*j*/) { return false; };
    const NodeView root{0, 0, std::numeric_limits<Time>::min(), std::numeric_limits<Time>::min()};
    for (std::uint32_t i = 0; i < n && !refuted_; ++i) {
      refuted_ = reads_[i].value != kNone && !can_read(i, model.initial(), root, nothing);
    }
  }

  // Whether a read (or successful compare-and-set) not yet linearized in the
  // node's segment can no longer find its value. Those called by the node's
  // bound are checked, and the next few after it (later ones almost always
  // have a write to come).
  template <class IsLinearized>
  bool dead(const Value& state, const NodeView& node, IsLinearized is_linearized) const {
    if (!enabled_) return false;
    if (refuted_) return true;
    constexpr int kBeyondBound = 4;
    int beyond = 0;
    const auto& required = p_.required[node.segment];
    for (std::size_t k = node.first_open; k < required.size(); ++k) {
      const std::uint32_t i = required[k];
      if (p_.call[i] > node.bound && ++beyond > kBeyondBound) break;
      if (reads_[i].value == kNone || is_linearized(i)) continue;
      if (!can_read(i, state, node, is_linearized)) {
        return true;
      }
    }
    return false;
  }

  // After a step from `before` to `after` by operation `op`: false when a
  // read of either value can no longer find it (checked here because such a
  // read may be far beyond the window dead() looks at: a write placed too
  // early, before the last overwriter of a later read of its value, or a
  // value overwritten while reads far ahead still need it and no write of it
  // is to come). Otherwise forgets `after` if nothing still to come sees it.
  template <class IsLinearized>
  bool after_step(const Value& before, Value& after, std::uint32_t op, const NodeView& node,
                  IsLinearized is_linearized) const {
    if (!enabled_) return true;
    if (before != after && before != unseen_ && !readers_can_read(before, after, node, is_linearized)) return false;
    if (p_.input[op]->kind != M::Kind::kRead && !readers_can_read(after, after, node, is_linearized)) return false;
    forget_unseen(after, op, node, is_linearized);
    return true;
  }

  // After a step into `state`: if no operation still to come reads or
  // compares the value, replaces it by unseen_.
  template <class IsLinearized>
  void forget_unseen(Value& state, std::uint32_t /*op*/, const NodeView& node, IsLinearized is_linearized) const {
    if (!enabled_ || state == unseen_) return;
    if (const auto it = ids_.find(state); it != ids_.end()) {
      const ValueOps ops = ops_of(it->second);
      // Required ones before the node's first open one are linearized;
      // optional ones that returned before max_call are too late. A long
      // run of linearized ones after those is taken as seen, not scanned.
      constexpr int kScan = 64;
      int scanned = 0;
      for (auto k = std::lower_bound(ops.required_observers.begin(), ops.required_observers.end(),
                                     to_come_.first_open_position(node));
           k != ops.required_observers.end(); ++k) {
        if (++scanned > kScan || to_come_.operation(*k, node, is_linearized)) return;
      }
      for (auto k = std::lower_bound(ops.optional_observers.begin(), ops.optional_observers.end(), node.max_call,
                                     [&](std::uint32_t j, Time t) { return p_.ret[j] < t; });
           k != ops.optional_observers.end(); ++k) {
        if (++scanned > kScan || to_come_.operation(*k, node, is_linearized)) return;
      }
    }
    state = unseen_;
  }

 private:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  // A value and its operations (views into the lists per value).
  struct ValueOps {
    Value value;
    std::span<const std::uint32_t> setters;  // writes and compare-and-sets that may set it, by call
    // Reads that returned it and compare-and-sets expecting it: those with
    // a known outcome by position, those with an unknown one by return.
    std::span<const std::uint32_t> required_observers;
    std::span<const std::uint32_t> optional_observers;
  };
  ValueOps ops_of(std::uint32_t id) const {
    return {values_[id], setters_[id], required_observers_[id], optional_observers_[id]};
  }

  // Per position, for a read or a successful compare-and-set.
  struct Read {
    std::uint32_t value = kNone;  // the value it needs (into values_); kNone: not a read
    // Of the known writes and successful compare-and-sets of another value
    // that returned before it was called, the one called last (kNone: none).
    std::uint32_t last_overwriter = kNone;
  };

  std::uint32_t id_of(Value v) {
    const auto [it, inserted] = ids_.try_emplace(v, static_cast<std::uint32_t>(values_.size()));
    if (inserted) values_.push_back(v);
    return it->second;
  }

  // Whether the first few reads of `value` still to come (after the node's
  // first open operation) can still find it from a node holding `state`.
  template <class IsLinearized>
  bool readers_can_read(const Value& value, const Value& state, const NodeView& node,
                        IsLinearized is_linearized) const {
    const auto it = ids_.find(value);
    if (it == ids_.end()) return true;
    const std::span<const std::uint32_t> observers = required_observers_[it->second];
    constexpr int kReads = 8;
    int reads = 0;
    for (auto k = std::lower_bound(observers.begin(), observers.end(), to_come_.first_open_position(node));
         k != observers.end() && reads < kReads; ++k) {
      const std::uint32_t j = *k;
      if (reads_[j].value != it->second || !to_come_.operation(j, node, is_linearized)) continue;
      ++reads;
      if (!can_read(j, state, node, is_linearized)) return false;
    }
    return true;
  }

  // Whether read i can still find its value from a node holding `state`.
  template <class IsLinearized>
  bool can_read(std::uint32_t i, const Value& state, const NodeView& node, IsLinearized is_linearized) const {
    const ValueOps wanted = ops_of(reads_[i].value);
    const std::uint32_t w = reads_[i].last_overwriter;
    const bool overwrite_to_come = w != kNone && to_come_.operation(w, node, is_linearized);
    if (wanted.value == state && !overwrite_to_come) return true;
    return to_come_.setter(wanted.setters, i, node, is_linearized,
                           overwrite_to_come ? p_.call[w] : std::numeric_limits<Time>::min());
  }

  // Fills Read::last_overwriter: reads by call, known setters by return,
  // keeping the latest-called setter and the latest-called one of another
  // value than that one's (enough to answer for any value).
  // `sets`: per position, the value it may set (see the constructor); for
  // a known outcome, a write or a successful compare-and-set.
  void find_last_overwriters(const std::vector<std::uint32_t>& sets) {
    std::vector<std::uint32_t> reads;
    std::vector<std::uint32_t> setters;
    reads.reserve(reads_.size());
    setters.reserve(reads_.size());
    for (std::uint32_t i = 0; i < reads_.size(); ++i) {
      if (reads_[i].value != kNone) reads.push_back(i);
      if (p_.output[i] != nullptr && sets[i] != kNone) setters.push_back(i);
    }
    if (reads.empty()) return;
    std::sort(setters.begin(), setters.end(),
              [&](std::uint32_t a, std::uint32_t b) { return p_.ret[a] != p_.ret[b] ? p_.ret[a] < p_.ret[b] : a < b; });
    std::uint32_t best = kNone;    // called last
    std::uint32_t second = kNone;  // called last among those setting another value than best
    auto later = [&](std::uint32_t a, std::uint32_t b) { return b == kNone || p_.call[a] > p_.call[b]; };
    std::size_t k = 0;
    for (const std::uint32_t r : reads) {  // by call (positions are)
      for (; k < setters.size() && p_.ret[setters[k]] < p_.call[r]; ++k) {
        const std::uint32_t s = setters[k];
        if (best != kNone && sets[s] == sets[best]) {
          if (later(s, best)) best = s;
        } else if (later(s, best)) {
          second = best;
          best = s;
        } else if (later(s, second)) {
          second = s;
        }
      }
      reads_[r].last_overwriter = best != kNone && sets[best] != reads_[r].value ? best : second;
    }
  }

  const P& p_;
  const StillToCome<P> to_come_;
  bool enabled_ = false;
  bool refuted_ = false;                           // some read can find its value in no linearization
  absl::flat_hash_map<Value, std::uint32_t> ids_;  // value -> index into values_
  std::vector<Value> values_;                      // the values, by id
  FlatLists setters_;                              // per value, as in ValueOps
  FlatLists required_observers_;
  FlatLists optional_observers_;
  std::vector<Read> reads_;  // per position
  Value unseen_ = 0;
};

}  // namespace weft::lin::detail
