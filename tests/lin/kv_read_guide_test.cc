// The kv read guide (lib/weft/lin/detail/kv_read_guide.h) refutes what it
// can before searching and steers the search along the order gets show.
// Verdicts under the guide are checked against the plain search by the
// property tests (property_test.cc); these pin down what each part of the
// guide decides on its own, by how few search nodes it needs.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "gen/log_text.h"
#include "gen/workload.h"
#include "weft/lin/builtin.h"
#include "weft/lin/check.h"
#include "weft/lin/formats/parse.h"
#include "weft/lin/models/kv.h"

namespace weft::lin {
namespace {

using Kv = KvModel;

OperationOf<Kv> op(int client, Kv::Input in, Kv::Output out, Time call, Time ret) {
  return {.client = client, .input = std::move(in), .output = std::move(out), .call = call, .ret = ret};
}

CheckResult checked(const HistoryOf<Kv>& h, bool guide = true) {
  CheckOptions options;
  options.explain = false;
  options.reductions.kv_reads_guide_writes = guide;
  return check(Kv{}, h, options);
}

// Thirty puts of "v", each read back, one after another before time 100:
// a search that only finds the history's flaw when it gets past them takes
// at least as many nodes.
HistoryOf<Kv> after_thirty_puts(const HistoryOf<Kv>& tail) {
  HistoryOf<Kv> h;
  for (int t = 0; t < 30; ++t) {
    h.push_back(op(0, Kv::put("k", "v"), Kv::done(), 3 * t, 3 * t + 1));
    h.push_back(op(0, Kv::get("k"), Kv::value("v"), 3 * t + 1, 3 * t + 2));
  }
  h.insert(h.end(), tail.begin(), tail.end());
  return h;
}

// The history is refuted before the search gets past the thirty puts
// (the guide checks every get before searching).
void expect_refuted_before_searching(const HistoryOf<Kv>& tail) {
  const CheckResult r = checked(after_thirty_puts(tail));
  EXPECT_EQ(r.verdict, Verdict::kNotLinearizable);
  EXPECT_LT(r.stats.nodes, 10u);
}

// Every get is checked from the initial state before the search: a get of
// "xx" (after a put of "v", with one append of "x") is refuted before the
// first node, not when the search reaches it.
TEST(KvReadGuide, AGetNeedingMoreAppendsThanThereAreIsRefutedBeforeSearching) {
  const HistoryOf<Kv> tail = {op(1, Kv::append("k", "x"), Kv::done(), 100, 200),
                              op(2, Kv::get("k"), Kv::value("xx"), 100, 200)};
  expect_refuted_before_searching(tail);
  EXPECT_GT(checked(after_thirty_puts(tail), false).stats.nodes, 30u);
}

// The put a get needs went first, but the append that would finish its
// value returned before the put was called: it cannot follow the put.
TEST(KvReadGuide, AppendsThatReturnedBeforeTheirPutWasCalledDoNotFinishIt) {
  expect_refuted_before_searching({op(1, Kv::append("k", "x"), Kv::done(), 100, 101),
                                   op(2, Kv::put("k", "p"), Kv::done(), 102, 103),
                                   op(3, Kv::get("k"), Kv::value("px"), 104, 105)});
}

// A put that returned before the get was called overwrites whatever the
// appends built before it: the get of "x" needs an append after the put,
// which would make "qx".
TEST(KvReadGuide, AValueOverwrittenBeforeTheGetCannotBeRead) {
  expect_refuted_before_searching({op(1, Kv::append("k", "x"), Kv::done(), 100, 110),
                                   op(2, Kv::put("k", "q"), Kv::done(), 100, 101),
                                   op(3, Kv::get("k"), Kv::value("x"), 102, 112)});
}

// Its mirror image is linearizable: the append goes after the put when it
// can, and the get reads "qx".
TEST(KvReadGuide, AnAppendAfterTheOverwriteIsRead) {
  const HistoryOf<Kv> h = {op(0, Kv::append("k", "x"), Kv::done(), 0, 10), op(1, Kv::put("k", "q"), Kv::done(), 0, 1),
                           op(2, Kv::get("k"), Kv::value("qx"), 2, 12)};
  EXPECT_EQ(checked(h).verdict, Verdict::kLinearizable);
}

// Values that split into appends more than one way are not decided by
// counting: "xyxy" is "xy" + "xy" (two appends of "xy", and there is one)
// or "xy" + "x" + "y" or "x" + "y" + "xy" (there are those).
TEST(KvReadGuide, ValuesThatSplitSeveralWaysAreNotRefutedByCounting) {
  const HistoryOf<Kv> h = {
      op(0, Kv::append("k", "xy"), Kv::done(), 0, 10), op(1, Kv::append("k", "x"), Kv::done(), 0, 10),
      op(2, Kv::append("k", "y"), Kv::done(), 0, 10), op(3, Kv::get("k"), Kv::value("xyxy"), 0, 12)};
  EXPECT_EQ(checked(h).verdict, Verdict::kLinearizable);
}

// Many clients writing a few values to one key (the narrow kv histories of
// the corpus): the gets show the order of the appends, and the guide keeps
// the search small (29,731 nodes for these eight when written; 42,010
// without its preferred candidates; the guide off, far more).
TEST(KvReadGuide, NarrowManyClientHistoriesAreFollowedAlongTheirGets) {
  std::uint64_t nodes = 0;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    gen::Workload w;
    w.kind = gen::Kind::kKv;
    w.seed = seed;
    w.clients = 24;
    w.operations = 120;
    w.unknown_percent = 0;
    w.values = 5;
    w.keys = 1;
    const gen::History h = gen::simulate(w);
    auto raw = parse_history(gen::log_text(h), "narrow");
    ASSERT_TRUE(raw.ok()) << raw.status().message();
    CheckOptions options;
    options.explain = false;
    options.time_limit = absl::Seconds(60);
    auto r = check_raw("kv", *raw, options);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->result.verdict, Verdict::kLinearizable) << "seed " << seed;
    nodes += r->result.stats.nodes;
  }
  EXPECT_LT(nodes, 200'000u);
}

}  // namespace
}  // namespace weft::lin
