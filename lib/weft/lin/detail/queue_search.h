// An exact search for FIFO queue histories (QueueModel) without size().
// The general search (search.h) linearizes enqueues one by one, so its state
// records the order of concurrent enqueues long before a dequeue shows which
// it was, and the number of states grows exponentially with the enqueues in
// flight. Here enqueues are never ordered ahead of time: a dequeue names the
// value it took, and FIFO order makes the enqueues of dequeued elements
// follow the order of their dequeues. With distinct values (data
// independence, as in Henzinger, Sezgin & Vafeiadis, CONCUR 2013, and
// Bouajjani, Emmi, Enea & Hamza, ICALP 2015) a dequeue names its enqueue; with
// repeated values it may take any enqueue of its value not yet taken.
//
//   auto s = make_queue_search(model, history, part, reductions, deadline, stats);
//   if (s) r = s->resume(budget);   // nullptr: not a queue, or a size(); use search.h
//
// The search only orders *dequeue steps*: a known dequeue that returned v with
// the enqueue of v it took, a known dequeue that found the queue empty, or a
// dequeue of unknown outcome with the enqueue it took. An order is feasible
// iff it can be given times: every operation at one time within [call, ret],
// enqueue times increasing along the order, dequeue times increasing along
// it, each element's enqueue no later than its dequeue, every element
// dequeued after an empty dequeue enqueued no earlier than it, and every
// known enqueue never dequeued (its element stays in the queue) no earlier
// than the last enqueue and empty dequeue. (Operations ordered by these
// times, ties broken by the order of the steps, give a linearization, and any
// linearization gives such times: an operation's time is the latest call up
// to it.) The constraints only bound times from below, so the earliest times
// are found greedily and are the best: a node is (steps taken, latest enqueue
// time e, latest dequeue time d), and one with larger e and d and the same
// steps taken can only fail where a failed one did.
//
// Choices, each cut by an exchange argument:
//  - Of two known enqueues of one value (or of values no known dequeue
//    returned, which nobody observes) where one's interval starts and ends no
//    later, that one is taken first: exchanging the two keeps every time in
//    its interval, as one never taken must return after the last enqueue.
//    An interval starts, here, at the time a step would give the enqueue:
//    its call, or the node's e if that is later. So of those called by e,
//    only the one that returns first is taken (nested ones too).
//  - Of the enqueues (and the dequeues) of unknown outcome that never return,
//    the earliest-called is used first (they differ in nothing else).
//
// Unknown outcomes, exactly:
//  - An enqueue of unknown outcome is used only when a dequeue takes it; one
//    that is not can only block others, so it never happened.
//  - A dequeue of unknown outcome matters only when it takes a known enqueue
//    that no known dequeue needs (on an empty queue it changes nothing; taking
//    an enqueue of unknown outcome is the same as neither happening). Such a
//    step is tried at any node.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "weft/lin/check_result.h"
#include "weft/lin/detail/deadline.h"
#include "weft/lin/detail/part_search.h"
#include "weft/lin/model.h"
#include "weft/lin/models/collections.h"

namespace weft::lin::detail {

template <class M>
struct IsQueueModel : std::false_type {};
template <class T>
struct IsQueueModel<QueueModel<T>> : std::true_type {};

class QueueSearch final : public PartSearch {
 public:
  // An operation reduced to what the search needs: its interval and its
  // position in the history.
  struct Interval {
    Time call = 0;
    Time ret = kEndOfTime;
    std::size_t op = 0;
  };
  struct Enqueue {
    Interval self;
    std::uint32_t value = 0;  // values numbered from 0
    bool known = true;        // outcome known
  };
  // A known dequeue: it returned `value`, or found the queue empty (-1).
  struct KnownDequeue {
    Interval self;
    std::int64_t value = -1;
  };
  struct Input {
    std::vector<Enqueue> enqueues;
    std::vector<KnownDequeue> dequeues;      // outcome known
    std::vector<Interval> unknown_dequeues;  // outcome unknown
    std::uint32_t values = 0;
  };

