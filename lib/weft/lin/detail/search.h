// The just-in-time linearizability search (Wing & Gong 1993, Lowe 2017) with
// memoization and the verdict-preserving reductions listed in Reductions.
//
// A search node is (segment, set of linearized operations of that segment,
// model state). From a node, the candidates are the operations not yet
// linearized whose call is no later than the earliest return of a pending
// operation with a known outcome: any of them may be linearized next without
// breaking real-time order. Operations whose outcome is unknown are optional:
// the search succeeds once every operation with a known outcome is linearized.
// A node that failed is remembered and never searched again.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "weft/lin/check_result.h"
#include "weft/lin/detail/bits.h"
#include "weft/lin/detail/deadline.h"
#include "weft/lin/history.h"
#include "weft/lin/model.h"

namespace weft::lin::detail {

enum class Outcome { kLinearizable, kNotLinearizable, kTimedOut };

struct SearchResult {
  Outcome outcome = Outcome::kTimedOut;
  std::vector<std::size_t> linearization;  // history indices, when linearizable
};

// One part of a history, sorted by call time and cut into segments.
template <class Input, class Output>
struct Prepared {
  std::vector<std::size_t> original;  // position -> index in the history
  std::vector<const Input*> input;
  std::vector<const Output*> output;  // nullptr: outcome unknown (optional)
  std::vector<Time> call;
  std::vector<Time> ret;  // kEndOfTime for optional operations
  // The model says the operation never changes a state it is legal in.
  std::vector<char> read_only;
  // Segment s holds positions [segment_begin[s], segment_begin[s + 1]).
  std::vector<std::uint32_t> segment_begin;
  // Per segment: its operations with a known outcome, by return time.
  std::vector<std::vector<std::uint32_t>> by_return;
  // Per position: identical operations in its segment whose interval starts
  // and ends no later (see canonical_identical). While one of them is not
  // linearized, this one is not tried.
  std::vector<std::vector<std::uint32_t>> dominators;
  std::size_t max_segment = 0;

  std::size_t segments() const { return segment_begin.size() - 1; }
};

template <Model M>
Prepared<typename M::Input, typename M::Output> prepare(const M& model,
                                                       const HistoryOf<M>& history,
                                                       const std::vector<std::size_t>& subset,
                                                       const Reductions& reductions) {
  Prepared<typename M::Input, typename M::Output> p;
  p.original = subset;
  std::stable_sort(p.original.begin(), p.original.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = history[a];
    const auto& y = history[b];
    if (x.call != y.call) return x.call < y.call;
    return x.effective_return() < y.effective_return();
  });
  const std::size_t n = p.original.size();
  for (std::size_t i : p.original) {
    const auto& op = history[i];
    p.input.push_back(&op.input);
    p.output.push_back(op.output ? &*op.output : nullptr);
    p.call.push_back(op.call);
    p.ret.push_back(op.effective_return());
    bool read_only = false;
    if constexpr (HasReadOnly<M>) {
      read_only = reductions.greedy_read_only && model.read_only(op.input, op.output);
    }
    p.read_only.push_back(read_only);
  }

  // A cut before position i is sound when every earlier operation returned
  // strictly before i was called: all of them precede all later ones in any
  // linearization, so nodes of later segments need not remember them.
  p.segment_begin.push_back(0);
  Time max_return = std::numeric_limits<Time>::min();
  for (std::size_t i = 0; i < n; ++i) {
    if (reductions.cut_quiescent && i > 0 && max_return < p.call[i]) {
      p.segment_begin.push_back(static_cast<std::uint32_t>(i));
    }
    max_return = std::max(max_return, p.ret[i]);
  }
  p.segment_begin.push_back(static_cast<std::uint32_t>(n));

