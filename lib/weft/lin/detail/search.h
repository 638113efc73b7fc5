// The just-in-time linearizability search (Wing & Gong 1993, Lowe 2017) with
// memoization and the verdict-preserving reductions listed in Reductions.
//
// A search node is (segment, operations of that segment linearized so far,
// model state). Operations with a known outcome are *required*; those with an
// unknown outcome are *optional*: they may be linearized between their call
// and return, or never, so the search succeeds once every required operation
// is linearized. From a node, the candidates are the operations not yet
// linearized whose call is no later than the earliest return of a required
// operation not yet linearized: any of them may go next without breaking
// real-time order. An optional operation is also out once an operation called
// after its return has been linearized.
//
// Failed nodes are remembered. Because optional operations never have to be
// used, a node is also hopeless when a failed node had the same required
// operations and state and could still use every optional operation this one
// can (every completion of this node is one of that node). So the memo keeps,
// per (required set, state), the available optional sets that failed.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "weft/lin/check_result.h"
#include "weft/lin/detail/bits.h"
#include "weft/lin/detail/deadline.h"
#include "weft/lin/history.h"
#include "weft/lin/model.h"

namespace weft::lin::detail {

enum class Outcome { kLinearizable, kNotLinearizable, kTimedOut, kPaused };

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
  std::vector<Time> ret;
  // The model says the operation never changes a state it is legal in.
  std::vector<char> read_only;
  // Per position: its bit in the node's required set (required operations,
  // counted from the segment's start) or in its optional set (optional ones,
  // counted over the whole part).
  std::vector<std::uint32_t> bit;
  // Segment s holds positions [segment_begin[s], segment_begin[s + 1]).
  std::vector<std::uint32_t> segment_begin;
  // Per segment, by call: its required operations.
  std::vector<std::vector<std::uint32_t>> required;
  // All optional operations: first those that never return, then those
  // that do, each by call. They are not bound to segments: one called before
  // a cut may still take effect after it, until its return.
  std::vector<std::uint32_t> optional;
  std::size_t forever = 0;  // optional[0, forever) never return
  // Per segment: its required operations by return time.
  std::vector<std::vector<std::uint32_t>> by_return;
  // Per position: identical operations in its segment whose interval starts
  // and ends no later (see canonical_identical). While one of them is not
  // linearized, this one is not tried.
  std::vector<std::vector<std::uint32_t>> dominators;
  std::size_t max_bits = 1;

  std::size_t segments() const { return segment_begin.size() - 1; }
};