  QueueSearch(Input in, Deadline& deadline, CheckStats& stats)
      : in_(std::move(in)), deadline_(deadline), stats_(stats) {
    auto by_call = [](const Interval& a, const Interval& b) {
      return a.call != b.call ? a.call < b.call : a.ret < b.ret;
    };
    std::stable_sort(in_.dequeues.begin(), in_.dequeues.end(),
                     [&](const KnownDequeue& a, const KnownDequeue& b) { return by_call(a.self, b.self); });
    std::stable_sort(in_.enqueues.begin(), in_.enqueues.end(),
                     [&](const Enqueue& a, const Enqueue& b) { return by_call(a.self, b.self); });
    for (std::uint32_t k = 0; k < in_.dequeues.size(); ++k) by_return_.push_back(k);
    std::stable_sort(by_return_.begin(), by_return_.end(), [&](std::uint32_t a, std::uint32_t b) {
      return in_.dequeues[a].self.ret < in_.dequeues[b].self.ret;
    });
    // Per value, its enqueues by kind, each by call; and the known enqueues
    // by return, for the check that none is left behind.
    std::vector<std::uint32_t> dequeued(in_.values, 0);
    std::vector<std::uint32_t> enqueued(in_.values, 0);
    for (const KnownDequeue& q : in_.dequeues) {
      if (q.value >= 0) ++dequeued[static_cast<std::size_t>(q.value)];
    }
    known_.resize(in_.values);
    forever_of_.resize(in_.values);
    returning_of_.resize(in_.values);
    for (const Enqueue& enq : in_.enqueues) ++enqueued[enq.value];
    for (std::uint32_t k = 0; k < in_.enqueues.size(); ++k) {
      const Enqueue& enq = in_.enqueues[k];
      // Every enqueue of a value dequeued as often as it was enqueued must
      // be dequeued, as must every known one (or stay in the queue).
      if (enq.known || dequeued[enq.value] == enqueued[enq.value]) must_take_by_return_.push_back(k);
      if (enq.known) {
        // Values no known dequeue returned are never observed: their
        // enqueues are interchangeable, so they share one list.
        (dequeued[enq.value] == 0 ? unobserved_ : known_[enq.value]).push_back(k);
      } else {
        (enq.self.ret == kEndOfTime ? forever_of_ : returning_of_)[enq.value].push_back(k);
      }
    }
    std::stable_sort(must_take_by_return_.begin(), must_take_by_return_.end(), [&](std::uint32_t a, std::uint32_t b) {
      return in_.enqueues[a].self.ret < in_.enqueues[b].self.ret;
    });
    surplus_.resize(in_.values);
    for (std::uint32_t v = 0; v < in_.values; ++v) {
      refuted_ |= dequeued[v] > enqueued[v];
      surplus_[v] = dequeued[v] > 0 && dequeued[v] < enqueued[v];
    }
    for (const Interval& u : in_.unknown_dequeues) (u.ret == kEndOfTime ? forever_ : returning_).push_back(u);
    std::stable_sort(forever_.begin(), forever_.end(), by_call);
    std::stable_sort(returning_.begin(), returning_.end(), by_call);
  }

  SearchResult resume(std::uint64_t work_budget) override {
    if (refuted_) return {Outcome::kNotLinearizable, {}};
    if (!started_) {
      started_ = true;
      Node root;
      root.done.assign(words(in_.dequeues.size()), 0);
      root.taken.assign(words(in_.enqueues.size()), 0);
      root.used.assign(words(returning_.size()), 0);
      if (settle(root) == Settled::kDone) return success();
      stack_.push_back(std::move(root));
    }
    const std::uint64_t stop_at = work_limit(stats_, work_budget);
    while (!stack_.empty()) {
      if (deadline_.expired()) return {Outcome::kTimedOut, {}};
      if (work_done(stats_) >= stop_at) return {Outcome::kPaused, {}};
      Node& top = stack_.back();
      if (top.next_step < top.steps.size()) {
        const Step step = top.steps[top.next_step++];
        Node child = apply(top, step);
        const Settled settled = settle(child);
        if (settled == Settled::kDone) {
          stack_.push_back(std::move(child));
          return success();
        }
        if (settled == Settled::kOpen) stack_.push_back(std::move(child));
        continue;
      }
      failed_[key(top)].emplace_back(top.e, top.d);
      stack_.pop_back();
    }
    return {Outcome::kNotLinearizable, {}};
  }

