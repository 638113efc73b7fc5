// An exact search for FIFO queue histories whose enqueued values are
// distinct (data independence, as in Henzinger, Sezgin & Vafeiadis, CONCUR
// 2013, and Bouajjani, Emmi, Enea & Hamza, ICALP 2015). The general search
// (search.h) linearizes enqueues one by one, so its state records the order
// of concurrent enqueues long before a dequeue shows which it was, and the
// number of states grows exponentially with the enqueues in flight. Here
// enqueues are never searched: with distinct values, a dequeue names the
// enqueue it takes, and FIFO order makes the enqueues of dequeued values
// follow the order of their dequeues.
//
//   auto s = make_queue_search(model, history, part, reductions, deadline, stats);
//   if (s) r = s->resume(budget);   // nullptr: values repeat, or a size(); use search.h
//
// The search only orders *dequeue steps*: a known dequeue that returned v (the
// enqueue of v goes with it), a known dequeue that found the queue empty, or
// a dequeue of unknown outcome that took a value no known dequeue returned
// (a "stuck" value). An order is feasible iff it can be given times: every
// operation at one time within [call, ret], enqueue times increasing along
// the order, dequeue times increasing along it, each value's enqueue no later
// than its dequeue, every value dequeued after an empty dequeue enqueued no
// earlier than it, and every stuck value left in the queue enqueued no earlier
// than the last enqueue and empty dequeue. (Operations ordered by these times,
// ties broken by the order of the steps, give a linearization, and any
// linearization gives such times: an operation's time is the latest call up to
// it.) The constraints only bound times from below, so the earliest times are
// found greedily and are the best: a node is (dequeue steps taken, latest
// enqueue time e, latest dequeue time d), and one with larger e and d and the
// same steps taken can only fail where it fails.
//
// Unknown outcomes, exactly:
//  - An enqueue of unknown outcome whose value some known dequeue returned did
//    take effect, within its interval; one whose value no known dequeue
//    returned is left out: it can only block others (a dequeue of unknown
//    outcome taking it is the same as neither happening).
//  - A dequeue of unknown outcome matters only when it takes a stuck value (on
//    an empty queue it changes nothing, and it cannot take a value a known
//    dequeue returns: values are distinct). Such a step is tried at any node.
//    Of two stuck values where one's interval starts and ends no later, the
//    earlier is taken first (exchanging them keeps every time in its
//    interval); of the dequeues of unknown outcome that never return, the
//    earliest-called is used first (the same argument).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
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
  // A known dequeue: it returned the value enqueued by `enqueue`, or found
  // the queue empty (enqueue < 0).
  struct KnownDequeue {
    Interval self;
    std::int64_t enqueue = -1;  // index into enqueues
  };
  struct Input {
    std::vector<Interval> enqueues;          // of values some known dequeue returned, and stuck ones
    std::vector<KnownDequeue> dequeues;      // known outcome
    std::vector<std::uint32_t> stuck;        // indices into enqueues: known, no known dequeue returned it
    std::vector<Interval> unknown_dequeues;  // outcome unknown
    bool refuted = false;                    // a value dequeued twice, or never enqueued
  };

  QueueSearch(Input in, Deadline& deadline, CheckStats& stats)
      : in_(std::move(in)), deadline_(deadline), stats_(stats) {
    auto by_call = [](const Interval& a, const Interval& b) {
      return a.call != b.call ? a.call < b.call : a.ret < b.ret;
    };
    std::stable_sort(in_.dequeues.begin(), in_.dequeues.end(),
                     [&](const KnownDequeue& a, const KnownDequeue& b) { return by_call(a.self, b.self); });
    for (std::uint32_t k = 0; k < in_.dequeues.size(); ++k) by_return_.push_back(k);
    std::stable_sort(by_return_.begin(), by_return_.end(), [&](std::uint32_t a, std::uint32_t b) {
      return in_.dequeues[a].self.ret < in_.dequeues[b].self.ret;
    });
    for (std::uint32_t k = 0; k < in_.dequeues.size(); ++k) {
      if (in_.dequeues[k].enqueue >= 0) by_enqueue_return_.push_back(k);
    }
    std::stable_sort(by_enqueue_return_.begin(), by_enqueue_return_.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return enqueue_of(a).ret < enqueue_of(b).ret; });
    std::stable_sort(in_.stuck.begin(), in_.stuck.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return by_call(in_.enqueues[a], in_.enqueues[b]); });
    for (std::uint32_t k = 0; k < in_.stuck.size(); ++k) stuck_by_return_.push_back(k);
    std::stable_sort(stuck_by_return_.begin(), stuck_by_return_.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return stuck(a).ret < stuck(b).ret; });
    for (const Interval& u : in_.unknown_dequeues) (u.ret == kEndOfTime ? forever_ : returning_).push_back(u);
    std::stable_sort(forever_.begin(), forever_.end(), by_call);
    std::stable_sort(returning_.begin(), returning_.end(), by_call);
  }

  SearchResult resume(std::uint64_t work_budget) override {
    if (in_.refuted) return {Outcome::kNotLinearizable, {}};
    if (!started_) {
      started_ = true;
      Node root;
      root.done.assign(words(in_.dequeues.size()), 0);
      root.taken.assign(words(in_.stuck.size()), 0);
      root.used.assign(words(returning_.size()), 0);
      if (settle(root) == Settled::kDone) return success();
      stack_.push_back(std::move(root));
    }
    const std::uint64_t stop_at = work_budget > std::numeric_limits<std::uint64_t>::max() - work_done(stats_)
                                      ? std::numeric_limits<std::uint64_t>::max()
                                      : work_done(stats_) + work_budget;
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
  // unknown outcome (index into forever_ or returning_) taking the stuck
  // value stuck(value).
  struct Step {
    StepKind kind = StepKind::kKnown;
    std::uint32_t index = 0;
    std::uint32_t value = 0;
    Time e = 0;  // the enqueue's time (unchanged for an empty dequeue)
    Time d = 0;  // the dequeue's time
  };
  struct Node {
    std::vector<std::uint64_t> done;            // known dequeues taken
    std::vector<std::uint64_t> taken;           // stuck values taken
    std::vector<std::uint64_t> used;            // returning_ used
    std::uint32_t forever_used = 0;             // forever_[0, forever_used) used
    Time e = std::numeric_limits<Time>::min();  // no later enqueue of a dequeued value may be earlier
    Time d = std::numeric_limits<Time>::min();  // latest dequeue time
    std::uint32_t first_open = 0;               // dequeues: first not done
    std::uint32_t return_cursor = 0;            // by_return_: first not done
    std::uint32_t enqueue_return_cursor = 0;    // by_enqueue_return_: first not done
    std::uint32_t stuck_cursor = 0;             // stuck_by_return_: first not taken
    Step via;                                   // the step that led here
    std::vector<Step> steps;                    // the steps to try from here
    std::size_t next_step = 0;
  };
  enum class Settled { kOpen, kSeen, kDone };

  static std::size_t words(std::size_t bits) { return (bits + 63) / 64; }
  static bool test(const std::vector<std::uint64_t>& b, std::size_t i) { return (b[i / 64] >> (i % 64)) & 1; }
  static void set(std::vector<std::uint64_t>& b, std::size_t i) { b[i / 64] |= std::uint64_t{1} << (i % 64); }

  const Interval& enqueue_of(std::uint32_t dequeue) const {
    return in_.enqueues[static_cast<std::size_t>(in_.dequeues[dequeue].enqueue)];
  }
  const Interval& stuck(std::uint32_t k) const { return in_.enqueues[in_.stuck[k]]; }

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
    child.enqueue_return_cursor = parent.enqueue_return_cursor;
    child.stuck_cursor = parent.stuck_cursor;
    child.e = step.e;
    child.d = step.d;
    child.via = step;
    switch (step.kind) {
      case StepKind::kKnown:
        set(child.done, step.index);
        break;
      case StepKind::kForever:
        child.forever_used = step.index + 1;
        set(child.taken, step.value);
        break;
      case StepKind::kReturning:
        set(child.used, step.index);
        set(child.taken, step.value);
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
    while (n.enqueue_return_cursor < by_enqueue_return_.size() &&
           test(n.done, by_enqueue_return_[n.enqueue_return_cursor])) {
      ++n.enqueue_return_cursor;
    }
    while (n.stuck_cursor < stuck_by_return_.size() && test(n.taken, stuck_by_return_[n.stuck_cursor])) {
      ++n.stuck_cursor;
    }
    const Time limit = bound(n);
    // Dead: a dequeue not taken returned before the latest dequeue; a value
    // still to be dequeued, or a stuck one, was enqueued for sure before the
    // latest enqueue or empty dequeue (it would be ahead of a value already
    // dequeued, or in the queue when it was empty).
    if (n.d > limit) return Settled::kSeen;
    if (n.enqueue_return_cursor < by_enqueue_return_.size() &&
        enqueue_of(by_enqueue_return_[n.enqueue_return_cursor]).ret < n.e) {
      return Settled::kSeen;
    }
    if (n.stuck_cursor < stuck_by_return_.size() && stuck(stuck_by_return_[n.stuck_cursor]).ret < n.e) {
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

  void list_steps(Node& n, Time limit) {
    // Known dequeues, by call.
    for (std::uint32_t k = n.first_open; k < in_.dequeues.size(); ++k) {
      const KnownDequeue& q = in_.dequeues[k];
      if (q.self.call > limit) break;
      if (test(n.done, k)) continue;
      Time e = n.e;
      if (q.enqueue >= 0) {
        const Interval& enq = enqueue_of(k);
        e = std::max(enq.call, n.e);
        if (e > enq.ret) continue;
      }
      const Time d = std::max({q.self.call, n.d, e});
      if (d > std::min(q.self.ret, limit)) continue;
      // An empty dequeue: whatever is dequeued later was enqueued after it.
      n.steps.push_back({StepKind::kKnown, k, 0, q.enqueue >= 0 ? e : std::max(n.e, d), d});
    }
    if (forever_.size() == n.forever_used && returning_.empty()) return;
    // Dequeues of unknown outcome taking a stuck value: the values not
    // dominated by another one not taken (earlier or equal call and return).
    Time best_return = kEndOfTime;
    bool first = true;
    for (std::uint32_t s = 0; s < in_.stuck.size(); ++s) {
      const Interval& value = stuck(s);
      if (value.call > limit) break;
      if (test(n.taken, s)) continue;
      if (!first && value.ret >= best_return) continue;
      first = false;
      best_return = value.ret;
      const Time e = std::max(value.call, n.e);
      if (e > value.ret) continue;
      if (n.forever_used < forever_.size()) try_unknown(n, StepKind::kForever, n.forever_used, s, e, limit);
      Time last_call = std::numeric_limits<Time>::min(), last_ret = last_call;
      for (std::uint32_t w = 0; w < returning_.size(); ++w) {
        const Interval& u = returning_[w];
        if (u.call > limit) break;
        if (test(n.used, w) || u.ret < n.d) continue;
        if (u.call == last_call && u.ret == last_ret) continue;  // the same as the one before
        last_call = u.call;
        last_ret = u.ret;
        try_unknown(n, StepKind::kReturning, w, s, e, limit);
      }
    }
  }

  void try_unknown(Node& n, StepKind kind, std::uint32_t w, std::uint32_t s, Time e, Time limit) {
    const Interval& u = kind == StepKind::kForever ? forever_[w] : returning_[w];
    const Time d = std::max({u.call, n.d, e});
    if (d > std::min(u.ret, limit)) return;
    n.steps.push_back({kind, w, s, e, d});
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
  // its time, ties by step (an enqueue before its dequeue), stuck values not
  // taken at their returns, after everything else at that time.
  SearchResult success() {
    struct Event {
      Time t;
      std::size_t step;
      int half;  // 0: enqueue, 1: dequeue
      std::size_t op;
    };
    std::vector<Event> events;
    std::vector<char> taken(in_.stuck.size(), 0);
    for (std::size_t i = 1; i < stack_.size(); ++i) {
      const Step& s = stack_[i].via;
      if (s.kind == StepKind::kKnown) {
        const KnownDequeue& q = in_.dequeues[s.index];
        if (q.enqueue >= 0) events.push_back({s.e, i, 0, enqueue_of(s.index).op});
        events.push_back({s.d, i, 1, q.self.op});
      } else {
        taken[s.value] = 1;
        events.push_back({s.e, i, 0, stuck(s.value).op});
        events.push_back({s.d, i, 1, (s.kind == StepKind::kForever ? forever_ : returning_)[s.index].op});
      }
    }
    for (std::uint32_t s = 0; s < in_.stuck.size(); ++s) {
      if (!taken[s]) events.push_back({stuck(s).ret, stack_.size(), 0, stuck(s).op});
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
  std::vector<std::uint32_t> by_return_;          // dequeues by return
  std::vector<std::uint32_t> by_enqueue_return_;  // dequeues of a value, by the return of its enqueue
  std::vector<std::uint32_t> stuck_by_return_;    // indices into stuck, by return
  std::vector<Interval> forever_;                 // unknown dequeues that never return, by call
  std::vector<Interval> returning_;               // unknown dequeues that return, by call
  std::vector<Node> stack_;
  // Per set of steps taken: the (e, d) of the nodes that failed.
  absl::flat_hash_map<std::string, std::vector<std::pair<Time, Time>>> failed_;
  Time reached_ = std::numeric_limits<Time>::min();
  bool started_ = false;
};

// The queue search for `part`, or nullptr when it does not apply: the model
// is not a FIFO queue, the part has a size() or enqueues a value twice.
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
    absl::flat_hash_map<Value, std::uint32_t> enqueue_of;
    std::vector<std::size_t> dequeues;
    for (std::size_t i : part) {
      const auto& op = history[i];
      const QueueSearch::Interval interval{op.call, op.ret, i};
      switch (op.input.kind) {
        case Kind::kSize:
          return nullptr;
        case Kind::kPut:
          if (!enqueue_of.emplace(op.input.value, static_cast<std::uint32_t>(in.enqueues.size())).second) {
            return nullptr;  // a value enqueued twice
          }
          in.enqueues.push_back(interval);
          break;
        case Kind::kTake:
          dequeues.push_back(i);
          break;
      }
    }
    std::vector<char> returned(in.enqueues.size(), 0);
    for (std::size_t i : dequeues) {
      const auto& op = history[i];
      const QueueSearch::Interval interval{op.call, op.ret, i};
      if (!op.output) {
        in.unknown_dequeues.push_back(interval);
        continue;
      }
      QueueSearch::KnownDequeue q{interval, -1};
      if (op.output->value) {
        const auto it = enqueue_of.find(*op.output->value);
        if (it == enqueue_of.end() || returned[it->second]) {
          in.refuted = true;  // never enqueued, or dequeued twice
        } else {
          returned[it->second] = 1;
          q.enqueue = it->second;
        }
      }
      in.dequeues.push_back(q);
    }
    for (std::uint32_t k = 0; k < in.enqueues.size(); ++k) {
      if (!returned[k] && history[in.enqueues[k].op].output) in.stuck.push_back(k);
    }
    return std::make_unique<QueueSearch>(std::move(in), deadline, stats);
  }
}

}  // namespace weft::lin::detail
