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
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "weft/lin/check_result.h"
#include "weft/lin/detail/bits.h"
#include "weft/lin/detail/deadline.h"
#include "weft/lin/detail/failed_nodes.h"
#include "weft/lin/detail/identical_ops.h"
#include "weft/lin/detail/kv_read_guide.h"
#include "weft/lin/detail/part_search.h"
#include "weft/lin/detail/prepared.h"
#include "weft/lin/detail/queue_search.h"
#include "weft/lin/detail/read_guide.h"
#include "weft/lin/detail/register_read_guide.h"
#include "weft/lin/history.h"
#include "weft/lin/model.h"

namespace weft::lin::detail {

// The order in which a node's candidates are tried. It never changes the
// verdict, only how soon a linearization is found, and neither order is
// always the better one:
//  - kRequiredFirst tries operations with known outcomes before optional
//    ones. Where unknown outcomes mostly did not matter (a timed-out write
//    that never took effect), a linearization needs few optional operations
//    and this finds it at once; it also fails nodes with many optional
//    operations still available, whose failure prunes the most.
//  - kCallOrder tries all candidates by call, as plain Wing-Gong and
//    porcupine do. Where a timed-out write did take effect and later reads
//    return its value, the required-first order tries every arrangement of
//    the concurrent required operations before the one optional operation
//    the next read needs: exponential in the number of clients, where call
//    order, which meets the write before the reads that follow it, walks
//    straight to a linearization.
// The optional-where-it-matters reduction applies to kRequiredFirst only. It
// is what makes that order fast on many unknown outcomes, but the nodes it
// cuts short are not recorded as failed, and in call order, which meets
// optional operations early and often, re-searching them cost far more than
// the cuts saved (10-40x on histories with hundreds of clients).
enum class Order { kRequiredFirst, kCallOrder };

template <Model M, class Bits>
class Searcher {
 public:
  using State = typename M::State;
  using P = Prepared<typename M::Input, typename M::Output>;
  using Memo = FailedNodes<State, Bits>;
  using Identical = IdenticalOps<typename M::Input, typename M::Output>;

  Searcher(const M& model, const P& prepared, Memo& memo, const ReadGuide<M>& read_guide, const Identical& identical,
           Order order, const Reductions& reductions, Deadline& deadline, CheckStats& stats)
      : model_(model),
        p_(prepared),
        memo_(memo),
        read_guide_(read_guide),
        identical_(identical),
        order_(order),
        reductions_(reductions),
        optional_where_it_matters_(reductions.optional_where_it_matters && order == Order::kRequiredFirst),
        guided_(order == Order::kRequiredFirst),
        deadline_(deadline),
        stats_(stats) {}

  Time reached() const { return reached_; }

  // Searches until a verdict, the deadline, or `work_budget` more work.
  SearchResult resume(std::uint64_t work_budget) {
    if (!started_) {
      started_ = true;
      Frame root{model_.initial(), {}, {}, {}, std::numeric_limits<Time>::min(), 0, 0, 0, 0, 0, 0, 0, 0, kNoGroup};
      root.required.clear(p_.max_bits);
      root.used.clear(p_.max_bits);
      if (settle(root) == Settled::kDone) return success();
      stack_.push_back(std::move(root));
    }
    const std::uint64_t stop_at = work_limit(stats_, work_budget);
    while (!stack_.empty()) {
      if (deadline_.expired()) return {Outcome::kTimedOut, {}};
      if (work_done(stats_) >= stop_at) return {Outcome::kPaused, {}};
      if (descend(stack_.back())) {
        if (done_) return success();
      } else {
        Frame& done = stack_.back();
        if (done.group != kNoGroup && !done.partial) memo_.fail(done.group, done.available);
        trail_.resize(done.trail_size);
        stack_.pop_back();
      }
    }
    return {Outcome::kNotLinearizable, {}};
  }