template <Model M>
Prepared<typename M::Input, typename M::Output> prepare(const M& model, const HistoryOf<M>& history,
                                                        std::vector<std::size_t> subset, const Reductions& reductions) {
  Prepared<typename M::Input, typename M::Output> p;
  auto is_read_only = [&](std::size_t i) {
    if constexpr (HasReadOnly<M>) {
      return reductions.greedy_read_only && static_cast<bool>(model.read_only(history[i].input, history[i].output));
    } else {
      return false;
    }
  };
  // An optional operation that changes nothing can always be left out.
  std::erase_if(subset, [&](std::size_t i) { return !history[i].output && is_read_only(i); });
  std::stable_sort(subset.begin(), subset.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = history[a];
    const auto& y = history[b];
    if (x.call != y.call) return x.call < y.call;
    return x.ret < y.ret;
  });
  p.original = subset;
  const std::size_t n = subset.size();
  for (std::size_t i : subset) {
    const auto& op = history[i];
    p.input.push_back(&op.input);
    p.output.push_back(op.output ? &*op.output : nullptr);
    p.call.push_back(op.call);
    p.ret.push_back(op.ret);
    p.read_only.push_back(is_read_only(i));
  }

  // A cut before position i is sound when every earlier required operation
  // returned strictly before i was called: they all precede every later
  // operation in any linearization, so nodes of later segments need not
  // remember them. Optional operations do not stop cuts (a timed-out call
  // would otherwise stop all cuts after it); they stay candidates across
  // cuts, tracked over the whole part.
  p.segment_begin.push_back(0);
  Time max_return = std::numeric_limits<Time>::min();
  for (std::size_t i = 0; i < n; ++i) {
    if (reductions.cut_quiescent && i > 0 && max_return < p.call[i]) {
      p.segment_begin.push_back(static_cast<std::uint32_t>(i));
    }
    if (p.output[i] != nullptr) max_return = std::max(max_return, p.ret[i]);
  }
  p.segment_begin.push_back(static_cast<std::uint32_t>(n));

  const std::size_t segments = p.segments();
  p.required.resize(segments);
  p.by_return.resize(segments);
  p.dominators.resize(n);
  p.bit.resize(n);
  for (std::size_t s = 0; s < segments; ++s) {
    const std::uint32_t begin = p.segment_begin[s];
    const std::uint32_t end = p.segment_begin[s + 1];
    for (std::uint32_t i = begin; i < end; ++i) {
      if (p.output[i] != nullptr) {
        p.bit[i] = static_cast<std::uint32_t>(p.required[s].size());
        p.required[s].push_back(i);
      } else {
        p.optional.push_back(i);
      }
    }
    p.max_bits = std::max(p.max_bits, p.required[s].size());
    auto& order = p.by_return[s];
    order = p.required[s];
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return p.ret[a] < p.ret[b]; });
  }
  // Optional operations that never return first: they stay candidates to
  // the end, so the cursor over the others (Frame::first_optional) can skip
  // those that are used or too late without being held up by them.
  std::stable_partition(p.optional.begin(), p.optional.end(), [&](std::uint32_t i) { return p.ret[i] == kEndOfTime; });
  p.forever = static_cast<std::size_t>(
      std::count_if(p.optional.begin(), p.optional.end(), [&](std::uint32_t i) { return p.ret[i] == kEndOfTime; }));
  for (std::size_t k = 0; k < p.optional.size(); ++k) p.bit[p.optional[k]] = static_cast<std::uint32_t>(k);
  p.max_bits = std::max(p.max_bits, p.optional.size());
  if (reductions.canonical_identical) {
    // j dominates i when both are identical, j's interval starts and ends no
    // later than i's, and they overlap (if j returned before i was called, j
    // is linearized first anyway). Exchanging the two in any linearization
    // keeps it valid (the model sees the same operations; j's earlier call
    // and return only relax real time), so trying j first loses nothing.
    // An optional operation may be left out, and putting an earlier-returning
    // one in its place could break real time: optional operations are only
    // exchanged with optional ones of the same return. Only the last
    // kWindow candidates are compared, which keeps this linear on long
    // histories (a missed pair costs pruning, never exactness).
    constexpr std::size_t kWindow = 64;
    auto identical = [&](std::uint32_t i, std::uint32_t j) {
      if (!(*p.input[i] == *p.input[j])) return false;
      return p.output[i] == nullptr || *p.output[i] == *p.output[j];
    };
    for (std::size_t s = 0; s < segments; ++s) {
      const auto& list = p.required[s];
      for (std::size_t a = 0; a < list.size(); ++a) {
        for (std::size_t b = a > kWindow ? a - kWindow : 0; b < a; ++b) {
          const std::uint32_t i = list[a], j = list[b];
          if (p.ret[j] < p.call[i] || p.ret[j] > p.ret[i] || !identical(i, j)) continue;
          p.dominators[i].push_back(j);
        }
      }
    }
    for (std::size_t a = 0; a < p.optional.size(); ++a) {
      for (std::size_t b = a > kWindow ? a - kWindow : 0; b < a; ++b) {
        const std::uint32_t i = p.optional[a], j = p.optional[b];
        if (p.ret[j] != p.ret[i] || !identical(i, j)) continue;
        p.dominators[i].push_back(j);
      }
    }
  }
  return p;
}

// A search that can be paused and resumed, so that check() can interleave
// the parts of a history and stop at the first one that fails (a failing
// part is often far quicker to refute than its siblings are to confirm).
class PartSearch {
 public:
  virtual ~PartSearch() = default;
  // Searches until a verdict, the deadline, or `node_budget` more nodes.
  virtual SearchResult resume(std::uint64_t node_budget) = 0;
};

template <Model M, class Bits>
class Searcher final : public PartSearch {
 public:
  using State = typename M::State;
  using P = Prepared<typename M::Input, typename M::Output>;

