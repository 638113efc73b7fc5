// GoogleTest integration: WEFT_TEST and WEFT_TEST_WITH, the WEFT_*
// environment overrides and their --weft_* flag twins, the failure message
// of a failing WEFT_TEST (report plus a replay line to paste), and exit code
// 2 with a message for a bad override.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "support/test_support.h"
#include "weft/gtest/flags.h"

namespace {

using weft_test::any_contains;
using weft_test::Body;
using weft_test::contains;

// Sets an environment variable for a scope and restores the old state.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Runs a WEFT_TEST body the way the macro does and returns the messages of
// the GoogleTest failures it reported (intercepted, so this test passes).
std::vector<std::string> run_weft_test(const char* suite, const char* name, const weft::Options& options,
                                       const Body& body) {
  testing::TestPartResultArray results;
  {
    testing::ScopedFakeTestPartResultReporter intercept(
        testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    weft::gtest::run_test(suite, name, options, body);
  }
  std::vector<std::string> messages;
  for (int i = 0; i < results.size(); ++i) messages.push_back(results.GetTestPartResult(i).message());
  return messages;
}

void lost_update_body() {
  weft::var<int> x{0, "x"};
  weft::thread t([&] { x = x + 1; });
  x = x + 1;
  t.join();
  WEFT_ASSERT(x == 2);
}

weft::Options assertion_options() {
  weft::Options o;
  o.detect_races = false;  // report the lost update as the assertion
  return o;
}

WEFT_TEST(GtestIntegration, WeftTestPassesOnACorrectBody) {
  weft::mutex m;
  weft::var<int> x{0, "x"};
  weft::thread t([&] {
    std::lock_guard lock(m);
    x = x + 1;
  });
  {
    std::lock_guard lock(m);
    x = x + 1;
  }
  t.join();
  WEFT_ASSERT(x == 2);
}

WEFT_TEST_WITH(GtestIntegration, WeftTestWithTakesItsOwnOptions,
               (weft::Options{.strategy = "pct:2", .iterations = 300, .spurious_wakeups = true})) {
  weft::mutex m;
  weft::condition_variable cv;
  bool ready = false;
  weft::thread t([&] {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return ready; });  // correct under spurious wakeups
  });
  {
    std::lock_guard lock(m);
    ready = true;
  }
  cv.notify_one();
  t.join();
}

TEST(GtestIntegration, AFailingTestShowsTheReportAndTheLineToReplayIt) {
  const std::vector<std::string> failures = run_weft_test("Bank", "LostUpdate", assertion_options(), lost_update_body);
  ASSERT_EQ(failures.size(), 1u);
  const std::string& message = failures[0];
  EXPECT_TRUE(contains(message, "weft found a bug: assertion failed: x == 2"));
  EXPECT_TRUE(contains(message, "Interleaving ("));
  EXPECT_TRUE(contains(message, "token:      w1d-"));
  EXPECT_TRUE(contains(message, "WEFT_REPLAY=w1d-"));
  EXPECT_TRUE(contains(message, " --gtest_filter=Bank.LostUpdate"));
  EXPECT_TRUE(contains(message, "executions)"));
  EXPECT_FALSE(contains(message, "--gtest_also_run_disabled_tests"));
}

TEST(GtestIntegration, TheReplayLineOfADisabledTestRunsIt) {
  const std::vector<std::string> failures =
      run_weft_test("Bank", "DISABLED_LostUpdate", assertion_options(), lost_update_body);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(contains(failures[0], "--gtest_filter=Bank.DISABLED_LostUpdate --gtest_also_run_disabled_tests"));
}

TEST(GtestIntegration, AnExplicitReplayCommandIsUsed) {
  weft::Options options = assertion_options();
  options.replay_command = "bazel test //bank --test_env=WEFT_REPLAY={token}";
  const weft::Result r = weft::explore(options, lost_update_body);
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->replay_command, "bazel test //bank --test_env=WEFT_REPLAY=" + r.failure->token);
  EXPECT_TRUE(contains(r.failure->report, r.failure->replay_command));
  const std::vector<std::string> failures = run_weft_test("Bank", "LostUpdate", options, lost_update_body);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(contains(failures[0], "bazel test //bank --test_env=WEFT_REPLAY=w1d-"));
}

TEST(GtestIntegration, WeftIterationsSetsTheNumberOfExecutions) {
  ScopedEnv env("WEFT_ITERATIONS", "7");
  int runs = 0;
  EXPECT_TRUE(run_weft_test("S", "N", weft::Options{}, [&runs] { ++runs; }).empty());
  EXPECT_EQ(runs, 7);
}

TEST(GtestIntegration, WeftStrategyAndWeftSeedChooseTheExploration) {
  for (const char* strategy : {"random", "pct:2"}) {
    SCOPED_TRACE(strategy);
    ScopedEnv env_strategy("WEFT_STRATEGY", strategy);
    ScopedEnv env_seed("WEFT_SEED", "42");
    const std::vector<std::string> failures = run_weft_test("S", "N", assertion_options(), lost_update_body);
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_TRUE(contains(failures[0], std::string("(strategy ") + strategy + ", seed 0x2a)"));
  }
}

TEST(GtestIntegration, WeftMaxStepsAndTimeBudget) {
  ScopedEnv steps("WEFT_MAX_STEPS", "300");
  ScopedEnv budget("WEFT_TIME_BUDGET_MS", "60000");
  const std::vector<std::string> failures = run_weft_test("S", "N", weft::Options{}, [] {
    weft::atomic<bool> never{false};
    while (!never.load()) weft::this_thread::yield();
  });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(contains(failures[0], "exceeded max_steps (300)"));
}