  p.by_return.resize(p.segments());
  p.dominators.resize(n);
  for (std::size_t s = 0; s < p.segments(); ++s) {
    const std::uint32_t begin = p.segment_begin[s];
    const std::uint32_t end = p.segment_begin[s + 1];
    p.max_segment = std::max<std::size_t>(p.max_segment, end - begin);
    auto& order = p.by_return[s];
    for (std::uint32_t i = begin; i < end; ++i) {
      if (p.output[i] != nullptr) order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return p.ret[a] < p.ret[b]; });
    if (!reductions.canonical_identical) continue;
    // j dominates i when both are identical, j's interval starts and ends no
    // later than i's, and they overlap (if j returned before i was called, j
    // is always linearized first anyway). Exchanging the two in any
    // linearization keeps it valid, so trying j before i loses nothing.
    for (std::uint32_t i = begin; i < end; ++i) {
      for (std::uint32_t j = begin; j < i; ++j) {
        if (p.ret[j] < p.call[i] || p.ret[j] > p.ret[i]) continue;
        if ((p.output[i] == nullptr) != (p.output[j] == nullptr)) continue;
        if (!(*p.input[i] == *p.input[j])) continue;
        if (p.output[i] != nullptr && !(*p.output[i] == *p.output[j])) continue;
        p.dominators[i].push_back(j);
      }
    }
  }
  return p;
}

template <Model M, class Bits>
class Searcher {
 public:
  using State = typename M::State;
  using P = Prepared<typename M::Input, typename M::Output>;

  Searcher(const M& model, const P& prepared, const Reductions& reductions, Deadline& deadline,
           CheckStats& stats)
      : model_(model), p_(prepared), reductions_(reductions), deadline_(deadline), stats_(stats) {}

  SearchResult run() {
    Frame root{model_.initial(), {}, 0, 0, 0, 0, 0};
    root.bits.clear(p_.max_segment);
    root.first_open = p_.segment_begin[0];
    root.next = root.first_open;
    switch (settle(root)) {
      case Settled::kDone:
        return success();
      case Settled::kSeen:  // unreachable: the memo is empty
      case Settled::kOpen:
        break;
    }
    stack_.push_back(std::move(root));

    while (!stack_.empty()) {
      if (deadline_.expired()) return {Outcome::kTimedOut, {}};
      Frame& f = stack_.back();
      const auto& order = p_.by_return[f.segment];
      const Time min_return = f.return_cursor < order.size() ? p_.ret[order[f.return_cursor]]
                                                             : kEndOfTime;
      const std::uint32_t base = p_.segment_begin[f.segment];
      const std::uint32_t end = p_.segment_begin[f.segment + 1];
      bool descended = false;
      for (std::uint32_t i = f.next; i < end && p_.call[i] <= min_return; ++i) {
        if (f.bits.test(i - base) || dominated(f, i)) continue;
        std::optional<State> next = apply(f.state, i);
        if (!next) continue;
        f.next = i + 1;
        Frame child{std::move(*next), f.bits, f.segment, f.first_open, f.return_cursor, 0,
                    static_cast<std::uint32_t>(trail_.size())};
        child.bits.set(i - base);
        trail_.push_back(i);
        const Settled settled = settle(child);
        if (settled == Settled::kDone) return success();
        if (settled == Settled::kSeen) {
          trail_.resize(child.trail_size);
          continue;
        }
        stack_.push_back(std::move(child));  // invalidates f
        descended = true;
        break;
      }
      if (!descended) {
        trail_.resize(stack_.back().trail_size);
        stack_.pop_back();
      }
    }
    return {Outcome::kNotLinearizable, {}};
  }

 private:
  struct Frame {
    State state;
    Bits bits;                     // linearized operations of this segment
    std::uint32_t segment;
    std::uint32_t first_open;      // first position of the segment not linearized
    std::uint32_t return_cursor;   // into by_return[segment]: first not linearized
    std::uint32_t next;            // next candidate position to try
    std::uint32_t trail_size;      // trail_ length before this node's operations
  };