  Searcher(const M& model, P prepared, const Reductions& reductions, Deadline& deadline, CheckStats& stats)
      : model_(model), p_(std::move(prepared)), reductions_(reductions), deadline_(deadline), stats_(stats) {}

  SearchResult resume(std::uint64_t node_budget) override {
    if (!started_) {
      started_ = true;
      Frame root{model_.initial(), {}, {}, std::numeric_limits<Time>::min(), 0, 0, 0, 0, 0, 0, kNoEntry};
      root.required.clear(p_.max_bits);
      root.used.clear(p_.max_bits);
      if (settle(root) == Settled::kDone) return success();
      stack_.push_back(std::move(root));
    }
    const std::uint64_t stop_at = node_budget > std::numeric_limits<std::uint64_t>::max() - stats_.nodes
                                      ? std::numeric_limits<std::uint64_t>::max()
                                      : stats_.nodes + node_budget;
    while (!stack_.empty()) {
      if (deadline_.expired()) return {Outcome::kTimedOut, {}};
      if (stats_.nodes >= stop_at) return {Outcome::kPaused, {}};
      if (descend(stack_.back())) {
        if (done_) return success();
      } else {
        Frame& done = stack_.back();
        if (done.entry != kNoEntry) entries_[done.entry].failed = true;
        trail_.resize(done.trail_size);
        stack_.pop_back();
      }
    }
    return {Outcome::kNotLinearizable, {}};
  }

 private:
  static constexpr std::uint32_t kNoEntry = std::numeric_limits<std::uint32_t>::max();

  struct Frame {
    State state;
    Bits required;  // required operations of the segment linearized
    Bits used;      // optional operations linearized
    Time max_call;  // latest call among linearized operations
    std::uint32_t segment;
    std::uint32_t first_open;      // index into required[segment]: first not linearized
    std::uint32_t return_cursor;   // index into by_return[segment]: first not linearized
    std::uint32_t first_optional;  // index into optional: none before it is still usable
    std::uint32_t next;            // next candidate: required[next], then optional[next - R]
    std::uint32_t trail_size;      // trail_ length before this node's operations
    std::uint32_t entry;           // this node's memo entry
  };