  Time reached() const override { return reached_; }

 private:
  enum class StepKind : std::uint8_t { kKnown, kForever, kReturning };
  // A dequeue step: a known dequeue (index into dequeues), or a dequeue of
  // unknown outcome (index into forever_ or returning_), taking the enqueue
  // `enqueue` (none: a known dequeue that found the queue empty).
  struct Step {
    StepKind kind = StepKind::kKnown;
    std::uint32_t index = 0;
    std::int64_t enqueue = -1;
    Time e = 0;  // the enqueue's time (the floor it leaves, for an empty dequeue)
    Time d = 0;  // the dequeue's time
  };
  struct Node {
    std::vector<std::uint64_t> done;            // known dequeues taken
    std::vector<std::uint64_t> taken;           // enqueues dequeued
    std::vector<std::uint64_t> used;            // returning_ used
    std::uint32_t forever_used = 0;             // forever_[0, forever_used) used
    Time e = std::numeric_limits<Time>::min();  // no later enqueue of a dequeued value may be earlier
    Time d = std::numeric_limits<Time>::min();  // latest dequeue time
    std::uint32_t first_open = 0;               // dequeues: first not done
    std::uint32_t return_cursor = 0;            // by_return_: first not done
    std::uint32_t must_take_cursor = 0;         // must_take_by_return_: first not taken
    Step via;                                   // the step that led here
    std::vector<Step> steps;                    // the steps to try from here
    std::size_t next_step = 0;
  };
  enum class Settled { kOpen, kSeen, kDone };

  static constexpr std::uint32_t kNone = ~std::uint32_t{0};

  static std::size_t words(std::size_t bits) { return (bits + 63) / 64; }
  static bool test(const std::vector<std::uint64_t>& b, std::size_t i) { return (b[i / 64] >> (i % 64)) & 1; }
  static void set(std::vector<std::uint64_t>& b, std::size_t i) { b[i / 64] |= std::uint64_t{1} << (i % 64); }

  const Interval& enqueue(std::size_t k) const { return in_.enqueues[k].self; }

  // The earliest return among the known dequeues not taken: no step may be
  // given a later time, or that dequeue could never follow.
  Time bound(const Node& n) const {
    return n.return_cursor < by_return_.size() ? in_.dequeues[by_return_[n.return_cursor]].self.ret : kEndOfTime;
  }

  Node apply(const Node& parent, const Step& step) {
    ++stats_.steps;
    Node child;
    child.done = parent.done;
    child.taken = parent.taken;
    child.used = parent.used;
    child.forever_used = parent.forever_used;
    child.first_open = parent.first_open;
    child.return_cursor = parent.return_cursor;
    child.must_take_cursor = parent.must_take_cursor;
    child.e = step.e;
    child.d = step.d;
    child.via = step;
    if (step.enqueue >= 0) set(child.taken, static_cast<std::size_t>(step.enqueue));
    switch (step.kind) {
      case StepKind::kKnown:
        set(child.done, step.index);
        break;
      case StepKind::kForever:
        child.forever_used = step.index + 1;
        break;
      case StepKind::kReturning:
        set(child.used, step.index);
        break;
    }
    return child;
  }

