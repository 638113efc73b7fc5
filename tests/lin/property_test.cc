// Property: on many random small histories, the checker (with every
// combination of its reductions) agrees with a plain exhaustive search that
// has no memo and no reductions (reference_check.h). Histories mix
// overlapping and sequential operations, and outcomes that are unknown with
// or without a return time, so both verdicts occur often.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "reference_check.h"
#include "weft/lin/check.h"
#include "weft/lin/models/collections.h"
#include "weft/lin/models/kv.h"
#include "weft/lin/models/register.h"

namespace weft::lin {
namespace {

struct Shape {
  int max_ops = 7;
  int max_time = 12;
  int max_duration = 5;
  int unknown_percent = 20;
};

// Random intervals; the input and the output come from the caller.
template <class M, class MakeOp>
HistoryOf<M> random_history(std::mt19937& rng, const Shape& shape, MakeOp make_op) {
  HistoryOf<M> h;
  const int n = 1 + static_cast<int>(rng() % shape.max_ops);
  for (int i = 0; i < n; ++i) {
    OperationOf<M> op;
    op.client = i;
    op.call = static_cast<Time>(rng() % shape.max_time);
    op.ret = op.call + static_cast<Time>(rng() % shape.max_duration);
    make_op(rng, op);
    if (static_cast<int>(rng() % 100) < shape.unknown_percent) {
      op.output.reset();
      if (rng() % 2) op.ret = kEndOfTime;
    }
    h.push_back(std::move(op));
  }
  return h;
}

// Every combination of reductions, with each candidate order alone and both.
std::vector<Reductions> all_reduction_sets() {
  std::vector<Reductions> out;
  for (int mask = 0; mask < 192; ++mask) {
    Reductions r;
    r.partition = mask & 1;
    r.memoize = mask & 2;
    r.greedy_read_only = mask & 4;
    r.canonical_identical = mask & 8;
    r.cut_quiescent = mask & 16;
    r.optional_where_it_matters = mask & 32;
    r.search_required_first = mask / 64 != 1;
    r.search_in_call_order = mask / 64 != 2;
    out.push_back(r);
  }
  return out;
}

template <class M>
std::string show(const M& model, const HistoryOf<M>& h) {
  std::string out;
  for (const auto& op : h) {
    out += "  client " + std::to_string(op.client) + " [" + std::to_string(op.call) + ", " +
           (op.ret == kEndOfTime ? std::string("end") : std::to_string(op.ret)) + "] " +
           model.describe(op.input, op.output) + "\n";
  }
  return out;
}

// Runs `iterations` histories; returns how many were linearizable, so the
// test can insist both verdicts were exercised.
template <class M, class MakeOp>
int agree_with_reference(const M& model, int iterations, unsigned seed, const Shape& shape, MakeOp make_op) {
  std::mt19937 rng(seed);
  const auto reduction_sets = all_reduction_sets();
  int linearizable = 0;
  for (int it = 0; it < iterations; ++it) {
    HistoryOf<M> h = random_history<M>(rng, shape, make_op);
    const bool expected = testing::ReferenceCheck<M>(model, h).linearizable();
    linearizable += expected;
    CheckOptions options;
    options.explain = false;
    options.reductions = reduction_sets[it % reduction_sets.size()];
    const Verdict got = check(model, h, options).verdict;
    if (got != (expected ? Verdict::kLinearizable : Verdict::kNotLinearizable)) {
      ADD_FAILURE() << "seed " << seed << " iteration " << it << ": reference says "
                    << (expected ? "linearizable" : "not linearizable") << ", checker says " << verdict_name(got)
                    << "\n"
                    << show(model, h);
      return linearizable;
    }
  }
  return linearizable;
}

// One operation of each kind, for the generators below; each draws from
// `rng` only what its kind needs, after the caller drew the value v and the
// kind.
enum class RegisterOp { kRead, kWrite, kCas };
void register_op(std::mt19937& rng, OperationOf<RegisterModel>& op, int v, RegisterOp kind, unsigned nil_one_in) {
  using M = RegisterModel;
  switch (kind) {
    case RegisterOp::kRead:
      op.input = M::read();
      op.output = M::value(rng() % nil_one_in == 0 ? M::kNil : v);
      break;
    case RegisterOp::kWrite:
      op.input = M::write(v);
      op.output = M::ok();
      break;
    case RegisterOp::kCas:
      op.input = M::cas(v, static_cast<int>(rng() % 3));
      op.output = rng() % 2 ? M::ok() : M::failed();
  }
}

enum class QueueOp { kEnqueue, kDequeue, kSize };
void queue_op(std::mt19937& rng, OperationOf<QueueModel<int>>& op, int v, QueueOp kind) {
  using M = QueueModel<int>;
  switch (kind) {
    case QueueOp::kEnqueue:
      op.input = M::enqueue(v);
      op.output = M::done();
      break;
    case QueueOp::kDequeue:
      op.input = M::dequeue();
      op.output = rng() % 4 == 0 ? M::empty() : M::value(v);
      break;
    case QueueOp::kSize:
      op.input = M::size();
      op.output = M::sized(static_cast<int>(rng() % 3));
  }
}

TEST(Property, RegisterAgreesWithPlainSearch) {
  using M = RegisterModel;
  const int n = 6000;
  const int lin = agree_with_reference(M{}, n, 1, Shape{}, [](std::mt19937& rng, OperationOf<M>& op) {
    const int v = static_cast<int>(rng() % 3);
    register_op(rng, op, v, static_cast<RegisterOp>(rng() % 3), 4);
  });
  EXPECT_GT(lin, n / 10);
  EXPECT_LT(lin, n - n / 10);
}

TEST(Property, QueueAgreesWithPlainSearch) {
  using M = QueueModel<int>;
  const int n = 4000;
  const int lin = agree_with_reference(M{}, n, 2, Shape{}, [](std::mt19937& rng, OperationOf<M>& op) {
    const int v = static_cast<int>(rng() % 3);
    queue_op(rng, op, v, static_cast<QueueOp>(rng() % 3));
  });
  EXPECT_GT(lin, n / 10);
  EXPECT_LT(lin, n - n / 10);
}

TEST(Property, SetAgreesWithPlainSearch) {
  using M = SetModel<int>;
  const int n = 4000;
  const int lin = agree_with_reference(M{}, n, 3, Shape{}, [](std::mt19937& rng, OperationOf<M>& op) {
    const int v = static_cast<int>(rng() % 2);
    switch (rng() % 3) {
      case 0:
        op.input = M::add(v);
        break;
      case 1:
        op.input = M::remove(v);
        break;
      default:
        op.input = M::contains(v);
    }
    op.output = rng() % 2 ? M::yes() : M::no();
  });
  EXPECT_GT(lin, n / 10);
  EXPECT_LT(lin, n - n / 10);
}

TEST(Property, PartitionedKvAgreesWithPlainSearch) {
  using M = KvModel;
  const int n = 3000;
  Shape shape;
  shape.max_ops = 8;
  const int lin = agree_with_reference(M{}, n, 4, shape, [](std::mt19937& rng, OperationOf<M>& op) {
    const std::string key = rng() % 2 ? "a" : "b";
    const std::string v = rng() % 2 ? "x" : "y";
    switch (rng() % 3) {
      case 0:
        op.input = M::get(key);
        op.output = M::value(rng() % 3 == 0 ? "" : v);
        break;
      case 1:
        op.input = M::put(key, v);
        op.output = M::done();
        break;
      default:
        op.input = M::append(key, v);
        op.output = M::done();
    }
  });
  EXPECT_GT(lin, n / 10);
  EXPECT_LT(lin, n - n / 10);
}

// Longer histories with mostly short operations exercise cuts and the memo.
TEST(Property, LongerSparseRegisterHistoriesAgree) {
  using M = RegisterModel;
  Shape shape;
  shape.max_ops = 10;
  shape.max_time = 40;
  shape.max_duration = 6;
  shape.unknown_percent = 10;
  const int n = 1500;
  const int lin = agree_with_reference(M{}, n, 5, shape, [](std::mt19937& rng, OperationOf<M>& op) {
    const int v = static_cast<int>(rng() % 2);
    register_op(rng, op, v, rng() % 2 ? RegisterOp::kRead : RegisterOp::kWrite, 5);
  });
  EXPECT_GT(lin, n / 20);
  EXPECT_LT(lin, n - n / 20);
}

// Most outcomes unknown, some never returning: optional operations dominate
// the search (the memo over their available sets, the two candidate orders).
TEST(Property, ManyUnknownOutcomesAgree) {
  using M = RegisterModel;
  Shape shape;
  shape.max_ops = 9;
  shape.max_time = 16;
  shape.unknown_percent = 55;
  const int n = 4000;
  const int lin = agree_with_reference(M{}, n, 6, shape, [](std::mt19937& rng, OperationOf<M>& op) {
    const int v = static_cast<int>(rng() % 3);
    register_op(rng, op, v, static_cast<RegisterOp>(rng() % 3), 5);
  });
  EXPECT_GT(lin, n / 10);
  EXPECT_LT(lin, n - n / 10);
}

TEST(Property, QueueWithManyUnknownOutcomesAgrees) {
  using M = QueueModel<int>;
  Shape shape;
  shape.max_ops = 8;
  shape.unknown_percent = 50;
  const int n = 3000;
  const int lin = agree_with_reference(M{}, n, 7, shape, [](std::mt19937& rng, OperationOf<M>& op) {
    const int v = static_cast<int>(rng() % 3);
    queue_op(rng, op, v, rng() % 2 ? QueueOp::kEnqueue : QueueOp::kDequeue);
  });
  EXPECT_GT(lin, n / 10);
  EXPECT_LT(lin, n - n / 10);
}

// The shape on which queue searches blow up: many overlapping clients, most
// outcomes unknown (half of those never return), so several enqueues may or
// may not have happened, in any order, until a later dequeue shows one.
TEST(Property, OverlappingQueueWithMostOutcomesUnknownAgrees) {
  using M = QueueModel<int>;
  Shape shape;
  shape.max_ops = 9;
  shape.max_time = 6;
  shape.max_duration = 8;
  shape.unknown_percent = 70;
  const int n = 2000;
  const int lin = agree_with_reference(M{}, n, 8, shape, [](std::mt19937& rng, OperationOf<M>& op) {
    const int v = static_cast<int>(rng() % 3);
    constexpr QueueOp kMix[] = {QueueOp::kEnqueue, QueueOp::kEnqueue, QueueOp::kDequeue, QueueOp::kDequeue,
                                QueueOp::kSize};
    queue_op(rng, op, v, kMix[rng() % 5]);
  });
  EXPECT_GT(lin, n / 10);
  EXPECT_LT(lin, n - n / 10);
}

// Queue histories without size() are decided by the queue search
// (detail/queue_search.h), which orders dequeues only. Random histories with
// distinct values (or, with `values` > 0, values drawn from that many): each
// dequeue returns the value of some enqueue of the history (an earlier one
// more often), finds the queue empty, or, rarely, a value never enqueued;
// many outcomes are unknown, half of those never return. Its verdict must
// equal the plain search's, and a linearization it reports must be one: a
// legal run of the model in real-time order.
template <class M>
bool is_linearization(const M& model, const HistoryOf<M>& h, const std::vector<std::size_t>& order) {
  std::vector<char> placed(h.size(), 0);
  typename M::State state = model.initial();
  Time max_call = std::numeric_limits<Time>::min();
  for (std::size_t i : order) {
    if (i >= h.size() || placed[i] || h[i].ret < max_call) return false;
    for (std::size_t j = 0; j < h.size(); ++j) {
      if (!placed[j] && j != i && h[j].output && h[j].ret < h[i].call) return false;  // j must come first
    }
    auto next = h[i].output ? model.step(state, h[i].input, *h[i].output) : model.step_unknown(state, h[i].input);
    if (!next) return false;
    state = std::move(*next);
    placed[i] = 1;
    max_call = std::max(max_call, h[i].call);
  }
  for (std::size_t j = 0; j < h.size(); ++j) {
    if (h[j].output && !placed[j]) return false;
  }
  return true;
}

HistoryOf<QueueModel<int>> queue_history(std::mt19937& rng, const Shape& shape, int values) {
  using M = QueueModel<int>;
  HistoryOf<M> h = random_history<M>(rng, shape, [](std::mt19937& r, OperationOf<M>& op) {
    op.input = r() % 2 ? M::enqueue(0) : M::dequeue();
    op.output = M::done();
  });
  std::vector<int> enqueued;
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (h[i].input.kind == M::Kind::kPut) {
      h[i].input.value = values > 0 ? static_cast<int>(rng() % values) : static_cast<int>(i);
      enqueued.push_back(h[i].input.value);
    }
  }
  for (auto& op : h) {
    if (op.input.kind != M::Kind::kTake || !op.output) continue;
    const unsigned pick = rng() % 10;
    if (pick < 3 || enqueued.empty()) {
      op.output = M::empty();
    } else if (pick == 3) {
      op.output = M::value(100);  // never enqueued
    } else {
      const std::size_t k = std::min(rng() % enqueued.size(), rng() % enqueued.size());
      op.output = M::value(enqueued[k]);
    }
  }
  return h;
}

void queues_agree(unsigned seed, int n, const Shape& shape, int values = 0) {
  using M = QueueModel<int>;
  std::mt19937 rng(seed);
  int linearizable = 0;
  for (int it = 0; it < n; ++it) {
    const HistoryOf<M> h = queue_history(rng, shape, values);
    const bool expected = testing::ReferenceCheck<M>(M{}, h).linearizable();
    linearizable += expected;
    CheckOptions options;
    options.explain = it % 5 == 0;
    const CheckResult r = check(M{}, h, options);
    ASSERT_EQ(r.verdict, expected ? Verdict::kLinearizable : Verdict::kNotLinearizable)
        << "seed " << seed << " iteration " << it << "\n"
        << show(M{}, h);
    if (expected) {
      ASSERT_EQ(r.linearizations.size(), 1U);
      EXPECT_TRUE(is_linearization(M{}, h, r.linearizations[0]))
          << "seed " << seed << " iteration " << it << ": not a linearization\n"
          << show(M{}, h);
    }
  }
  EXPECT_GT(linearizable, n / 10);
  EXPECT_LT(linearizable, n - n / 10);
}

TEST(Property, QueueWithDistinctValuesAgrees) {
  Shape shape;
  shape.max_ops = 9;
  shape.unknown_percent = 25;
  queues_agree(9, 6000, shape);
}

TEST(Property, OverlappingQueueWithDistinctValuesAndMostOutcomesUnknownAgrees) {
  Shape shape;
  shape.max_ops = 10;
  shape.max_time = 8;
  shape.max_duration = 7;
  shape.unknown_percent = 60;
  queues_agree(10, 4000, shape);
}

// Values that repeat: a dequeue may take any enqueue of its value.
TEST(Property, QueueWithRepeatedValuesAgrees) {
  Shape shape;
  shape.max_ops = 9;
  shape.unknown_percent = 30;
  queues_agree(12, 6000, shape, 2);
}

TEST(Property, OverlappingQueueWithRepeatedValuesAndMostOutcomesUnknownAgrees) {
  Shape shape;
  shape.max_ops = 10;
  shape.max_time = 8;
  shape.max_duration = 7;
  shape.unknown_percent = 60;
  queues_agree(13, 4000, shape, 3);
}

// The queue search is the one deciding these: with it switched off, the
// general search must reach the same verdicts (and does, more slowly).
TEST(Property, QueueSearchAndGeneralSearchAgree) {
  using M = QueueModel<int>;
  std::mt19937 rng(11);
  Shape shape;
  shape.max_ops = 12;
  shape.max_time = 14;
  shape.unknown_percent = 40;
  for (int it = 0; it < 1500; ++it) {
    const HistoryOf<M> h = queue_history(rng, shape, it % 2 == 0 ? 0 : 2);
    CheckOptions options;
    options.explain = false;
    const Verdict fast = check(M{}, h, options).verdict;
    options.reductions.queue_by_values = false;
    ASSERT_EQ(fast, check(M{}, h, options).verdict) << "iteration " << it << "\n" << show(M{}, h);
  }
}

}  // namespace
}  // namespace weft::lin