  struct Key {
    Bits required;
    State state;
    std::uint32_t segment;
    bool operator==(const Key&) const = default;
    template <class H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h), k.required, k.state, k.segment);
    }
  };
  // The available optional sets seen with one Key, as a linked list in entries_.
  struct Entry {
    Bits available;
    std::uint32_t next;
    bool failed;
  };

  enum class Settled { kOpen, kSeen, kDone };

  bool is_linearized(const Frame& f, std::uint32_t i) const {
    return p_.output[i] != nullptr ? f.required.test(p_.bit[i]) : f.used.test(p_.bit[i]);
  }

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
    for (std::uint32_t j : p_.dominators[i]) {
      if (!is_linearized(f, j)) return true;
    }
    return false;
  }

  Time min_return(const Frame& f) const {
    const auto& order = p_.by_return[f.segment];
    return f.return_cursor < order.size() ? p_.ret[order[f.return_cursor]] : kEndOfTime;
  }

  // Tries the frame's next candidates until one leads to a new node, which
  // it pushes. Required candidates go first: optional operations can always
  // be linearized later (they never return, so real time never forces them
  // early), and trying them late finds linearizations sooner and lets the
  // failed sets with fewer optional operations prune more.
  bool descend(Frame& f) {
    const auto& required = p_.required[f.segment];
    const auto& optional = p_.optional;
    const auto n_required = static_cast<std::uint32_t>(required.size());
    const Time bound = min_return(f);
    for (;;) {
      std::uint32_t i;
      // Order: required operations, optional ones that never return, then
      // the other optional ones from the cursor (earlier ones are used or
      // too late for good).
      const auto forever_end = static_cast<std::uint32_t>(n_required + p_.forever);
      if (f.next == forever_end && f.first_optional > p_.forever) {
        f.next = static_cast<std::uint32_t>(n_required + f.first_optional);
      }
      if (f.next < n_required) {
        i = required[f.next];
        if (p_.call[i] > bound) {
          f.next = n_required;
          continue;
        }
      } else if (f.next - n_required < optional.size()) {
        i = optional[f.next - n_required];
        if (p_.call[i] > bound) {
          if (f.next >= forever_end) return false;
          f.next = forever_end;  // the other list may still have candidates
          continue;
        }
      } else {
        return false;
      }
      ++f.next;
      if (is_linearized(f, i) || dominated(f, i)) continue;
      if (p_.output[i] == nullptr && p_.ret[i] < f.max_call) continue;  // too late for it
      std::optional<State> next = apply(f.state, i);
      if (!next) continue;
      // An optional operation that changes nothing here is not worth
      // linearizing here: any completion after it is also a completion
      // without it, and a shorter one.
      if (p_.output[i] == nullptr && *next == f.state) continue;
      Frame child{std::move(*next),
                  f.required,
                  f.used,
                  std::max(f.max_call, p_.call[i]),
                  f.segment,
                  f.first_open,
                  f.return_cursor,
                  f.first_optional,
                  0,
                  static_cast<std::uint32_t>(trail_.size()),
                  kNoEntry};
      if (p_.output[i] != nullptr) {
        child.required.set(p_.bit[i]);
      } else {
        child.used.set(p_.bit[i]);
      }
      trail_.push_back(i);
      const Settled settled = settle(child);
      if (settled == Settled::kDone) {
        done_ = true;  // the trail is a linearization
        return true;
      }
      if (settled == Settled::kSeen) {
        trail_.resize(child.trail_size);
        continue;
      }
      stack_.push_back(std::move(child));  // invalidates f
      return true;
    }
  }

  // Brings a new node to the point where it must branch: skips linearized
  // operations in the cursors, moves on to the next segment when this one is
  // done, and applies greedy linearizations. Then consults the memo.
  Settled settle(Frame& f) {
    ++stats_.nodes;
    for (;;) {
      const auto& order = p_.by_return[f.segment];
      while (f.return_cursor < order.size() && f.required.test(p_.bit[order[f.return_cursor]])) {
        ++f.return_cursor;
      }
      if (f.return_cursor == order.size()) {
        // Every required operation of the segment is linearized; optional
        // ones may simply never have happened.
        if (f.segment + 1 == p_.segments()) return Settled::kDone;
        ++f.segment;
        f.required.clear(p_.max_bits);
        f.first_open = 0;
        f.return_cursor = 0;
        continue;
      }
      const auto& required = p_.required[f.segment];
      while (f.first_open < required.size() && f.required.test(f.first_open)) ++f.first_open;
      if (!reductions_.greedy_read_only || !apply_greedy(f)) break;
    }
    // max_call only grows and used operations stay used, so this cursor only
    // moves forward; it keeps long histories from rescanning old operations.
    if (f.first_optional < p_.forever) f.first_optional = static_cast<std::uint32_t>(p_.forever);
    while (f.first_optional < p_.optional.size()) {
      const std::uint32_t o = p_.optional[f.first_optional];
      if (!f.used.test(p_.bit[o]) && p_.ret[o] >= f.max_call) break;
      ++f.first_optional;
    }
    f.next = f.first_open;
    return reductions_.memoize ? remember(f) : Settled::kOpen;
  }

  // The optional operations this node could still use, among those called
  // by now (later ones are the same for every node with this Key). Two nodes
  // with one Key differ only in these: every completion of the one with fewer
  // is a completion of the other, so a failed node prunes any node whose set
  // is a subset of its own. Comparing these sets rather than the used ones
  // ignores operations that are too late to matter either way.
  Bits available(const Frame& f) const {
    Bits a;
    a.clear(p_.max_bits);
    const Time bound = min_return(f);
    auto add = [&](std::size_t from, std::size_t to) {
      for (std::size_t k = from; k < to; ++k) {
        const std::uint32_t o = p_.optional[k];
        if (p_.call[o] > bound) break;
        if (!f.used.test(k) && p_.ret[o] >= f.max_call) a.set(k);
      }
    };
    add(0, p_.forever);
    add(std::max<std::size_t>(f.first_optional, p_.forever), p_.optional.size());
    return a;
  }

  Settled remember(Frame& f) {
    Bits avail = available(f);
    auto [it, added] = memo_.try_emplace(Key{f.required, f.state, f.segment}, kNoEntry);
    if (!added) {
      for (std::uint32_t e = it->second; e != kNoEntry; e = entries_[e].next) {
        if (entries_[e].failed && avail.subset_of(entries_[e].available)) return Settled::kSeen;
      }
    }
    f.entry = static_cast<std::uint32_t>(entries_.size());
    entries_.push_back(Entry{std::move(avail), it->second, false});
    it->second = f.entry;
    return Settled::kOpen;
  }

  // Linearizes one read-only candidate that is legal now, if there is one.
  // This keeps the verdict exact: take any linearization of the rest from this
  // node and move that operation to its front. Real-time order still holds,
  // because every operation that returned before it was called is already
  // linearized (it is a candidate) and no optional one that could still be
  // placed returned before it was called; the model accepts it, because it is legal
  // in this state; and every other operation sees the same state as before,
  // because the operation changes no state wherever it is legal. (Leaving the
  // state unchanged *here* would not do: a write of the current value may
  // matter later.) So a linearization exists from this node if and only if
  // one exists after linearizing it.
  bool apply_greedy(Frame& f) {
    const Time bound = min_return(f);
    const auto& required = p_.required[f.segment];
    for (std::uint32_t k = f.first_open; k < required.size(); ++k) {
      const std::uint32_t i = required[k];
      if (p_.call[i] > bound) break;
      if (!p_.read_only[i] || f.required.test(p_.bit[i])) continue;
      if (strands_optional(f, i)) continue;
      if (apply(f.state, i)) {
        f.required.set(p_.bit[i]);
        f.max_call = std::max(f.max_call, p_.call[i]);
        trail_.push_back(i);
        return true;
      }
    }
    return false;
  }

  // Whether linearizing i now would leave behind an optional operation that
  // returned before i was called and could still take effect: moving i ahead
  // of it would break real time, so the greedy argument does not apply.
  bool strands_optional(const Frame& f, std::uint32_t i) const {
    // Those that never return cannot have returned before i was called.
    for (std::size_t k = std::max<std::size_t>(f.first_optional, p_.forever); k < p_.optional.size(); ++k) {
      const std::uint32_t o = p_.optional[k];
      if (p_.call[o] >= p_.call[i]) break;
      if (p_.ret[o] < p_.call[i] && p_.ret[o] >= f.max_call && !f.used.test(p_.bit[o])) return true;
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
  const P p_;
  const Reductions& reductions_;
  Deadline& deadline_;
  CheckStats& stats_;
  std::vector<Frame> stack_;
  std::vector<std::uint32_t> trail_;  // positions linearized on the current path
  absl::flat_hash_map<Key, std::uint32_t> memo_;
  std::vector<Entry> entries_;
  bool done_ = false;  // descend() reached a node where all required are done
  bool started_ = false;
};

template <Model M>
std::unique_ptr<PartSearch> make_search(const M& model, const HistoryOf<M>& history,
                                        const std::vector<std::size_t>& subset, const Reductions& reductions,
                                        Deadline& deadline, CheckStats& stats) {
  auto prepared = prepare(model, history, subset, reductions);
  const std::size_t size = prepared.max_bits;
  auto make = [&]<class Bits>() -> std::unique_ptr<PartSearch> {
    return std::make_unique<Searcher<M, Bits>>(model, std::move(prepared), reductions, deadline, stats);
  };
  if (size <= 64) return make.template operator()<FixedBits<1>>();
  if (size <= 128) return make.template operator()<FixedBits<2>>();
  if (size <= 256) return make.template operator()<FixedBits<4>>();
  if (size <= 512) return make.template operator()<FixedBits<8>>();
  if (size <= 2048) return make.template operator()<FixedBits<32>>();
  return make.template operator()<DynamicBits>();
}

// Searches one part (subset of history indices) of a history to the end.
template <Model M>
SearchResult search(const M& model, const HistoryOf<M>& history, const std::vector<std::size_t>& subset,
                    const Reductions& reductions, Deadline& deadline, CheckStats& stats) {
  return make_search(model, history, subset, reductions, deadline, stats)
      ->resume(std::numeric_limits<std::uint64_t>::max());
}

}  // namespace weft::lin::detail