 private:
  static constexpr std::uint32_t kNoGroup = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  // The optional operation a node was reached by, while nothing after it
  // has depended on it (only greedy reads that were legal without it too).
  struct Pending {
    std::uint32_t op = kNone;    // the optional operation; kNone: nothing pending
    bool may_move_later = true;  // real time lets it follow the reads since
    State without;               // the state had it not been linearized
  };

  struct Frame {
    State state;
    Bits required;   // required operations of the segment linearized
    Bits used;       // optional operations linearized
    Bits available;  // optional operations it could still use (see available())
    Time max_call;   // latest call among linearized operations
    std::uint32_t segment;
    std::uint32_t first_open;      // index into required[segment]: first not linearized
    std::uint32_t return_cursor;   // index into by_return[segment]: first not linearized
    std::uint32_t first_optional;  // index into optional: none before it is still usable
    // The next candidate of each of the three lists a node's candidates come
    // from: required[segment], optional[0, forever) (never return) and
    // optional[forever, end) (return).
    std::uint32_t next_required;
    std::uint32_t next_forever;
    std::uint32_t next_returning;
    std::uint32_t trail_size;  // trail_ length before this node's operations
    std::uint32_t group;       // its memo group (kNoGroup: not memoized)
    // A candidate was skipped because a sibling order covers it
    // (needless_after()): the node's own failure is then no proof.
    bool partial = false;
    Pending pending;
    // Candidates the read guide named to be tried first (ReadGuide's
    // preferred()), and how many of them were.
    std::array<std::uint32_t, kPreferred> preferred{};
    std::uint8_t preferred_count = 0;
    std::uint8_t next_preferred = 0;
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

  Time min_return(const Frame& f) const {
    const auto& order = p_.by_return[f.segment];
    return f.return_cursor < order.size() ? p_.ret[order[f.return_cursor]] : kEndOfTime;
  }

  // The frame's next candidate in this searcher's order (advancing past it),
  // or none. Candidates come from three lists, each by call: required[segment],
  // optional[0, forever) (never return) and optional[first_optional, end)
  // (return). A list is done at its first operation called after `bound`.
  // The guide's preferred candidates come first, and are not tried again.
  std::optional<std::uint32_t> next_candidate(Frame& f, Time bound) const {
    if (f.next_preferred < f.preferred_count) return f.preferred[f.next_preferred++];
    while (std::optional<std::uint32_t> i = next_in_order(f, bound)) {
      const auto named = f.preferred.begin() + f.preferred_count;
      if (std::find(f.preferred.begin(), named, *i) == named) return i;
    }
    return std::nullopt;
  }

  std::optional<std::uint32_t> next_in_order(Frame& f, Time bound) const {
    const auto& required = p_.required[f.segment];
    std::uint32_t* cursors[3] = {&f.next_required, &f.next_forever, &f.next_returning};
    const std::size_t ends[3] = {required.size(), p_.forever, p_.optional.size()};
    int pick = -1;
    std::uint32_t picked = 0;
    for (int k = 0; k < 3; ++k) {
      if (*cursors[k] >= ends[k]) continue;
      const std::uint32_t i = k == 0 ? required[*cursors[k]] : p_.optional[*cursors[k]];
      if (p_.call[i] > bound) continue;
      if (pick < 0 || (order_ == Order::kCallOrder && p_.call[i] < p_.call[picked])) {
        pick = k;
        picked = i;
      }
      if (order_ == Order::kRequiredFirst) break;
    }
    if (pick < 0) return std::nullopt;
    ++*cursors[pick];
    return picked;
  }

