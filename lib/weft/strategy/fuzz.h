// The fuzz strategy: a greybox loop over schedules, guided by interleaving
// feedback (strategy/interleaving_feedback.h), in the spirit of reads-from
// fuzzing (Wolff et al., ASPLOS 2024).
//
// A schedule is a small set of ordering constraints, each "operation A runs
// before operation B" between operations of different threads (EventKey:
// thread, object, occurrence), scheduled around by SURW (strategy/surw.h): a
// thread whose next operation must wait for another is left out of the
// enabled set until that one has run, and SURW picks among the others. So
// the part of a schedule the constraints leave free samples the order of one
// shared object's accesses uniformly, which finds bugs needing several
// preemptions at exact points, where flips of reads-from pairs alone wander
// (docs/fuzzing.md measures it against POS, the first base: 3.7-7.9x fewer
// executions on those bugs, the same within noise on the others). Each
// execution either samples afresh (no constraints) or mutates a schedule of
// the corpus:
//   - flip: reverse one pair of back-to-back conflicting operations the
//     parent ran (a read now sees another write, or a write lands before or
//     after another thread's access), on top of the parent's constraints;
//   - move: shift one constraint to the next or previous occurrence of its
//     operation (a preemption moved by one access);
//   - drop: remove one constraint.
// An execution whose feedback has a feature no earlier one had joins the
// corpus, with an energy that grows with the number of new features and
// shrinks as it is mutated.
//
// A constraint that cannot be met (every enabled thread is held back, or a
// hold lasts 1,000 picks: the operation waited for never comes) is dropped for
// the rest of the execution, so no schedule can deadlock or livelock because
// of the fuzzer.
//
// Seed-form tokens carry the execution that profiled the program for SURW
// (the fuzzer's first, which runs unconstrained) and the constraints:
// "fuzzp3" for a fresh sample, "fuzzp3r" and six numbers per constraint for
// a mutated one. The rest of the schedule comes from the seed and the
// execution index: a token replays in any process without the corpus, after
// the profile execution (replay_prerequisite).
//
//   auto fuzz = make_strategy("fuzz").value();   // WEFT_STRATEGY=fuzz
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "weft/base/rng.h"
#include "weft/strategy/interleaving_feedback.h"
#include "weft/strategy/strategy.h"
#include "weft/strategy/surw.h"

namespace weft::detail {

// `after` may not run before `before` has.
struct OrderConstraint {
  EventKey before;
  EventKey after;
  friend bool operator==(const OrderConstraint&, const OrderConstraint&) = default;
};

class FuzzStrategy final : public Strategy {
 public:
  // Explores: the corpus starts empty and grows from the feedback.
  FuzzStrategy() = default;
  // Replays (a seed-form token): the execution `profile_execution` profiles
  // the program, unconstrained, and every other one runs under `constraints`.
  FuzzStrategy(uint64_t profile_execution, std::vector<OrderConstraint> constraints)
      : replaying_(true), base_(profile_execution), replayed_(std::move(constraints)) {}
  // "fuzz" or a replay_spec() ("fuzzp3", "fuzzp3r1.0.2.3.1.0").
  static absl::StatusOr<std::unique_ptr<FuzzStrategy>> parse(absl::string_view spec);

  void begin_execution(uint64_t seed, uint64_t index) override;
  void end_execution(uint64_t choice_points) override;
  void thread_created(ThreadId id, ThreadId parent) override;
  void thread_spinning(ThreadId id) override { base_.thread_spinning(id); }
  ThreadId pick_thread(std::span<const ThreadId> enabled, ThreadId current) override;
  uint32_t pick_value(uint32_t n) override { return base_.pick_value(n); }
  // Yes: SURW's, and its feedback and constraints count every step.
  bool wants_steps() const override { return true; }
  void step_taken(const RawEvent& step) override;
  std::string name() const override { return "fuzz"; }
  std::string replay_spec() const override;
  std::optional<uint64_t> replay_prerequisite() const override { return base_.replay_prerequisite(); }

  // The corpus size and the features seen so far (tests, docs).
  size_t corpus_size() const { return corpus_.size(); }

 private:
  // A schedule of the corpus and what it offers to mutate.
  struct Entry {
    std::vector<OrderConstraint> constraints;
    std::vector<std::vector<ConflictPair>> classes;  // its conflicting pairs, by pair of sites
    int fresh = 0;                                   // features it was first to show
    int mutated = 0;                                 // times chosen as a parent
  };
  // One constraint of the running execution.
  struct Active {
    bool before_ran = false;
    bool dropped = false;
    int held = 0;  // picks it held a thread back
  };

  std::vector<OrderConstraint> mutate(const Entry& parent);
  const Entry* choose_parent();
  bool held_back(ThreadId t);
  // Keeps `p` in its class's uniform sample (at most kPerClass instances).
  void sample_pair(const ConflictPair& p);
  void add_to_corpus(int fresh);

  bool replaying_ = false;
  Rng rng_;
  SurwStrategy base_;
  std::vector<OrderConstraint> replayed_;     // the token's, when replaying
  std::vector<OrderConstraint> constraints_;  // this execution's
  std::vector<Active> active_;
  EventKeys keys_;
  std::vector<ThreadId> allowed_;  // scratch: the enabled threads not held back

  std::vector<Entry> corpus_;
  InterleavingFeedback feedback_;
  std::array<uint8_t, InterleavingFeedback::kSlots> counters_{};
  // This execution's conflicting pairs by pair of sites, in order of first
  // appearance (hash order differs between processes), each a uniform
  // sample drawn with sample_rng_: what it offers to mutate if it joins the
  // corpus (then rng_ goes on from sample_rng_, else the draws never were).
  std::vector<std::vector<ConflictPair>> classes_;
  std::vector<size_t> seen_in_class_;
  absl::flat_hash_map<uint64_t, size_t> class_of_;
  Rng sample_rng_;
  FeedbackSeen seen_;
};

}  // namespace weft::detail