  // Advances the node's cursors, decides whether it is dead, done or seen
  // (a failed node with the same steps taken had times no later), and lists
  // its steps.
  Settled settle(Node& n) {
    ++stats_.nodes;
    while (n.first_open < in_.dequeues.size() && test(n.done, n.first_open)) ++n.first_open;
    while (n.return_cursor < by_return_.size() && test(n.done, by_return_[n.return_cursor])) ++n.return_cursor;
    while (n.must_take_cursor < must_take_by_return_.size() &&
           test(n.taken, must_take_by_return_[n.must_take_cursor])) {
      ++n.must_take_cursor;
    }
    const Time limit = bound(n);
    // Dead: a dequeue not taken returned before the latest dequeue, or an
    // enqueue that must be taken (or stay) returned before the latest enqueue
    // or empty dequeue (its value would be ahead of one already dequeued, or
    // in the queue when it was empty, and can neither be dequeued later nor
    // stay).
    if (n.d > limit) return Settled::kSeen;
    if (n.must_take_cursor < must_take_by_return_.size() &&
        enqueue(must_take_by_return_[n.must_take_cursor]).ret < n.e) {
      return Settled::kSeen;
    }
    if (n.first_open == in_.dequeues.size()) return Settled::kDone;
    reached_ = std::max(reached_, limit);
    if (const auto it = failed_.find(key(n)); it != failed_.end()) {
      for (const auto& [e, d] : it->second) {
        if (e <= n.e && d <= n.d) return Settled::kSeen;
      }
    }
    list_steps(n, limit);
    return Settled::kOpen;
  }

  // Calls `take(enqueue)` for the enqueues in `list` (by call) worth taking
  // next: of known ones, those not dominated by another not taken (called
  // and returned no later: exchanging the two keeps every time within its
  // interval, as one not taken must still return after the last enqueue).
  // What counts is the time a step would give it, max(call, n.e): all those
  // called by n.e get n.e, so of them only the one returning first is taken.
  template <class Take>
  void staircase(const Node& n, const std::vector<std::uint32_t>& list, Time limit, Take take) const {
    auto k = list.begin();
    std::uint32_t earliest = kNone;  // of those called by n.e, the first to return
    for (; k != list.end() && enqueue(*k).call <= std::min(n.e, limit); ++k) {
      if (!test(n.taken, *k) && (earliest == kNone || enqueue(*k).ret < enqueue(earliest).ret)) earliest = *k;
    }
    bool first = earliest == kNone;
    Time best_return = first ? kEndOfTime : enqueue(earliest).ret;
    if (!first) take(earliest);
    for (; k != list.end(); ++k) {
      const Interval& enq = enqueue(*k);
      if (enq.call > limit) break;
      if (test(n.taken, *k)) continue;
      if (!first && enq.ret >= best_return) continue;
      first = false;
      best_return = enq.ret;
      take(*k);
    }
  }

  // Of enqueues of unknown outcome: the earliest-called that never returns
  // (they differ in nothing else), and every one that returns, not taken.
  template <class Take>
  void optional_enqueues(const Node& n, std::uint32_t value, Time limit, Take take) const {
    for (std::uint32_t k : forever_of_[value]) {
      if (enqueue(k).call > limit) break;
      if (test(n.taken, k)) continue;
      take(k);
      break;
    }
    for (std::uint32_t k : returning_of_[value]) {
      if (enqueue(k).call > limit) break;
      if (!test(n.taken, k) && enqueue(k).ret >= n.e) take(k);
    }
  }