  // Tries the frame's next candidates until one leads to a new node, which
  // it pushes.
  bool descend(Frame& f) {
    const Time bound = min_return(f);
    while (std::optional<std::uint32_t> candidate = next_candidate(f, bound)) {
      const std::uint32_t i = *candidate;
      if (is_linearized(f, i)) continue;
      if (p_.output[i] == nullptr && p_.ret[i] < f.max_call) continue;  // too late for it
      if (identical_.superseded(i, {f.segment, bound, f.max_call},
                                [&](std::uint32_t j) { return is_linearized(f, j); })) {
        continue;
      }
      std::optional<State> next = apply(f.state, i);
      if (!next) continue;
      if (!read_guide_.after_step(f.state, *next, i, {f.segment, f.first_open, bound, std::max(f.max_call, p_.call[i])},
                                  [&](std::uint32_t j) { return j == i || is_linearized(f, j); })) {
        continue;  // the node it leads to has no completion
      }
      // An optional operation that changes nothing here is not worth
      // linearizing here: any completion after it is also a completion
      // without it, and a shorter one.
      if (p_.output[i] == nullptr && *next == f.state) continue;
      if (f.pending.op != kNone && needless_after(f.pending, i, *next)) {
        f.partial = true;
        continue;
      }
      Pending pending;
      if (optional_where_it_matters_ && p_.output[i] == nullptr) pending = {i, true, f.state};
      Frame child{std::move(*next),
                  f.required,
                  f.used,
                  {},
                  std::max(f.max_call, p_.call[i]),
                  f.segment,
                  f.first_open,
                  f.return_cursor,
                  f.first_optional,
                  0,
                  0,
                  0,
                  static_cast<std::uint32_t>(trail_.size()),
                  kNoGroup,
                  false,
                  std::move(pending)};
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
    return false;
  }

  // Whether linearizing i next is needless because the node was reached by
  // the optional operation o (pending.op) and an order without o there
  // reaches as much:
  //  - i masks o: i (after the reads since o) gives the same state without
  //    o, as a write overwriting o's does. Dropping o from a completion that
  //    does this keeps it valid and makes it shorter.
  //  - o may move after i: i then o gives the same state, and real time lets
  //    o go that late. Of two optional operations only the lower-ranked one
  //    goes first, so one order of each pair stays. The completion with o
  //    moved is as short and has its optional operation later. (Ranked by
  //    Prepared::rank, as identical_ops.h ranks identical operations: the
  //    two must agree on which of two optional operations goes first.)
  // So a completion that is shortest, and then has its optional operations
  // as late and as low-ranked as they can be, is never cut here; the order it
  // takes instead leaves the parent, which is why the node's own failure is
  // not recorded (Frame::partial). Only the first step after o is checked:
  // following o further would leave long chains of nodes unrecorded, and
  // searching those again costs far more than the pruning saves.
  bool needless_after(const Pending& pending, std::uint32_t i, const State& next) {
    const std::uint32_t o = pending.op;
    std::optional<State> without = apply(pending.without, i);
    if (!without) return false;  // i depends on o
    if (*without == next) return true;
    const bool may_move =
        pending.may_move_later && (p_.output[i] != nullptr || p_.rank[i] < p_.rank[o]) && p_.ret[o] >= p_.call[i];
    if (!may_move) return false;
    std::optional<State> moved = apply(*without, o);
    return moved && *moved == next;
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
    reached_ = std::max(reached_, min_return(f));
    f.next_required = f.first_open;
    f.next_forever = 0;
    f.next_returning = f.first_optional;
    if (read_guide_.dead(f.state, {f.segment, f.first_open, min_return(f), f.max_call},
                         [&](std::uint32_t i) { return is_linearized(f, i); })) {
      return Settled::kSeen;
    }
    if (reductions_.memoize) {
      f.available = available(f);
      const std::optional<std::uint32_t> group = memo_.lookup(f.required, f.state, f.segment, f.available);
      if (!group) return Settled::kSeen;
      f.group = *group;
    }
    if constexpr (requires(std::span<std::uint32_t, kPreferred> first) {
                    read_guide_.preferred(
                        f.state, NodeView{}, [](std::uint32_t) { return false; }, first);
                  }) {
      if (guided_) {
        f.preferred_count = static_cast<std::uint8_t>(read_guide_.preferred(
            f.state, {f.segment, f.first_open, min_return(f), f.max_call},
            [&](std::uint32_t i) { return is_linearized(f, i); }, std::span(f.preferred)));
      }
    }
    return Settled::kOpen;
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
        read_guide_.forget_unseen(f.state, i, {f.segment, f.first_open, bound, f.max_call},
                                  [&](std::uint32_t j) { return is_linearized(f, j); });
        // A read that would not be legal without the pending operation has
        // seen it; one that would leaves `without` as it is.
        if (f.pending.op != kNone) {
          if (!apply(f.pending.without, i)) {
            f.pending.op = kNone;
          } else if (p_.ret[f.pending.op] < p_.call[i]) {
            f.pending.may_move_later = false;
          }
        }
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
  const P& p_;
  Memo& memo_;
  const ReadGuide<M>& read_guide_;
  const Identical& identical_;
  const Order order_;
  const Reductions& reductions_;
  // Only in the required-first order (see Order): there it keeps optional
  // operations from being tried at every step; the call order stays plain
  // Wing-Gong, whose every failed node is recorded.
  const bool optional_where_it_matters_;
  // Only in the required-first order: the guide's preferred candidates
  // first. The call order stays plain, so the two orders stay different.
  const bool guided_;
  Deadline& deadline_;
  CheckStats& stats_;
  std::vector<Frame> stack_;
  std::vector<std::uint32_t> trail_;  // positions linearized on the current path
  bool done_ = false;                 // descend() reached a node where all required are done
  Time reached_ = std::numeric_limits<Time>::min();
  bool started_ = false;
};

// The searches of one part: one per candidate order (Order), sharing the
// memo of failed nodes and taking turns with equal work budgets. The first
// verdict wins, so the part costs at most about twice its faster order (plus
// what the other order's failed nodes save it), and no order's bad case is
// the part's: each is at worst plain Wing-Gong with memoization over a space
// the reductions only shrink.
template <Model M, class Bits>
class PortfolioSearch final : public PartSearch {
 public:
  using P = Prepared<typename M::Input, typename M::Output>;

  PortfolioSearch(const M& model, P prepared, const Reductions& reductions, Deadline& deadline, CheckStats& stats)
      : p_(std::move(prepared)), read_guide_(model, p_, reductions), identical_(p_, reductions) {
    searchers_.reserve(2);  // they hold references to p_ and memo_, not to each other
    if (reductions.search_required_first || !reductions.search_in_call_order) {
      searchers_.emplace_back(model, p_, memo_, read_guide_, identical_, Order::kRequiredFirst, reductions, deadline,
                              stats);
    }
    // Without optional operations the two orders are one: a second searcher
    // would walk the first one's path again (only failed nodes are shared),
    // doubling the work for nothing.
    if (reductions.search_in_call_order && (searchers_.empty() || !p_.optional.empty())) {
      searchers_.emplace_back(model, p_, memo_, read_guide_, identical_, Order::kCallOrder, reductions, deadline,
                              stats);
    }
  }

  SearchResult resume(std::uint64_t work_budget) override {
    for (auto& searcher : searchers_) {
      SearchResult r = searcher.resume(work_budget);
      if (r.outcome != Outcome::kPaused) return r;
    }
    return {Outcome::kPaused, {}};
  }

  Time reached() const override {
    Time t = std::numeric_limits<Time>::min();
    for (const auto& searcher : searchers_) t = std::max(t, searcher.reached());
    return t;
  }

 private:
  const P p_;
  FailedNodes<typename M::State, Bits> memo_;
  const ReadGuide<M> read_guide_;
  const IdenticalOps<typename M::Input, typename M::Output> identical_;
  std::vector<Searcher<M, Bits>> searchers_;
};

template <Model M>
std::unique_ptr<PartSearch> make_search(const M& model, const HistoryOf<M>& history,
                                        const std::vector<std::size_t>& subset, const Reductions& reductions,
                                        Deadline& deadline, CheckStats& stats) {
  if (auto queue = make_queue_search(model, history, subset, reductions, deadline, stats)) return queue;
  auto prepared = prepare(model, history, subset, reductions);
  const std::size_t size = prepared.max_bits;
  auto make = [&]<class Bits>() -> std::unique_ptr<PartSearch> {
    return std::make_unique<PortfolioSearch<M, Bits>>(model, std::move(prepared), reductions, deadline, stats);
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
