// Scenario testing under the scheduler (scenario.h): a lost-update counter
// is caught and shrunk, the failure replays from its token, and a correct
// counter passes.
#include "weft/lin/scenario.h"

#include <gtest/gtest.h>

#include "weft/lin/models/collections.h"
#include "weft/weft.h"

namespace weft::lin {
namespace {

using Spec = CounterModel;

template <bool kAtomicAdd>
struct Counter {
  weft::atomic<std::int64_t> value{0};
  void add(std::int64_t n) {
    if constexpr (kAtomicAdd) {
      value.fetch_add(n);
    } else {
      value.store(value.load() + n);  // read, then write: updates can be lost
    }
  }
};

template <bool kAtomicAdd>
ScenarioTester<Spec, Counter<kAtomicAdd>> tester() {
  ScenarioOptions options;
  options.scenarios = 20;
  options.post_ops = 1;
  options.explore.iterations = 200;
  return ScenarioTester<Spec, Counter<kAtomicAdd>>(
      Spec{},
      [](Counter<kAtomicAdd>& c, const Spec::Input& in) {
        if (in.kind == Spec::Kind::kGet) return Spec::value(c.value.load());
        c.add(in.amount);
        return Spec::done();
      },
      [](std::mt19937_64& rng) { return rng() % 3 ? Spec::add(1 + rng() % 2) : Spec::get(); }, options);
}

TEST(Scenario, FindsAndShrinksALostUpdate) {
  auto t = tester<false>();
  ScenarioResult<Spec> r = t.run();
  ASSERT_TRUE(r.bug_found());
  ASSERT_TRUE(r.scenario.has_value());
  EXPECT_LE(r.scenario->size(), 3u) << r.report;  // add || add, then get
  EXPECT_EQ(r.failure->kind, FailureKind::kNotLinearizable);
  EXPECT_NE(r.report.find("has no legal sequential order"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("cannot be linearized"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("thread 1:"), std::string::npos);
  // The evidence: every operation of the history, and a smallest set of
  // them that cannot be linearized, which holds the get that saw too little.
  const NotLinearizable* evidence = r.failure->evidence_if<NotLinearizable>();
  ASSERT_NE(evidence, nullptr);
  EXPECT_EQ(evidence->history.size(), r.scenario->size());
  ASSERT_TRUE(evidence->explained);
  ASSERT_FALSE(evidence->core.empty());
  bool core_has_get = false;
  for (size_t i : evidence->core) {
    ASSERT_LT(i, evidence->history.size());
    const HistoryOperation& op = evidence->history[i];
    EXPECT_TRUE(op.ret.has_value());
    EXPECT_LT(op.call, *op.ret);
    core_has_get |= op.operation.starts_with("get");
  }
  EXPECT_TRUE(core_has_get) << r.report;

  // The token replays the same failure on the same scenario.
  Result again = t.replay_scenario(*r.scenario, r.failure->token);
  ASSERT_TRUE(again.failure.has_value());
  EXPECT_EQ(again.failure->message, r.failure->message);
  EXPECT_EQ(again.failure->evidence, r.failure->evidence);
}

TEST(Scenario, AtomicCounterPasses) {
  ScenarioResult<Spec> r = tester<true>().run();
  ASSERT_TRUE(r.error.ok()) << r.error;
  EXPECT_FALSE(r.bug_found()) << r.report;
  EXPECT_EQ(r.scenarios_run, 20);
}

}  // namespace
}  // namespace weft::lin