  void list_steps(Node& n, Time limit) {
    // Known dequeues, by call, each with every enqueue it may take.
    for (std::uint32_t k = n.first_open; k < in_.dequeues.size(); ++k) {
      const KnownDequeue& q = in_.dequeues[k];
      if (q.self.call > limit) break;
      if (test(n.done, k) || twin_goes_first(n, k)) continue;
      if (q.value < 0) {
        // An empty dequeue: whatever is dequeued later was enqueued after it.
        const Time d = std::max(q.self.call, n.d);
        if (d <= std::min(q.self.ret, limit)) n.steps.push_back({StepKind::kKnown, k, -1, std::max(n.e, d), d});
        continue;
      }
      auto take = [&](std::uint32_t c) {
        const Interval& enq = enqueue(c);
        const Time e = std::max(enq.call, n.e);
        if (e > enq.ret) return;
        const Time d = std::max({q.self.call, n.d, e});
        if (d > std::min(q.self.ret, limit)) return;
        n.steps.push_back({StepKind::kKnown, k, c, e, d});
      };
      const auto value = static_cast<std::uint32_t>(q.value);
      staircase(n, known_[value], limit, take);
      optional_enqueues(n, value, limit, take);
    }
    if (forever_.size() == n.forever_used && returning_.empty()) return;
    // Dequeues of unknown outcome, each taking a known enqueue no known
    // dequeue needs to take. (Taking an enqueue of unknown outcome is the
    // same as neither happening; on an empty queue they change nothing.)
    auto take = [&](std::uint32_t c) {
      const Time e = std::max(enqueue(c).call, n.e);
      if (e > enqueue(c).ret) return;
      // They are identical, so as for enqueues (staircase()): of those
      // called by the time the step would get, max(n.d, e), only the one
      // that returns first, and of those called later only one returning
      // before every one tried; one that never returns only when no
      // returning one was called by then (its time is no earlier).
      const Time floor = std::max(n.d, e);
      std::uint32_t w = 0;
      std::uint32_t earliest = kNone;
      for (; w < returning_.size() && returning_[w].call <= floor; ++w) {
        const Interval& u = returning_[w];
        if (test(n.used, w) || u.ret < floor) continue;
        if (earliest == kNone || u.ret < returning_[earliest].ret) earliest = w;
      }
      Time best_return = kEndOfTime;
      if (earliest != kNone) {
        best_return = returning_[earliest].ret;
        try_unknown(n, StepKind::kReturning, earliest, c, e, limit);
      } else if (n.forever_used < forever_.size()) {
        try_unknown(n, StepKind::kForever, n.forever_used, c, e, limit);
      }
      for (; w < returning_.size(); ++w) {
        const Interval& u = returning_[w];
        if (u.call > limit) break;
        if (test(n.used, w) || u.ret >= best_return) continue;
        best_return = u.ret;
        try_unknown(n, StepKind::kReturning, w, c, e, limit);
      }
    };
    staircase(n, unobserved_, limit, take);
    // Of an observed value, only when it was enqueued more often than known
    // dequeues returned it.
    for (std::uint32_t v = 0; v < in_.values; ++v) {
      if (surplus_[v]) staircase(n, known_[v], limit, take);
    }
  }

  // Whether known dequeue k need not be tried at this node because another
  // one not taken returned the same (a value, or empty), was called by the
  // latest dequeue time too, and returns earlier (or as early, and comes
  // first). Any step gives both the same time, and a completion taking k now
  // and the other later (by its return, so by k's) is one the other way
  // round.
  bool twin_goes_first(const Node& n, std::uint32_t k) const {
    const KnownDequeue& q = in_.dequeues[k];
    if (q.self.call > n.d) return false;
    for (std::uint32_t j = n.first_open; j < in_.dequeues.size(); ++j) {
      const KnownDequeue& other = in_.dequeues[j];
      if (other.self.call > n.d) break;
      if (j == k || other.value != q.value || test(n.done, j)) continue;
      if (other.self.ret < q.self.ret || (other.self.ret == q.self.ret && j < k)) return true;
    }
    return false;
  }

  void try_unknown(Node& n, StepKind kind, std::uint32_t w, std::uint32_t c, Time e, Time limit) {
    const Interval& u = kind == StepKind::kForever ? forever_[w] : returning_[w];
    const Time d = std::max({u.call, n.d, e});
    if (d > std::min(u.ret, limit)) return;
    n.steps.push_back({kind, w, c, e, d});
  }

  std::string key(const Node& n) const {
    std::string k;
    auto put = [&k](std::uint64_t v) { k.append(reinterpret_cast<const char*>(&v), sizeof v); };
    auto put_bits = [&](const std::vector<std::uint64_t>& b, std::size_t from_word) {
      std::size_t end = b.size();
      while (end > from_word && b[end - 1] == 0) --end;
      put(end - from_word);
      for (std::size_t i = from_word; i < end; ++i) put(b[i]);
    };
    put(n.first_open);
    put_bits(n.done, n.first_open / 64);
    put(n.forever_used);
    put_bits(n.taken, 0);
    put_bits(n.used, 0);
    return k;
  }

