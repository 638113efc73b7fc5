// The checker's behaviour on hand-made histories: concurrency, unknown
// outcomes, time limits, partitions, explanations, user-written models.
#include "weft/lin/check.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "reference_check.h"
#include "weft/lin/models/collections.h"
#include "weft/lin/models/kv.h"
#include "weft/lin/models/register.h"

namespace weft::lin {
namespace {

using R = RegisterModel;

OperationOf<R> op(std::int64_t client, R::Input in, std::optional<R::Output> out, Time call, Time ret) {
  return {.client = client, .input = in, .output = out, .call = call, .ret = ret};
}

TEST(Check, EmptyHistoryIsLinearizable) { EXPECT_EQ(check(R{}, {}).verdict, Verdict::kLinearizable); }

TEST(Check, OverlappingOperationsMayTakeEffectInEitherOrder) {
  // The read overlaps the write, so it may see the new value or the old one.
  HistoryOf<R> h = {op(0, R::write(1), R::ok(), 0, 10), op(1, R::read(), R::value(1), 2, 3)};
  EXPECT_EQ(check(R{}, h).verdict, Verdict::kLinearizable);
  h[1].output = R::value(R::kNil);
  EXPECT_EQ(check(R{}, h).verdict, Verdict::kLinearizable);
  // Once the write has returned, a later read must see it.
  h[1].call = 11;
  h[1].ret = 12;
  EXPECT_EQ(check(R{}, h).verdict, Verdict::kNotLinearizable);
}

TEST(Check, IntervalsAreClosed) {
  // The read is called at the very time the write returns: they overlap.
  HistoryOf<R> h = {op(0, R::write(1), R::ok(), 0, 5), op(1, R::read(), R::value(R::kNil), 5, 6)};
  EXPECT_EQ(check(R{}, h).verdict, Verdict::kLinearizable);
}

TEST(Check, UnknownOutcomeMayHappenLateOrNever) {
  // write(1) timed out: it may take effect after the first read...
  HistoryOf<R> h = {op(0, R::write(1), std::nullopt, 0, kEndOfTime), op(1, R::read(), R::value(R::kNil), 5, 6),
                    op(1, R::read(), R::value(1), 7, 8)};
  EXPECT_EQ(check(R{}, h).verdict, Verdict::kLinearizable);
  // ...or never.
  h[2].output = R::value(R::kNil);
  EXPECT_EQ(check(R{}, h).verdict, Verdict::kLinearizable);
  // But it cannot take effect before it was called.
  h = {op(1, R::read(), R::value(1), 0, 1), op(0, R::write(1), std::nullopt, 2, kEndOfTime)};
  EXPECT_EQ(check(R{}, h).verdict, Verdict::kNotLinearizable);
}

TEST(Check, UnknownOutcomeTakesEffectByItsReturnOrNever) {
  // write(1) has no output but returned at 1: it took effect by then, or never.
  HistoryOf<R> h = {op(0, R::write(1), std::nullopt, 0, 1), op(1, R::read(), R::value(R::kNil), 5, 6),
                    op(1, R::read(), R::value(1), 7, 8)};
  EXPECT_EQ(check(R{}, h).verdict, Verdict::kNotLinearizable);
  h[1].output = R::value(1);
  EXPECT_EQ(check(R{}, h).verdict, Verdict::kLinearizable);
  h[1].output = h[2].output = R::value(R::kNil);
  EXPECT_EQ(check(R{}, h).verdict, Verdict::kLinearizable);
}

TEST(Check, ReturnsALinearizationThatRespectsRealTime) {
  HistoryOf<R> h = {op(0, R::write(1), R::ok(), 0, 10), op(1, R::read(), R::value(1), 1, 2),
                    op(2, R::write(2), R::ok(), 3, 4), op(1, R::read(), R::value(2), 5, 6)};
  CheckResult r = check(R{}, h);
  ASSERT_EQ(r.verdict, Verdict::kLinearizable);
  ASSERT_EQ(r.linearizations.size(), 1u);
  EXPECT_EQ(r.linearizations[0], (std::vector<std::size_t>{0, 1, 2, 3}));
}

TEST(Check, TimeLimitGivesUnknown) {
  // 24 concurrent writes and a read of a value nobody wrote: refuting it
  // means trying every subset of writes, far more than a zero time limit.
  HistoryOf<R> h;
  for (int i = 0; i < 24; ++i) h.push_back(op(i, R::write(i), R::ok(), 0, 100));
  h.push_back(op(99, R::read(), R::value(1000), 1, 100));
  CheckOptions options;
  options.time_limit = absl::ZeroDuration();
  options.reductions.greedy_read_only = false;
  options.reductions.register_reads_guide_writes = false;  // it would refute the read before searching
  CheckResult r = check(R{}, h, options);
  EXPECT_EQ(r.verdict, Verdict::kUnknown);
  EXPECT_FALSE(r.message.empty());
}

// A long history whose first operation never returns: the search must stay
// near linear (cuts still apply around the optional operation).
TEST(Check, LongHistoryWithAnEarlyTimeoutStaysTractable) {
  HistoryOf<R> h = {op(99, R::write(7), std::nullopt, 0, kEndOfTime)};
  Time t = 1;
  std::int64_t value = R::kNil;
  for (int i = 0; i < 5000; ++i, t += 2) {
    if (i % 2 == 0) {
      value = i % 5;
      h.push_back(op(i % 3, R::write(value), R::ok(), t, t + 1));
    } else {
      h.push_back(op(i % 3, R::read(), R::value(value), t, t + 1));
    }
  }
  CheckOptions options;
  options.explain = false;  // explanations of long histories are budgeted, see explain.h
  EXPECT_EQ(check(R{}, h, options).verdict, Verdict::kLinearizable);
  h.back().output = R::value(42);  // a value nobody wrote
  CheckResult r = check(R{}, h, options);
  EXPECT_EQ(r.verdict, Verdict::kNotLinearizable);
}

TEST(Check, RejectsOperationsThatReturnBeforeTheirCall) {
  HistoryOf<R> h = {op(0, R::write(1), R::ok(), 5, 4)};
  CheckResult r = check(R{}, h);
  EXPECT_EQ(r.verdict, Verdict::kUnknown);
  EXPECT_NE(r.message.find("returns before it is called"), std::string::npos);
}

// The explanation must be a genuine witness: the core alone is not
// linearizable, and it is minimal (dropping any one operation's outcome makes
// it linearizable); the prefix linearization is a valid sequential run.
TEST(Check, ExplainsAViolationWithAMinimalCoreAndTheLongestPrefix) {
  HistoryOf<R> h = {
      op(0, R::write(1), R::ok(), 0, 1),     op(1, R::read(), R::value(1), 2, 3),
      op(0, R::write(2), R::ok(), 4, 5),     op(2, R::write(3), R::ok(), 4, 9),
      op(1, R::read(), R::value(2), 6, 7),   op(1, R::read(), R::value(1), 10, 11),  // stale
      op(0, R::read(), R::value(3), 12, 13),
  };
  CheckResult r = check(R{}, h);
  ASSERT_EQ(r.verdict, Verdict::kNotLinearizable);
  ASSERT_TRUE(r.explained);
  EXPECT_TRUE(r.core_is_minimal);
  EXPECT_EQ(r.first_failing, (std::vector<std::size_t>{5}));
  EXPECT_TRUE(r.has_prefix);
  EXPECT_EQ(r.prefix_end, 9);
  // The stale read and one operation that pins a newer value before it: a
  // minimal witness has two operations, the stale read among them.
  ASSERT_EQ(r.core.size(), 2u);
  EXPECT_NE(std::find(r.core.begin(), r.core.end(), 5u), r.core.end());

  // The core cannot be linearized even when every other operation's outcome
  // is unknown, and it is minimal: with one more unknown, it can.
  auto relax_all_but = [&](const std::vector<std::size_t>& keep) {
    HistoryOf<R> relaxed = h;
    for (std::size_t i = 0; i < h.size(); ++i) {
      if (std::find(keep.begin(), keep.end(), i) == keep.end()) relaxed[i].output.reset();
    }
    return relaxed;
  };
  EXPECT_EQ(check(R{}, relax_all_but(r.core)).verdict, Verdict::kNotLinearizable);
  for (std::size_t k = 0; k < r.core.size(); ++k) {
    std::vector<std::size_t> fewer = r.core;
    fewer.erase(fewer.begin() + static_cast<long>(k));
    EXPECT_EQ(check(R{}, relax_all_but(fewer)).verdict, Verdict::kLinearizable) << k;
  }

  // Replaying the prefix linearization is legal step by step.
  R::State s = R{}.initial();
  for (std::size_t i : r.prefix_linearization) {
    auto next = R{}.step(s, h[i].input, *h[i].output);
    ASSERT_TRUE(next.has_value()) << "step " << i;
    s = *next;
  }
  EXPECT_EQ(r.prefix_linearization.size(), 5u);  // everything that returned by time 9
}

// With no time for it, the explanation still shows a witness (the failing
// part's operations) and says that it stopped early.
TEST(Check, ExplanationStopsAtItsBudgetAndSaysSo) {
  HistoryOf<R> h = {op(0, R::write(1), R::ok(), 0, 1), op(1, R::read(), R::value(1), 2, 3),
                    op(0, R::write(2), R::ok(), 4, 5), op(1, R::read(), R::value(1), 6, 7)};
  CheckOptions options;
  options.explain_time_limit = absl::ZeroDuration();
  CheckResult r = check(R{}, h, options);
  ASSERT_EQ(r.verdict, Verdict::kNotLinearizable);
  EXPECT_TRUE(r.explained);
  EXPECT_FALSE(r.core_is_minimal);
  EXPECT_FALSE(r.prefix_is_longest);
  EXPECT_EQ(r.core.size(), 4u);  // everything up to the shortest failing prefix known: all of it
  EXPECT_EQ(r.first_failing, (std::vector<std::size_t>{3}));
  // With the default budget it completes.
  r = check(R{}, h);
  EXPECT_TRUE(r.core_is_minimal);
  EXPECT_TRUE(r.prefix_is_longest);
  EXPECT_EQ(r.core.size(), 2u);
}

// The verdict is reported as soon as it is known, before the explanation.
TEST(Check, ReportsTheVerdictBeforeExplaining) {
  HistoryOf<R> h = {op(0, R::write(1), R::ok(), 0, 1), op(1, R::read(), R::value(R::kNil), 2, 3)};
  CheckOptions options;
  std::vector<Verdict> seen;
  options.on_verdict = [&](const CheckResult& r) {
    seen.push_back(r.verdict);
    EXPECT_FALSE(r.explained);
  };
  CheckResult r = check(R{}, h, options);
  EXPECT_EQ(seen, (std::vector<Verdict>{Verdict::kNotLinearizable}));
  EXPECT_TRUE(r.explained);
  h[1].output = R::value(1);
  r = check(R{}, h, options);
  EXPECT_EQ(seen, (std::vector<Verdict>{Verdict::kNotLinearizable, Verdict::kLinearizable}));
}

// An unknown verdict says how far the search got.
TEST(Check, UnknownVerdictTellsHowFarTheSearchGot) {
  // Two parts: one easy, one with a read of a value nobody wrote behind 24
  // concurrent writes (every subset of them is tried).
  using Kv = KvModel;
  HistoryOf<Kv> h = {{.client = 0, .input = Kv::put("a", "1"), .output = Kv::done(), .call = 0, .ret = 1},
                     {.client = 1, .input = Kv::get("a"), .output = Kv::value("1"), .call = 2, .ret = 3}};
  for (int i = 0; i < 24; ++i) {
    h.push_back(
        {.client = 10 + i, .input = Kv::append("b", std::to_string(i)), .output = Kv::done(), .call = 10, .ret = 100});
  }
  h.push_back({.client = 99, .input = Kv::put("b", "x"), .output = Kv::done(), .call = 5, .ret = 6});
  h.push_back({.client = 98, .input = Kv::get("b"), .output = Kv::value("nobody"), .call = 11, .ret = 100});
  CheckOptions options;
  options.time_limit = absl::Milliseconds(20);
  options.reductions.greedy_read_only = false;
  options.reductions.kv_reads_guide_writes = false;  // it would refute the read at once (below)
  CheckResult r = check(Kv{}, h, options);
  ASSERT_EQ(r.verdict, Verdict::kUnknown);
  EXPECT_EQ(r.stats.parts, 2u);
  EXPECT_EQ(r.stats.parts_decided, 1u);
  EXPECT_EQ(r.stats.reached, 100);  // everything that returned before 100 (the put) was linearized

  // With reads guiding the kv search, no subset of the appends is tried: no
  // append builds "nobody" from "x", and no put of a prefix of it is left.
  options.reductions.kv_reads_guide_writes = true;
  options.explain = false;
  r = check(Kv{}, h, options);
  EXPECT_EQ(r.verdict, Verdict::kNotLinearizable);
  EXPECT_LT(r.stats.nodes, 100u);
}

TEST(Check, ExplanationCanBeTurnedOff) {
  HistoryOf<R> h = {op(0, R::read(), R::value(7), 0, 1)};
  CheckOptions options;
  options.explain = false;
  CheckResult r = check(R{}, h, options);
  EXPECT_EQ(r.verdict, Verdict::kNotLinearizable);
  EXPECT_FALSE(r.explained);
  EXPECT_TRUE(r.core.empty());
}

// What docs/linearizability.md promises: a model in a few lines.
struct MaxRegister {
  using State = int;
  struct Input {
    bool is_write;
    int value;
    bool operator==(const Input&) const = default;
  };
  using Output = int;  // the value a read returned; ignored for writes
  State initial() const { return 0; }
  std::optional<State> step(State s, const Input& in, Output out) const {
    if (in.is_write) return std::max(s, in.value);
    return out == s ? std::optional<State>(s) : std::nullopt;
  }
  std::string describe(const Input& in, const std::optional<Output>& out) const {
    return in.is_write ? "write_max(" + std::to_string(in.value) + ")"
                       : "read() -> " + (out ? std::to_string(*out) : "?");
  }
};
static_assert(Model<MaxRegister>);

TEST(Check, WorksWithAUserWrittenModel) {
  HistoryOf<MaxRegister> h = {
      {.client = 0, .input = {true, 5}, .output = 0, .call = 0, .ret = 1},
      {.client = 1, .input = {true, 3}, .output = 0, .call = 2, .ret = 3},
      {.client = 0, .input = {false, 0}, .output = 5, .call = 4, .ret = 5},
  };
  EXPECT_EQ(check(MaxRegister{}, h).verdict, Verdict::kLinearizable);
  h[2].output = 3;
  EXPECT_EQ(check(MaxRegister{}, h).verdict, Verdict::kNotLinearizable);
}

TEST(Check, UnknownOutcomeNeedsStepUnknown) {
  HistoryOf<MaxRegister> h = {{.client = 0, .input = {true, 5}, .output = std::nullopt, .call = 0}};
  CheckResult r = check(MaxRegister{}, h);
  EXPECT_EQ(r.verdict, Verdict::kUnknown);
  EXPECT_NE(r.message.find("step_unknown"), std::string::npos);
}

}  // namespace
}  // namespace weft::lin