  struct Key {
    Bits bits;
    State state;
    std::uint32_t segment;
    bool operator==(const Key&) const = default;
    template <class H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h), k.bits, k.state, k.segment);
    }
  };

  enum class Settled { kOpen, kSeen, kDone };

  std::optional<State> apply(const State& state, std::uint32_t i) {
    ++stats_.steps;
    if (p_.output[i] != nullptr) return model_.step(state, *p_.input[i], *p_.output[i]);
    if constexpr (HasStepUnknown<M>) {
      return model_.step_unknown(state, *p_.input[i]);
    } else {
      return std::nullopt;  // check() refuses such histories before searching
    }
  }

  bool dominated(const Frame& f, std::uint32_t i) const {
    const std::uint32_t base = p_.segment_begin[f.segment];
    for (std::uint32_t j : p_.dominators[i]) {
      if (!f.bits.test(j - base)) return true;
    }
    return false;
  }

  // Brings a new node to the point where it must branch: skips linearized
  // operations in the cursors, moves on to the next segment when this one is
  // done, and applies greedy linearizations. Then records it in the memo.
  Settled settle(Frame& f) {
    ++stats_.nodes;
    for (;;) {
      const auto& order = p_.by_return[f.segment];
      const std::uint32_t base = p_.segment_begin[f.segment];
      while (f.return_cursor < order.size() && f.bits.test(order[f.return_cursor] - base)) {
        ++f.return_cursor;
      }
      if (f.return_cursor == order.size()) {
        // Every operation with a known outcome in this segment is linearized.
        // Only the last segment can hold optional operations (they never
        // return, so no cut follows them); they may simply not have happened.
        if (f.segment + 1 == p_.segments()) return Settled::kDone;
        ++f.segment;
        f.bits.clear(p_.max_segment);
        f.first_open = p_.segment_begin[f.segment];
        f.return_cursor = 0;
        continue;
      }
      const std::uint32_t end = p_.segment_begin[f.segment + 1];
      while (f.first_open < end && f.bits.test(f.first_open - base)) ++f.first_open;
      if (!reductions_.greedy_read_only || !apply_greedy(f)) break;
    }
    f.next = f.first_open;
    if (reductions_.memoize && !memo_.insert(Key{f.bits, f.state, f.segment}).second) {
      return Settled::kSeen;
    }
    return Settled::kOpen;
  }

  // Linearizes one read-only candidate that is legal now, if there is one.
  // This keeps the verdict exact: take any linearization of the rest from this
  // node and move that operation to its front. Real-time order still holds,
  // because every operation that returned before it was called is already
  // linearized (it is a candidate); the model accepts it, because it is legal
  // in this state; and every other operation sees the same state as before,
  // because the operation changes no state wherever it is legal. (Leaving the
  // state unchanged *here* would not do: a write of the current value, or an
  // unknown-outcome CAS that would fail now, may matter later.) So a
  // linearization exists from this node if and only if one exists after
  // linearizing it.
  bool apply_greedy(Frame& f) {
    const auto& order = p_.by_return[f.segment];
    const Time min_return = p_.ret[order[f.return_cursor]];
    const std::uint32_t base = p_.segment_begin[f.segment];
    const std::uint32_t end = p_.segment_begin[f.segment + 1];
    for (std::uint32_t i = f.first_open; i < end && p_.call[i] <= min_return; ++i) {
      if (!p_.read_only[i] || f.bits.test(i - base)) continue;
      if (apply(f.state, i)) {
        f.bits.set(i - base);
        trail_.push_back(i);
        return true;
      }
    }
    return false;
  }

  SearchResult success() {
    SearchResult r{Outcome::kLinearizable, {}};
    r.linearization.reserve(trail_.size());
    for (std::uint32_t i : trail_) r.linearization.push_back(p_.original[i]);
    return r;
  }

  const M& model_;
  const P& p_;
  const Reductions& reductions_;
  Deadline& deadline_;
  CheckStats& stats_;
  std::vector<Frame> stack_;
  std::vector<std::uint32_t> trail_;  // positions linearized on the current path
  absl::flat_hash_set<Key> memo_;
};

// Searches one part (subset of history indices) of a history.
template <Model M>
SearchResult search(const M& model, const HistoryOf<M>& history,
                    const std::vector<std::size_t>& subset, const Reductions& reductions,
                    Deadline& deadline, CheckStats& stats) {
  const auto prepared = prepare(model, history, subset, reductions);
  const std::size_t size = prepared.max_segment;
  if (size <= 64) return Searcher<M, FixedBits<1>>(model, prepared, reductions, deadline, stats).run();
  if (size <= 128) return Searcher<M, FixedBits<2>>(model, prepared, reductions, deadline, stats).run();
  if (size <= 256) return Searcher<M, FixedBits<4>>(model, prepared, reductions, deadline, stats).run();
  if (size <= 512) return Searcher<M, FixedBits<8>>(model, prepared, reductions, deadline, stats).run();
  if (size <= 2048) return Searcher<M, FixedBits<32>>(model, prepared, reductions, deadline, stats).run();
  return Searcher<M, DynamicBits>(model, prepared, reductions, deadline, stats).run();
}

}  // namespace weft::lin::detail
