// Identical operations (detail/identical_ops.h): of identical candidates
// only the one that returns first is tried, unless an optional operation
// that could sit between them returned in between. Hand-made histories for
// each condition of the rule, and random histories full of identical,
// nested operations (register, kv, queue), checked against the exhaustive
// search under every combination of the other reductions, every reported
// linearization replayed; on larger ones, the rule on and off must agree.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "property_support.h"
#include "reference_check.h"
#include "weft/lin/check.h"
#include "weft/lin/models/collections.h"
#include "weft/lin/models/kv.h"
#include "weft/lin/models/register.h"

namespace weft::lin {
namespace {

using testing::all_reduction_sets;
using testing::linearizations_replay;
using testing::show;

using R = RegisterModel;

OperationOf<R> reg(R::Input in, std::optional<R::Output> out, Time call, Time ret) {
  return {.client = 0, .input = in, .output = out, .call = call, .ret = ret};
}

// Verdict under every combination of reductions, and the reference's.
template <class M>
void expect_verdict_everywhere(const M& model, const HistoryOf<M>& h, Verdict expected) {
  ASSERT_EQ(testing::ReferenceCheck<M>(model, h).linearizable(), expected == Verdict::kLinearizable) << show(model, h);
  for (const Reductions& reductions : all_reduction_sets()) {
    CheckOptions options;
    options.reductions = reductions;
    const CheckResult r = check(model, h, options);
    ASSERT_EQ(r.verdict, expected) << show(model, h);
    if (expected == Verdict::kLinearizable) {
      EXPECT_TRUE(linearizations_replay(model, h, r, reductions));
    }
  }
}

TEST(IdenticalOps, AnOptionalOperationReturningBetweenTheCallsKeepsBothOrders) {
  // B and A write 2; A returns first, but B must go first: the write(1) of
  // unknown outcome returns when B is called, before A is, so it can follow
  // B and not A, and both reads need it between two writes of 2. The only
  // linearization: B, read 2, write(1), read 1, A.
  const HistoryOf<R> h = {
      reg(R::write(2), R::ok(), 4, 10),      // B
      reg(R::write(2), R::ok(), 5, 8),       // A
      reg(R::write(1), std::nullopt, 0, 4),  // returns as B is called
      reg(R::read(), R::value(2), 0, 5),     // the bound when both writes are candidates
      reg(R::read(), R::value(1), 6, 7),
  };
  expect_verdict_everywhere(R{}, h, Verdict::kLinearizable);
}

TEST(IdenticalOps, OptionalOperationsGoFirstByTheRankTheCutsUse) {
  // Two identical appends of unknown outcome, i nested around o: o returns
  // first, so the rule tries o first; after o, the required-first order's
  // cut (search.h, needless_after) must not then refuse i, which it would
  // if it ranked the two the other way round.
  using M = KvModel;
  const HistoryOf<M> h = {
      {.client = 0, .input = M::append("k", "x"), .output = std::nullopt, .call = 0, .ret = 10},  // i
      {.client = 1, .input = M::append("k", "x"), .output = std::nullopt, .call = 5, .ret = 6},   // o
      {.client = 2, .input = M::get("k"), .output = M::value("xx"), .call = 7, .ret = 8},
  };
  expect_verdict_everywhere(M{}, h, Verdict::kLinearizable);
}

TEST(IdenticalOps, QueueDequeuesOfUnknownOutcomeTakeTheEarliestReturningFirst) {
  // Two dequeues of unknown outcome, both called when the first element is
  // enqueued; the queue is found empty at the end, so they took both
  // elements. The one returning at 5 must take the first: the second
  // element is enqueued at 10, when only the other can still take it.
  using M = QueueModel<int>;
  auto q = [](M::Input in, std::optional<M::Output> out, Time call, Time ret) {
    return OperationOf<M>{.client = 0, .input = in, .output = out, .call = call, .ret = ret};
  };
  const HistoryOf<M> h = {
      q(M::enqueue(0), M::done(), 0, 1),   q(M::enqueue(0), M::done(), 10, 11), q(M::dequeue(), std::nullopt, 0, 20),
      q(M::dequeue(), std::nullopt, 0, 5), q(M::dequeue(), M::empty(), 15, 16),
  };
  expect_verdict_everywhere(M{}, h, Verdict::kLinearizable);
}

TEST(IdenticalOps, NestedIdenticalWritesAreTriedOneAtATime) {
  // 16 writes of 1, each interval inside the one before, then a read of a
  // value nobody wrote. Refuting it takes every subset of the writes unless
  // identical candidates are tried one at a time (the static order of
  // identical operations did not order nested intervals).
  HistoryOf<R> h;
  for (int i = 0; i < 16; ++i) h.push_back(reg(R::write(1), R::ok(), i, 100 - i));
  h.push_back(reg(R::read(), R::value(2), 200, 201));
  CheckOptions options;
  options.explain = false;
  // The register read guide refutes this before any search (no write of 2);
  // off, the search alone shows what the identical-operations rule does.
  options.reductions.register_reads_guide_writes = false;
  const CheckResult with = check(R{}, h, options);
  options.reductions.canonical_identical = false;
  const CheckResult without = check(R{}, h, options);
  EXPECT_EQ(with.verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(without.verdict, Verdict::kNotLinearizable);
  EXPECT_LT(with.stats.nodes, 100U);
  EXPECT_GT(without.stats.nodes, 30000U);
}

// Random histories: operations drawn from a few, most of them identical;
// intervals either short or long, so that many nest; unknown outcomes, half
// of them never returning.
struct Nested {
  int max_ops = 9;
  int max_time = 10;
  int long_duration = 12;
  int unknown_percent = 35;
};

template <class M, class MakeOp>
HistoryOf<M> nested_history(std::mt19937& rng, const Nested& shape, MakeOp make_op) {
  HistoryOf<M> h;
  const int n = 2 + static_cast<int>(rng() % (shape.max_ops - 1));
  for (int i = 0; i < n; ++i) {
    OperationOf<M> op;
    op.client = i;
    op.call = static_cast<Time>(rng() % shape.max_time);
    const int duration = rng() % 2 ? static_cast<int>(rng() % shape.long_duration) : static_cast<int>(rng() % 3);
    op.ret = op.call + duration;
    make_op(rng, op);
    if (static_cast<int>(rng() % 100) < shape.unknown_percent) {
      op.output.reset();
      if (rng() % 2) op.ret = kEndOfTime;
    }
    h.push_back(std::move(op));
  }
  return h;
}

void register_op(std::mt19937& rng, OperationOf<R>& op) {
  switch (rng() % 8) {
    case 0:
    case 1:
    case 2:
      op.input = R::write(1);
      op.output = R::ok();
      break;
    case 3:
      op.input = R::write(2);
      op.output = R::ok();
      break;
    case 4:
      op.input = R::cas(1, 2);
      op.output = rng() % 2 ? R::ok() : R::failed();
      break;
    default: {
      constexpr R::State kValues[] = {R::kNil, 1, 2};
      op.input = R::read();
      op.output = R::value(kValues[rng() % 3]);
    }
  }
}

void kv_op(std::mt19937& rng, OperationOf<KvModel>& op) {
  using M = KvModel;
  const std::string key = rng() % 4 == 0 ? "b" : "a";
  switch (rng() % 8) {
    case 0:
    case 1:
    case 2:
      op.input = M::append(key, "x");
      op.output = M::done();
      break;
    case 3:
      op.input = M::append(key, "y");
      op.output = M::done();
      break;
    case 4:
      op.input = M::put(key, "x");
      op.output = M::done();
      break;
    default: {
      static const char* const kValues[] = {"", "x", "xx", "xy", "xxx", "yx", "xxy", "xxxx"};
      op.input = M::get(key);
      op.output = M::value(kValues[rng() % 8]);
    }
  }
}

void queue_op(std::mt19937& rng, OperationOf<QueueModel<int>>& op) {
  using M = QueueModel<int>;
  const unsigned pick = rng() % 8;
  if (pick < 4) {
    op.input = M::enqueue(pick == 3 ? 1 : 0);
    op.output = M::done();
  } else {
    op.input = M::dequeue();
    op.output = pick == 7 ? M::empty() : M::value(pick == 6 ? 1 : 0);
  }
}

// `alter` changes the reductions of iteration `it` on top of the rotation
// through every combination.
template <class M, class MakeOp, class Alter>
void agree_with_reference(const M& model, unsigned seed, int n, const Nested& shape, MakeOp make_op, Alter alter) {
  std::mt19937 rng(seed);
  const auto reduction_sets = all_reduction_sets();
  int linearizable = 0;
  for (int it = 0; it < n; ++it) {
    const HistoryOf<M> h = nested_history<M>(rng, shape, make_op);
    const bool expected = testing::ReferenceCheck<M>(model, h).linearizable();
    linearizable += expected;
    CheckOptions options;
    options.explain = it % 7 == 0;
    options.reductions = reduction_sets[it % reduction_sets.size()];
    alter(it, options.reductions);
    const CheckResult r = check(model, h, options);
    ASSERT_EQ(r.verdict, expected ? Verdict::kLinearizable : Verdict::kNotLinearizable)
        << "seed " << seed << " iteration " << it << "\n"
        << show(model, h);
    if (expected) {
      ASSERT_TRUE(linearizations_replay(model, h, r, options.reductions))
          << "seed " << seed << " iteration " << it << "\n"
          << show(model, h);
    }
  }
  EXPECT_GT(linearizable, n / 10);
  EXPECT_LT(linearizable, n - n / 10);
}

void unchanged(int /*it*/, Reductions& /*r*/) {}

TEST(IdenticalOps, NestedRegisterHistoriesAgreeWithPlainSearch) {
  agree_with_reference(R{}, 31, 8000, Nested{}, register_op, unchanged);
}

TEST(IdenticalOps, NestedRegisterHistoriesWithHalfTheOutcomesUnknownAgree) {
  Nested shape;
  shape.max_ops = 10;
  shape.unknown_percent = 50;
  agree_with_reference(R{}, 32, 6000, shape, register_op, unchanged);
}

TEST(IdenticalOps, NestedKvHistoriesAgreeWithPlainSearch) {
  Nested shape;
  shape.unknown_percent = 40;
  // The read guide on and off in turn.
  agree_with_reference(KvModel{}, 33, 8000, shape, kv_op,
                       [](int it, Reductions& r) { r.kv_reads_guide_writes = it % 3 != 0; });
}

TEST(IdenticalOps, NestedQueueHistoriesAgreeWithPlainSearch) {
  Nested shape;
  shape.unknown_percent = 40;
  // The general search (where the rule is) and the queue search in turn.
  agree_with_reference(QueueModel<int>{}, 34, 8000, shape, queue_op,
                       [](int it, Reductions& r) { r.queue_by_values = it % 4 == 0; });
}

// Larger histories than the exhaustive search can take: the rule on and off
// must agree, with every other reduction on.
template <class M, class MakeOp>
void rule_on_and_off_agree(const M& model, unsigned seed, int n, MakeOp make_op) {
  std::mt19937 rng(seed);
  Nested shape;
  shape.max_ops = 16;
  shape.max_time = 18;
  shape.long_duration = 16;
  shape.unknown_percent = 40;
  int linearizable = 0;
  for (int it = 0; it < n; ++it) {
    const HistoryOf<M> h = nested_history<M>(rng, shape, make_op);
    CheckOptions options;
    options.explain = false;
    options.reductions.queue_by_values = false;
    const CheckResult with = check(model, h, options);
    options.reductions.canonical_identical = false;
    const Verdict without = check(model, h, options).verdict;
    ASSERT_EQ(with.verdict, without) << "iteration " << it << "\n" << show(model, h);
    if (with.verdict == Verdict::kLinearizable) {
      ++linearizable;
      ASSERT_TRUE(linearizations_replay(model, h, with, Reductions{})) << "iteration " << it << "\n" << show(model, h);
    }
  }
  EXPECT_GT(linearizable, n / 20);
  EXPECT_LT(linearizable, n - n / 20);
}

TEST(IdenticalOps, RuleOnAndOffAgreeOnLargerHistories) {
  rule_on_and_off_agree(R{}, 35, 1500, register_op);
  rule_on_and_off_agree(KvModel{}, 36, 1500, kv_op);
  rule_on_and_off_agree(QueueModel<int>{}, 37, 1500, queue_op);
}

}  // namespace
}  // namespace weft::lin