TEST(GtestIntegration, WeftReplayRunsTheOneScheduleOfTheToken) {
  // Random: a seed token of a strategy that learns from an earlier execution
  // (SURW's profile) runs that execution first (pos_surw_test checks it).
  weft::Options options = assertion_options();
  options.strategy = "random";
  const weft::Result found = weft::explore(options, lost_update_body);
  ASSERT_TRUE(found.failure.has_value());
  for (const std::string& token : {found.failure->token, found.failure->seed_token}) {
    SCOPED_TRACE(token);
    ScopedEnv env("WEFT_REPLAY", token);
    int runs = 0;
    const std::vector<std::string> failures = run_weft_test("S", "N", assertion_options(), [&runs] {
      ++runs;
      lost_update_body();
    });
    EXPECT_EQ(runs, 1);
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_TRUE(contains(failures[0], found.failure->message));
    EXPECT_TRUE(contains(failures[0], token));
  }
}

TEST(GtestIntegration, AReplayTokenThatParsesButCannotRunFailsTheTest) {
  ScopedEnv env("WEFT_REPLAY", "w1s-bogus-5eed-0-100-0");
  const std::vector<std::string> failures = run_weft_test("S", "N", weft::Options{}, [] {});
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(contains(failures[0], "weft could not run the test: bad schedule token"));
  EXPECT_TRUE(contains(failures[0], "unknown strategy 'bogus'"));
}

TEST(GtestIntegration, BadOptionsInTheSourceFailTheTest) {
  const std::vector<std::string> failures = run_weft_test("S", "N", weft::Options{.strategy = "pct:0"}, [] {});
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(contains(failures[0], "weft could not run the test"));
  EXPECT_TRUE(contains(failures[0], "PCT depth"));
}

TEST(GtestIntegration, FlagsTakePrecedenceOverTheEnvironment) {
  ScopedEnv env("WEFT_ITERATIONS", "7");
  absl::SetFlag(&FLAGS_weft_iterations, "3");
  int runs = 0;
  EXPECT_TRUE(run_weft_test("S", "N", weft::Options{}, [&runs] { ++runs; }).empty());
  absl::SetFlag(&FLAGS_weft_iterations, "");
  EXPECT_EQ(runs, 3);
}

TEST(GtestIntegration, ApplyOverridesNamesTheBadVariable) {
  struct Case {
    const char* variable;
    const char* value;
    const char* says;
  };
  for (const Case& c : {Case{"WEFT_ITERATIONS", "0", "WEFT_ITERATIONS='0' is not a positive integer"},
                        Case{"WEFT_ITERATIONS", "lots", "WEFT_ITERATIONS='lots'"},
                        Case{"WEFT_ITERATIONS", "-3", "WEFT_ITERATIONS='-3'"},
                        Case{"WEFT_MAX_STEPS", "0", "WEFT_MAX_STEPS='0' is not a positive integer"},
                        Case{"WEFT_SEED", "0x10", "WEFT_SEED='0x10' is not a non-negative integer"},
                        Case{"WEFT_TIME_BUDGET_MS", "1s", "WEFT_TIME_BUDGET_MS='1s'"},
                        Case{"WEFT_STRATEGY", "pct:0", "WEFT_STRATEGY: bad strategy 'pct:0'"},
                        Case{"WEFT_STRATEGY", "bogus", "WEFT_STRATEGY: unknown strategy 'bogus'"},
                        Case{"WEFT_REPLAY", "w2d-AAAA", "WEFT_REPLAY: bad schedule token"}}) {
    SCOPED_TRACE(c.variable + std::string("=") + c.value);
    ScopedEnv env(c.variable, c.value);
    weft::Options options;
    std::string token;
    const absl::Status s = weft::gtest::apply_overrides(options, token);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(contains(s.message(), c.says));
  }
}

TEST(GtestIntegration, ApplyOverridesLeavesOptionsAloneWithoutVariables) {
  weft::Options options;
  options.iterations = 123;
  std::string token = "stale";
  ASSERT_TRUE(weft::gtest::apply_overrides(options, token).ok());
  EXPECT_EQ(options.iterations, 123u);
  EXPECT_EQ(options.strategy, "portfolio");
  EXPECT_TRUE(token.empty());
}

// A typo in an override must not pass as a green test: the binary stops
// with exit code 2 and says which variable is wrong.
TEST(GtestIntegrationDeathTest, ABadOverrideExitsWithCodeTwo) {
  EXPECT_EXIT(
      {
        setenv("WEFT_ITERATIONS", "ten", 1);
        weft::gtest::run_test("S", "N", weft::Options{}, [] {});
      },
      testing::ExitedWithCode(2), "WEFT_ITERATIONS='ten' is not a positive integer");
  EXPECT_EXIT(
      {
        setenv("WEFT_STRATEGY", "fastest", 1);
        weft::gtest::run_test("S", "N", weft::Options{}, [] {});
      },
      testing::ExitedWithCode(2), "WEFT_STRATEGY: unknown strategy 'fastest'");
  EXPECT_EXIT(
      {
        setenv("WEFT_REPLAY", "w1d-", 1);
        weft::gtest::run_test("S", "N", weft::Options{}, [] {});
      },
      testing::ExitedWithCode(2), "WEFT_REPLAY: bad schedule token");
}

}  // namespace
