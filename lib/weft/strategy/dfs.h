// dfs:K: bounded exhaustive search with iterative preemption bounding
// (Musuvathi and Qadeer, "Iterative context bounding", PLDI 2007; CHESS),
// pruned by dynamic partial-order reduction (source-set DPOR, Abdulla,
// Aronis, Jonsson and Sagonas, POPL 2014).
//
// Every execution follows a path through the tree of the program's choices:
// at each scheduling point with two or more enabled threads, which runs; at
// each weft::choose(n) (condition-variable wakeups included), which value.
// Depth-first, the search runs every path whose number of preemptions is at
// most the bound, first for bound 0, then 1, ..., then K, so the first bug it
// finds is one with the fewest preemptions. A path is its deviations from a
// default: at a thread point the running thread goes on; when it cannot (it
// blocked, finished, or spins), the next thread in turn. Taking another
// thread than a running one is a preemption and costs 1; so do two choices
// that the default avoids on purpose: running a thread again right after it
// showed evidence of spinning (a yield, a sleep, a repeated failed CAS: each
// such re-run is bounded by K, so a spin loop cannot make a path endless),
// and waking a blocked thread by its timeout (virtual time jumps) while
// another can run. Values of choose() and switches where the running thread
// cannot go on are free. A program whose choices are not all under weft's
// control (real time, real randomness) makes paths that do not repeat: at a
// point whose options differ from the recorded ones the search drops the
// rest of the recorded path and goes on from there (it may then miss
// schedules; weft::replay of a token reports such a program).
//
// DPOR: two schedules that differ only in the order of steps that commute
// (strategy/trace_order.h) are one Mazurkiewicz trace (a "class") and reach
// the same states, so a thread point explores only the threads a race of
// the executions below it asks for: when step e' races with a later step e,
// some thread that can begin a schedule reversing them (TraceOrder::Race::
// initials) is added at the point before e'. Choose() values and points
// where a blocked thread may wake by its timeout are explored in full.
// Under a preemption bound, the reversal at the point before e' may cost a
// preemption the bound forbids where a schedule switching earlier would not
// (Coons, Musuvathi and McKinley, "Bounded partial-order reduction", OOPSLA
// 2013): the conservative fix they describe is applied, the same reversal
// is also added at the point where the run of steps of e''s thread
// that e' ends began. Without
// sleep sets, a class may run more than once (source-set DPOR's redundancy).
// "dfs:K:nodpor" turns the reduction off; "dpor" runs it with no bound.
//
// The search keeps only the current path (strategy/search_path.h: each
// decision's options, which were explored and which a race asked for, in 8
// bytes) and the execution's steps as the reduction reads them
// (strategy/order_steps.h, 8 bytes each), so memory grows with the length of
// one execution by about 16 bytes per step of two threads, plus one hash
// per distinct schedule and per class. The reduction walks the steps with a
// clock per thread and per object (strategy/trace_order.h), not per step. Each
// bound's pass re-runs schedules of the lower bounds to reach their new
// deviations (their count is Result::executions; the distinct schedules are
// Result::schedules).
//
// Seed tokens: "dfs<K>d<i>x<v>.<i>x<v>..." ("dpord..." for "dpor") lists
// the deviations of one execution (decision index i took value v), so it
// replays alone.
//
//   std::unique_ptr<Strategy> s = make_strategy("dfs:2").value();
//   while (!s->search_done()) { run one execution with s; }
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "weft/strategy/order_steps.h"
#include "weft/strategy/search_path.h"
#include "weft/strategy/strategy.h"

namespace weft::detail {

class DfsStrategy final : public Strategy {
 public:
  // One decision the path took against its default.
  struct Deviation {
    uint64_t decision = 0;  // index among the execution's decisions
    uint32_t value = 0;     // the thread id or the choose() value taken
  };

  // A preemption bound that does not bound: "dpor".
  static constexpr int kUnbounded = -1;

  // The search, up to `bound` preemptions (or kUnbounded), with or without
  // partial-order reduction.
  DfsStrategy(int bound, bool dpor);
  // One execution: the defaults but for `deviations` (a seed token).
  DfsStrategy(int bound, std::vector<Deviation> deviations);

  // "dfs:K" -> K with DPOR, "dfs:K:nodpor" -> K without, "dpor" -> no
  // bound, "dfs<K>d..." and "dpord..." -> the one execution; other text:
  // not ok.
  static absl::StatusOr<std::unique_ptr<DfsStrategy>> parse(absl::string_view spec);

  void begin_execution(uint64_t seed, uint64_t index) override;
  void end_execution(uint64_t choice_points) override;
  void thread_spinning(ThreadId id) override;
  ThreadId pick_thread(std::span<const ThreadId> enabled, ThreadId current) override;
  uint32_t pick_value(uint32_t n) override;
  // Yes: the partial order of every step, for the reduction.
  bool wants_steps() const override { return true; }
  void step_taken(const RawEvent& step) override { steps_.push(step, std::exchange(chosen_pending_, false)); }
  std::string name() const override;
  std::string replay_spec() const override;
  bool search_done() const override { return done_; }
  std::optional<SearchCoverage> coverage() const override;

  // The preemptions of the last execution's path.
  int last_preemptions() const { return last_cost_; }

 private:
  // Decision `next_` of shape `shape` (strategy/search_path.h): the
  // recorded one if the program offers the same options, else a new one
  // (taking its default, or the deviation a fixed replay names) in place of
  // the rest of the path. Returns its index.
  size_t enter(uint32_t shape, bool full);
  // Moves the path to its next schedule within the bound; false when none.
  bool advance();
  int rank(ThreadId t) const;
  bool unbounded() const { return max_bound_ == kUnbounded; }
  // Records the execution's class, and with DPOR the reversals its races ask for.
  void reduce();
  // Asks decision `at` to explore one of `initials` (all of its options if
  // none of them is one).
  void want(size_t at, const std::vector<ThreadId>& initials);
  // For each of `steps` (increasing), the thread point of the path that
  // chose it, or kNoPoint.
  std::vector<size_t> points_of(const std::vector<size_t>& steps) const;
  static constexpr size_t kNoPoint = static_cast<size_t>(-1);

  int max_bound_;
  bool dpor_ = false;
  int bound_ = 0;  // the pass running now: 0 .. max_bound_
  SearchPath path_;
  std::vector<uint32_t> options_;  // the thread point being made: its options...
  std::vector<uint8_t> costs_;     // ...and their costs (reused)
  size_t next_ = 0;                // the decision being made
  int cost_ = 0;                   // preemptions so far in this execution
  int last_cost_ = 0;
  std::vector<bool> spinning_;  // since it last ran at a choice point
  bool pruned_ = false;         // this pass left out a schedule over its bound
  bool done_ = false;           // every pass ran
  bool complete_ = false;       // ...and the last left nothing out
  bool fixed_ = false;          // replaying one execution
  std::vector<Deviation> deviations_;
  OrderSteps steps_;                         // this execution's, so far
  bool chosen_pending_ = false;              // a thread point chose the step to come
  absl::flat_hash_set<uint64_t> schedules_;  // hashes of the distinct paths run
  absl::flat_hash_set<uint64_t> classes_;    // hashes of their partial orders
};

}  // namespace weft::detail
