// Options::strategy and the other options: every strategy finds a simple
// bug and replays it, explorations are deterministic in their seed, and bad
// options are Result::error values with a message, never a crash.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <chrono>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "support/test_support.h"
#include "weft/gtest/flags.h"

namespace {

using namespace std::chrono_literals;
using weft::FailureKind;
using weft_test::contains;
using weft_test::options_with;

void lost_update_body() {
  weft::var<int> x{0, "x"};
  weft::thread t([&] { x = x + 1; });
  x = x + 1;
  t.join();
  WEFT_ASSERT(x == 2);
}

weft::Options without_races(weft::Options o) {
  o.detect_races = false;  // let the assertion, not the race detector, report
  return o;
}

TEST(Strategy, EveryStrategyFindsALostUpdateAndItReplays) {
  for (const char* strategy : {"random", "pct:2", "pct:3", "pct:10", "pos", "surw", "portfolio"}) {
    SCOPED_TRACE(strategy);
    const weft::Options options = without_races(options_with(2000, strategy));
    std::optional<weft::Failure> f = weft::expect_bug(options, lost_update_body, {FailureKind::kAssertion});
    ASSERT_TRUE(f.has_value());
    EXPECT_TRUE(contains(f->message, "x == 2"));
  }
}

// PCT at depth 1 never preempts: it runs the highest-priority thread until
// it blocks or ends. The lost update needs one preemption (depth 2), so
// pct:1 must never find it, however many executions it gets.
TEST(Strategy, PctDepthOneNeverPreempts) {
  weft::expect_no_bug(without_races(options_with(1000, "pct:1")), lost_update_body);
}

TEST(Strategy, TheSeedDeterminesTheExploration) {
  const weft::Options options = without_races(options_with(2000));
  const weft::Result a = weft::explore(options, lost_update_body);
  const weft::Result b = weft::explore(options, lost_update_body);
  ASSERT_TRUE(a.failure.has_value());
  ASSERT_TRUE(b.failure.has_value());
  EXPECT_EQ(a.executions, b.executions);
  EXPECT_EQ(a.failure->token, b.failure->token);
  EXPECT_EQ(a.failure->seed_token, b.failure->seed_token);
  EXPECT_EQ(a.failure->report, b.failure->report);
}

TEST(Strategy, ACleanExplorationRunsEveryIteration) {
  const weft::Options options = options_with(777);
  const weft::Result r = weft::explore(options, [] {
    weft::atomic<int> x{0};
    weft::thread t([&] { x.fetch_add(1); });
    x.fetch_add(1);
    t.join();
  });
  ASSERT_TRUE(r.error.ok());
  EXPECT_FALSE(r.bug_found());
  EXPECT_EQ(r.executions, 777u);
  EXPECT_GE(r.total_steps, 777u * 5);  // start, spawn, rmw, join, ... in each
}

TEST(Strategy, ZeroIterationsRunNothing) {
  const weft::Result r = weft::explore(options_with(0), lost_update_body);
  ASSERT_TRUE(r.error.ok());
  EXPECT_EQ(r.executions, 0u);
  EXPECT_FALSE(r.bug_found());
}

TEST(Strategy, TheTimeBudgetEndsAnEndlessExploration) {
  weft::Options options = options_with(std::numeric_limits<uint64_t>::max());
  options.time_budget = 20ms;
  const weft::Result r = weft::explore(options, [] { weft::this_thread::yield(); });
  ASSERT_TRUE(r.error.ok());
  EXPECT_FALSE(r.bug_found());
  EXPECT_GT(r.executions, 0u);
}

TEST(Strategy, BadStrategyNamesAreErrorsThatSayWhatIsAccepted) {
  struct Case {
    const char* spec;
    const char* says;
  };
  for (const Case& c :
       {Case{"pct:0", "PCT depth must be an integer in [1, 64]"},
        Case{"pct:65", "PCT depth must be an integer in [1, 64]"},
        Case{"pct:-1", "PCT depth"},
        Case{"pct:", "PCT depth"},
        Case{"pct:two", "PCT depth"},
        Case{"bogus", "unknown strategy 'bogus'"},
        Case{"", "unknown strategy ''"},
        Case{"Random",
             "expected portfolio, random, pct:<depth>, pos, surw, fuzz, dfs:<bound>, dfs:<bound>:nodpor or dpor (e.g. "
             "pct:3)"},
        Case{"dfs:x", "the preemption bound must be an integer in [0, 64], e.g. dfs:2"},
        Case{"dfs", "the preemption bound must be an integer"},
        Case{"dfs:2:dpor", "the preemption bound must be an integer"},
        Case{"dfs:nodpor", "the preemption bound must be an integer"},
        Case{"dpor:2", "the preemption bound must be an integer"},
        Case{"dpord1y0", "a dfs seed token lists <decision>x<value> in increasing order"},
        Case{"dfs2d1y0", "a dfs seed token lists <decision>x<value> in increasing order"},
        Case{"pos:1", "unknown strategy 'pos:1'"},
        Case{"surw:2", "unknown strategy 'surw:2'"},
        Case{"surwp", "unknown strategy 'surwp'"},
        Case{"surwp-1", "unknown strategy 'surwp-1'"},
        Case{"SURW", "unknown strategy 'SURW'"}}) {
    SCOPED_TRACE(c.spec);
    int runs = 0;
    const weft::Result r = weft::explore(options_with(10, c.spec), [&runs] { ++runs; });
    EXPECT_FALSE(r.error.ok());
    EXPECT_EQ(r.error.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(contains(r.error.message(), c.says));
    EXPECT_EQ(r.executions, 0u);
    EXPECT_EQ(runs, 0);  // the body never ran
  }
}

// kPortfolioStrategies and kStrategyForms are the one definition: the
// explorer runs the first, the flag's help and the error for a bad name list
// the second, and the docs say what they hold.
TEST(Strategy, ThePortfolioRunsItsListInTurn) {
  for (size_t k = 0; k < 2 * weft::kPortfolioStrategies.size(); ++k) {
    size_t runs = 0;
    // Fails in execution k, whose report names its strategy.
    const weft::Result r = weft::explore(options_with(100), [&runs, k] { WEFT_ASSERT(runs++ != k); });
    ASSERT_TRUE(r.failure.has_value());
    EXPECT_EQ(r.failure->execution, k);
    const char* expected = weft::kPortfolioStrategies[k % weft::kPortfolioStrategies.size()];
    EXPECT_TRUE(contains(r.failure->report, absl::StrCat("(strategy ", expected, ", seed")));
  }
}

std::string strategy_forms() {
  const auto last = weft::kStrategyForms.end() - 1;
  return absl::StrCat(absl::StrJoin(weft::kStrategyForms.begin(), last, ", "), " or ", *last);
}

TEST(Strategy, TheFlagHelpAndTheErrorListTheForms) {
  EXPECT_EQ(absl::GetFlagReflectionHandle(FLAGS_weft_strategy).Help(), strategy_forms() + " (env WEFT_STRATEGY)");
  EXPECT_TRUE(contains(weft::explore(options_with(1, "fastest"), [] {}).error.message(),
                       "expected " + strategy_forms() + " (e.g. pct:3)"));
}

// The text of a file of the source tree, its whitespace runs made single spaces.
std::string source_text(const std::string& path) {
  std::ifstream in(absl::StrCat(WEFT_SOURCE_DIR, "/", path));
  std::stringstream text;
  text << in.rdbuf();
  return absl::StrJoin(absl::StrSplit(text.str(), absl::ByAnyChar(" \n"), absl::SkipEmpty()), " ");
}

TEST(Strategy, TheDocsNameThePortfolioAndTheForms) {
  std::vector<std::string> quoted;
  for (const char* s : weft::kPortfolioStrategies) quoted.push_back(absl::StrCat("`", s, "`"));
  EXPECT_TRUE(contains(source_text("docs/guide.md"),
                       absl::StrCat("execution *i* uses ", absl::StrJoin(quoted, ", "), " in rotation")));
  const auto last = weft::kPortfolioStrategies.end() - 1;
  EXPECT_TRUE(contains(source_text("docs/examples.md"),
                       absl::StrCat("rotates ", absl::StrJoin(weft::kPortfolioStrategies.begin(), last, ", "), " and ",
                                    *last, " over executions")));
  quoted.clear();
  for (const char* s : weft::kStrategyForms) quoted.push_back(absl::StrCat("`", s, "`"));
  EXPECT_TRUE(contains(source_text("README.md"), absl::StrCat("`WEFT_STRATEGY` (", absl::StrJoin(quoted, ", "), ")")));
}

TEST(Strategy, BadOptionsAreErrors) {
  weft::Options no_steps = options_with(10);
  no_steps.max_steps = 0;
  EXPECT_TRUE(contains(weft::explore(no_steps, [] {}).error.message(), "max_steps"));

  weft::Options tiny_stack = options_with(10);
  tiny_stack.stack_size = 1024;
  EXPECT_TRUE(contains(weft::explore(tiny_stack, [] {}).error.message(), "stack_size"));

  weft::Options negative_budget = options_with(10);
  negative_budget.time_budget = -1ms;
  EXPECT_TRUE(contains(weft::explore(negative_budget, [] {}).error.message(), "time_budget"));

  // replay checks its options too.
  const weft::Result r = weft::replay(
      "w1s-random-5eed-0-100-0", [] {}, no_steps);
  EXPECT_TRUE(contains(r.error.message(), "max_steps"));
}

}  // namespace