  // The steps on the stack, turned into a linearization: every operation at
  // its time, ties by step (an enqueue before its dequeue), known enqueues
  // not dequeued at their returns, after everything else at that time.
  SearchResult success() {
    struct Event {
      Time t;
      std::size_t step;
      int half;  // 0: enqueue, 1: dequeue
      std::size_t op;
    };
    std::vector<Event> events;
    std::vector<char> taken(in_.enqueues.size(), 0);
    for (std::size_t i = 1; i < stack_.size(); ++i) {
      const Step& s = stack_[i].via;
      if (s.enqueue >= 0) {
        taken[static_cast<std::size_t>(s.enqueue)] = 1;
        events.push_back({s.e, i, 0, enqueue(static_cast<std::size_t>(s.enqueue)).op});
      }
      const Interval& deq = s.kind == StepKind::kKnown     ? in_.dequeues[s.index].self
                            : s.kind == StepKind::kForever ? forever_[s.index]
                                                           : returning_[s.index];
      events.push_back({s.d, i, 1, deq.op});
    }
    for (std::size_t k = 0; k < in_.enqueues.size(); ++k) {
      if (!taken[k] && in_.enqueues[k].known) events.push_back({enqueue(k).ret, stack_.size(), 0, enqueue(k).op});
    }
    std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
      if (a.t != b.t) return a.t < b.t;
      if (a.step != b.step) return a.step < b.step;
      return a.half < b.half;
    });
    SearchResult r{Outcome::kLinearizable, {}};
    for (const Event& ev : events) r.linearization.push_back(ev.op);
    return r;
  }

  Input in_;
  Deadline& deadline_;
  CheckStats& stats_;
  bool refuted_ = false;                            // a value dequeued more often than enqueued
  std::vector<std::uint32_t> by_return_;            // known dequeues by return
  std::vector<std::uint32_t> must_take_by_return_;  // enqueues that must be dequeued or stay, by return
  std::vector<char> surplus_;  // per value: dequeued, but enqueued more often than known dequeues returned it
  std::vector<std::vector<std::uint32_t>> known_;         // per observed value: known enqueues, by call
  std::vector<std::uint32_t> unobserved_;                 // known enqueues of values never dequeued, by call
  std::vector<std::vector<std::uint32_t>> forever_of_;    // per value: unknown enqueues that never return
  std::vector<std::vector<std::uint32_t>> returning_of_;  // per value: unknown enqueues that return
  std::vector<Interval> forever_;                         // unknown dequeues that never return, by call
  std::vector<Interval> returning_;                       // unknown dequeues that return, by call
  std::vector<Node> stack_;
  // Per set of steps taken: the (e, d) of the nodes that failed.
  absl::flat_hash_map<std::string, std::vector<std::pair<Time, Time>>> failed_;
  Time reached_ = std::numeric_limits<Time>::min();
  bool started_ = false;
};

// The queue search for `part`, or nullptr when it does not apply: the model
// is not a FIFO queue, or the part has a size().
template <Model M>
std::unique_ptr<PartSearch> make_queue_search(const M& /*model*/, const HistoryOf<M>& history,
                                              const std::vector<std::size_t>& part, const Reductions& reductions,
                                              Deadline& deadline, CheckStats& stats) {
  if constexpr (!IsQueueModel<M>::value) {
    return nullptr;
  } else {
    if (!reductions.queue_by_values) return nullptr;
    using Kind = typename M::Kind;
    using Value = std::decay_t<decltype(M::Input::value)>;
    QueueSearch::Input in;
    absl::flat_hash_map<Value, std::uint32_t> numbers;
    auto number = [&](const Value& v) { return numbers.try_emplace(v, numbers.size()).first->second; };
    for (std::size_t i : part) {
      const auto& op = history[i];
      const QueueSearch::Interval interval{op.call, op.ret, i};
      switch (op.input.kind) {
        case Kind::kSize:
          return nullptr;
        case Kind::kPut:
          in.enqueues.push_back({interval, number(op.input.value), op.output.has_value()});
          break;
        case Kind::kTake:
          if (!op.output) {
            in.unknown_dequeues.push_back(interval);
          } else {
            in.dequeues.push_back({interval, op.output->value ? std::int64_t{number(*op.output->value)} : -1});
          }
          break;
      }
    }
    in.values = static_cast<std::uint32_t>(numbers.size());
    return std::make_unique<QueueSearch>(std::move(in), deadline, stats);
  }
}

}  // namespace weft::lin::detail
