// Property: on many random small histories, the checker (with every
// combination of its reductions) agrees with a plain exhaustive search that
// has no memo and no reductions (reference_check.h). Histories mix
// overlapping and sequential operations, and outcomes that are unknown with
// or without a return time, so both verdicts occur often.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "property_support.h"
#include "reference_check.h"
#include "weft/lin/check.h"
#include "weft/lin/models/collections.h"
#include "weft/lin/models/kv.h"
#include "weft/lin/models/register.h"
#include "weft/lin/render.h"

namespace weft::lin {
namespace {

using testing::all_reduction_sets;
using testing::is_linearization;
using testing::linearizations_replay;
using testing::show;

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
      EXPECT_TRUE(linearizations_replay(M{}, h, r, options.reductions))
          << "seed " << seed << " iteration " << it << "\n"
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

// Key/value histories with appends, where reads guide the search
// (detail/kv_read_guide.h). Values come from a simulation: every operation
// takes effect at a random instant of its interval (one of unknown outcome
// at a random instant after its call, or never), so gets return strings
// that appends really built; then some gets are made wrong (a value cut
// short, another get's value, or a string never written), so both verdicts
// occur. Tokens are distinct per write ("wide"), or drawn from a few that
// repeat and parse ambiguously ("narrow": "x", "y", "xy", "").
struct KvShape {
  Shape shape;
  bool narrow = false;
  int keys = 1;
  bool cas = false;
  unsigned wrong_one_in = 6;  // gets made wrong
};

HistoryOf<KvModel> kv_history(std::mt19937& rng, const KvShape& kv) {
  using M = KvModel;
  static const char* const kNarrow[] = {"x", "y", "xy", ""};
  HistoryOf<M> h = random_history<M>(rng, kv.shape, [&](std::mt19937& r, OperationOf<M>& op) {
    const std::string key(1, static_cast<char>('a' + r() % kv.keys));
    const std::string token = kv.narrow ? kNarrow[r() % 4] : "t" + std::to_string(r() % 1000) + ";";
    const unsigned pick = r() % (kv.cas ? 10 : 8);
    if (pick < 4) {
      op.input = M::get(key);
    } else if (pick < 5) {
      op.input = M::put(key, token);
    } else if (pick < 8) {
      op.input = M::append(key, token);
    } else {
      op.input = M::cas(key, r() % 2 ? "" : token, token + token);
    }
    op.output = M::done();
  });
  // Effect instants: within the interval, or, for an unknown outcome, any
  // time after the call (the history's end stands for "never").
  struct Effect {
    double at;
    std::size_t op;
  };
  std::vector<Effect> effects;
  for (std::size_t i = 0; i < h.size(); ++i) {
    const double span = h[i].ret == kEndOfTime ? 40.0 : static_cast<double>(h[i].ret - h[i].call) + 0.5;
    const double at = static_cast<double>(h[i].call) + span * static_cast<double>(rng() % 1000) / 1000.0;
    if (!h[i].output && rng() % 3 == 0) continue;  // never took effect
    effects.push_back({at, i});
  }
  std::sort(effects.begin(), effects.end(), [](const Effect& a, const Effect& b) { return a.at < b.at; });
  M::State state = M{}.initial();
  std::vector<std::string> read;
  for (const Effect& e : effects) {
    auto& op = h[e.op];
    const std::string current(M::value_of(state, op.input.key));
    if (op.input.kind == M::Kind::kGet) {
      if (op.output) op.output = M::value(current);
      read.push_back(current);
      continue;
    }
    if (op.input.kind == M::Kind::kCas && op.output && current != op.input.value) op.output = M::failed();
    state = *M{}.step_unknown(state, op.input);
  }
  for (auto& op : h) {
    if (op.input.kind != M::Kind::kGet || !op.output || rng() % kv.wrong_one_in != 0) continue;
    switch (rng() % 3) {
      case 0:
        op.output->value = op.output->value.substr(0, op.output->value.size() / 2);
        break;
      case 1:
        op.output->value = read[rng() % read.size()];
        break;
      default:
        op.output->value = kv.narrow ? "yx" : "t9999;";
    }
  }
  return h;
}

void kvs_agree(unsigned seed, int n, const KvShape& kv) {
  using M = KvModel;
  std::mt19937 rng(seed);
  const auto reduction_sets = all_reduction_sets();
  int linearizable = 0;
  for (int it = 0; it < n; ++it) {
    const HistoryOf<M> h = kv_history(rng, kv);
    const bool expected = testing::ReferenceCheck<M>(M{}, h).linearizable();
    linearizable += expected;
    CheckOptions options;
    options.explain = it % 5 == 0;
    // The guide on, with every other reduction on or off in turn.
    options.reductions = reduction_sets[it % reduction_sets.size()];
    const CheckResult r = check(M{}, h, options);
    ASSERT_EQ(r.verdict, expected ? Verdict::kLinearizable : Verdict::kNotLinearizable)
        << "seed " << seed << " iteration " << it << "\n"
        << show(M{}, h);
    if (expected) {
      EXPECT_TRUE(linearizations_replay(M{}, h, r, options.reductions))
          << "seed " << seed << " iteration " << it << "\n"
          << show(M{}, h);
    }
  }
  EXPECT_GT(linearizable, n / 10);
  EXPECT_LT(linearizable, n - n / 10);
}

TEST(Property, KvAppendsWithDistinctValuesAgree) {
  KvShape kv;
  kv.shape.max_ops = 9;
  kv.shape.unknown_percent = 25;
  kvs_agree(21, 5000, kv);
}

TEST(Property, OverlappingKvAppendsWithMostOutcomesUnknownAgree) {
  KvShape kv;
  kv.shape.max_ops = 10;
  kv.shape.max_time = 8;
  kv.shape.max_duration = 7;
  kv.shape.unknown_percent = 55;
  kv.wrong_one_in = 2;
  kvs_agree(22, 3000, kv);
}

// Repeated tokens, "" among them: a get's value parses in several ways.
TEST(Property, KvAppendsWithRepeatedValuesAgree) {
  KvShape kv;
  kv.narrow = true;
  kv.shape.max_ops = 9;
  kv.shape.unknown_percent = 30;
  kvs_agree(23, 5000, kv);
}

// Two keys (one part each, or one part when partitioning is off) and
// compare-and-sets, which set values as puts do.
TEST(Property, KvWithTwoKeysAndCasAgrees) {
  KvShape kv;
  kv.narrow = true;
  kv.keys = 2;
  kv.cas = true;
  kv.shape.max_ops = 9;
  kv.shape.unknown_percent = 30;
  kv.wrong_one_in = 3;
  kvs_agree(24, 5000, kv);
}

// Larger histories than the plain search can take: the guide on and off
// must agree.
TEST(Property, KvReadGuideAndGeneralSearchAgree) {
  using M = KvModel;
  std::mt19937 rng(25);
  KvShape kv;
  kv.shape.max_ops = 14;
  kv.shape.max_time = 16;
  kv.shape.unknown_percent = 35;
  for (int it = 0; it < 1500; ++it) {
    kv.narrow = it % 2 == 1;
    const HistoryOf<M> h = kv_history(rng, kv);
    CheckOptions options;
    options.explain = false;
    const Verdict guided = check(M{}, h, options).verdict;
    options.reductions.kv_reads_guide_writes = false;
    ASSERT_EQ(guided, check(M{}, h, options).verdict) << "iteration " << it << "\n" << show(M{}, h);
  }
}

// CAS-register histories, where reads guide the search
// (detail/register_read_guide.h). As for kv, values come from a simulation:
// every operation takes effect at a random instant of its interval (one of
// unknown outcome at a random instant after its call, or never), reads
// return what the register held then (nil before any write), and a
// compare-and-set expects the value then held half of the time, so it
// succeeds or fails as it really would; then some reads and compare-and-sets
// are made wrong (another value read, nil, a value never written, or the
// outcome flipped), so both verdicts occur. Values are distinct per write
// ("wide") or drawn from three ("narrow"); some compare-and-sets write the
// value they expect.
struct RegisterShape {
  Shape shape;
  bool narrow = false;
  unsigned wrong_one_in = 6;  // reads and compare-and-sets made wrong
};

HistoryOf<RegisterModel> register_history(std::mt19937& rng, const RegisterShape& rs) {
  using M = RegisterModel;
  int next_value = 0;
  auto value = [&](std::mt19937& r) -> std::int64_t { return rs.narrow ? static_cast<int>(r() % 3) : next_value++; };
  HistoryOf<M> h = random_history<M>(rng, rs.shape, [&](std::mt19937& r, OperationOf<M>& op) {
    const unsigned pick = r() % 10;
    if (pick < 4) {
      op.input = M::read();
      op.output = M::value(M::kNil);
    } else if (pick < 7) {
      op.input = M::write(value(r));
      op.output = M::ok();
    } else {
      const std::int64_t expected = r() % 4 == 0 ? M::kNil : value(r);
      op.input = M::cas(expected, r() % 4 == 0 ? expected : value(r));
      op.output = M::ok();
    }
  });
  struct Effect {
    double at;
    std::size_t op;
  };
  std::vector<Effect> effects;
  for (std::size_t i = 0; i < h.size(); ++i) {
    const double span = h[i].ret == kEndOfTime ? 40.0 : static_cast<double>(h[i].ret - h[i].call) + 0.5;
    const double at = static_cast<double>(h[i].call) + span * static_cast<double>(rng() % 1000) / 1000.0;
    if (!h[i].output && rng() % 3 == 0) continue;  // never took effect
    effects.push_back({at, i});
  }
  std::sort(effects.begin(), effects.end(), [](const Effect& a, const Effect& b) { return a.at < b.at; });
  M::State state = M{}.initial();
  std::vector<std::int64_t> seen = {M::kNil, 999};  // 999: never written
  for (const Effect& e : effects) {
    auto& op = h[e.op];
    if (op.input.kind == M::Kind::kRead) {
      if (op.output) op.output = M::value(state);
      seen.push_back(state);
      continue;
    }
    if (op.input.kind == M::Kind::kCas) {
      if (rng() % 2 == 0) op.input.value = state;  // a client that just read it
      if (op.output && state != op.input.value) op.output = M::failed();
    }
    state = *M{}.step_unknown(state, op.input);
  }
  for (auto& op : h) {
    if (!op.output || op.input.kind == M::Kind::kWrite || rng() % rs.wrong_one_in != 0) continue;
    if (op.input.kind == M::Kind::kCas) {
      op.output->ok = !op.output->ok;
    } else {
      op.output->value = seen[rng() % seen.size()];
    }
  }
  return h;
}

// The checker's verdict equals the plain exhaustive search's, under every
// combination of the other reductions; a linearization it reports is one;
// an explanation's core cannot be linearized even with every other outcome
// unknown, its prefix linearization is a legal run, and no report shows the
// value standing for forgotten ones.
void registers_agree(unsigned seed, int n, const RegisterShape& rs) {
  using M = RegisterModel;
  std::mt19937 rng(seed);
  const auto reduction_sets = all_reduction_sets();
  int linearizable = 0;
  for (int it = 0; it < n; ++it) {
    const HistoryOf<M> h = register_history(rng, rs);
    const bool expected = testing::ReferenceCheck<M>(M{}, h).linearizable();
    linearizable += expected;
    CheckOptions options;
    options.explain = it % 5 == 0;
    options.explain_time_limit = absl::Seconds(10);
    options.reductions = reduction_sets[it % reduction_sets.size()];
    const CheckResult r = check(M{}, h, options);
    ASSERT_EQ(r.verdict, expected ? Verdict::kLinearizable : Verdict::kNotLinearizable)
        << "seed " << seed << " iteration " << it << "\n"
        << show(M{}, h);
    if (expected) {
      ASSERT_EQ(r.linearizations.size(), 1U);
      EXPECT_TRUE(is_linearization(M{}, h, r.linearizations[0]))
          << "seed " << seed << " iteration " << it << ": not a linearization\n"
          << show(M{}, h);
      continue;
    }
    if (!options.explain) continue;
    HistoryOf<M> core_only = h;
    for (std::size_t i = 0; i < h.size(); ++i) {
      if (std::find(r.core.begin(), r.core.end(), i) == r.core.end()) core_only[i].output.reset();
    }
    EXPECT_FALSE(testing::ReferenceCheck<M>(M{}, core_only).linearizable())
        << "seed " << seed << " iteration " << it << ": the core can be linearized\n"
        << show(M{}, h);
    M::State state = M{}.initial();
    for (std::size_t i : r.prefix_linearization) {
      // One still pending at the prefix's end has an unknown outcome there.
      const bool known = h[i].output && h[i].ret <= r.prefix_end;
      auto next = known ? M{}.step(state, h[i].input, *h[i].output) : M{}.step_unknown(state, h[i].input);
      ASSERT_TRUE(next.has_value()) << "seed " << seed << " iteration " << it << ": prefix step " << i << "\n"
                                    << show(M{}, h);
      state = *next;
    }
    const HistoryView view = view_of(M{}, h, r);
    EXPECT_EQ(view.prefix_states.size(), r.prefix_linearization.size());  // every step shown
    const std::string report = render_text(view, r);
    EXPECT_EQ(report.find(std::to_string(std::numeric_limits<M::State>::max())), std::string::npos) << report;
  }
  EXPECT_GT(linearizable, n / 10);
  EXPECT_LT(linearizable, n - n / 10);
}

TEST(Property, RegisterWithDistinctValuesAgrees) {
  RegisterShape rs;
  rs.shape.max_ops = 9;
  rs.shape.unknown_percent = 25;
  registers_agree(31, 5000, rs);
}

// Three values, nil among what reads return: many writes can serve a read.
TEST(Property, RegisterWithRepeatedValuesAgrees) {
  RegisterShape rs;
  rs.narrow = true;
  rs.shape.max_ops = 9;
  rs.shape.unknown_percent = 30;
  registers_agree(32, 5000, rs);
}

// Most operations overlap and about half the outcomes are unknown.
TEST(Property, OverlappingRegisterWithMostOutcomesUnknownAgrees) {
  RegisterShape rs;
  rs.shape.max_ops = 10;
  rs.shape.max_time = 8;
  rs.shape.max_duration = 7;
  rs.shape.unknown_percent = 50;
  rs.wrong_one_in = 3;
  registers_agree(33, 3000, rs);
  rs.narrow = true;
  registers_agree(34, 3000, rs);
}

// Longer, sparser histories: cuts at quiescent points, and reads far beyond
// the window dead() looks at, which after_step() and the check from the
// initial state see.
TEST(Property, LongerRegisterHistoriesAgree) {
  RegisterShape rs;
  rs.shape.max_ops = 11;
  rs.shape.max_time = 30;
  rs.shape.max_duration = 8;
  rs.shape.unknown_percent = 20;
  registers_agree(35, 2000, rs);
  rs.narrow = true;
  registers_agree(36, 2000, rs);
}

// Larger histories than the plain search can take: the guide on and off
// must agree, and a linearization found with it must be one.
TEST(Property, RegisterReadGuideAndGeneralSearchAgree) {
  using M = RegisterModel;
  std::mt19937 rng(37);
  RegisterShape rs;
  rs.shape.max_ops = 16;
  rs.shape.max_time = 18;
  rs.shape.unknown_percent = 35;
  for (int it = 0; it < 1500; ++it) {
    rs.narrow = it % 2 == 1;
    const HistoryOf<M> h = register_history(rng, rs);
    CheckOptions options;
    options.explain = false;
    const CheckResult guided = check(M{}, h, options);
    options.reductions.register_reads_guide_writes = false;
    ASSERT_EQ(guided.verdict, check(M{}, h, options).verdict) << "iteration " << it << "\n" << show(M{}, h);
    if (guided.verdict == Verdict::kLinearizable) {
      EXPECT_TRUE(is_linearization(M{}, h, guided.linearizations[0])) << "iteration " << it << "\n" << show(M{}, h);
    }
  }
}

}  // namespace
}  // namespace weft::lin
