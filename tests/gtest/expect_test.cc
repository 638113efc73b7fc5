// weft/gtest/expect.h: expect_bug passes on the kind it expects, prints the
// "found" line and returns the failure; it fails the test (with what was
// found) for another kind, for nothing found, for a message without the
// expected part and for a failure that does not replay. expect_no_bug fails
// on a failure, on a recorded race and on a short exploration.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <weft/gtest/expect.h>
#include <weft/weft.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/test_support.h"

namespace {

using weft::FailureKind;
using weft_test::any_contains;
using weft_test::contains;
using weft_test::options_with;

// The messages of the GoogleTest failures `run` reports, intercepted so that
// this test passes.
std::vector<std::string> failures_of(const std::function<void()>& run) {
  testing::TestPartResultArray results;
  {
    testing::ScopedFakeTestPartResultReporter intercept(
        testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    run();
  }
  std::vector<std::string> messages;
  for (int i = 0; i < results.size(); ++i) messages.push_back(results.GetTestPartResult(i).message());
  return messages;
}

// What weft::expect_bug returned, and the test failures it reported.
struct Outcome {
  std::optional<weft::Failure> found;
  std::vector<std::string> failures;
};

Outcome run_expect_bug(const weft::Options& options, const std::function<void()>& body,
                       std::initializer_list<FailureKind> kinds, std::string_view message_part = {}) {
  Outcome outcome;
  outcome.failures = failures_of([&] { outcome.found = weft::expect_bug(options, body, kinds, message_part); });
  return outcome;
}

void lost_update() {
  weft::atomic<int> x{0, "x"};
  weft::thread t([&] { x.store(x.load() + 1); });
  x.store(x.load() + 1);
  t.join();
  WEFT_ASSERT_MSG(x.load() == 2, "lost update");
}

void locked_update() {
  weft::atomic<int> x{0, "x"};
  weft::thread t([&] { x.fetch_add(1); });
  x.fetch_add(1);
  t.join();
  WEFT_ASSERT(x.load() == 2);
}

TEST(Expect, ExpectBugReturnsTheFailureAndPrintsWhatItTook) {
  testing::internal::CaptureStdout();
  const Outcome outcome =
      run_expect_bug(options_with(2000), lost_update, {FailureKind::kDeadlock, FailureKind::kAssertion}, "lost");
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_TRUE(outcome.failures.empty());
  const std::optional<weft::Failure>& f = outcome.found;
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->kind, FailureKind::kAssertion);
  EXPECT_TRUE(contains(out, "[ weft     ] found assertion failed after "));
  EXPECT_TRUE(contains(out, " executions (portfolio; seed token " + f->seed_token + "): " + f->message + "\n"));
  EXPECT_FALSE(contains(out, "Interleaving"));  // the report only on request
}

TEST(Expect, WeftReportFoundBugsPrintsTheReport) {
  setenv("WEFT_REPORT_FOUND_BUGS", "1", 1);
  testing::internal::CaptureStdout();
  const std::optional<weft::Failure> f = weft::expect_bug(options_with(2000), lost_update, {FailureKind::kAssertion});
  const std::string out = testing::internal::GetCapturedStdout();
  unsetenv("WEFT_REPORT_FOUND_BUGS");
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(out, f->report));
}

TEST(Expect, AnotherKindFailsWithTheReport) {
  const Outcome outcome = run_expect_bug(options_with(2000), lost_update, {FailureKind::kDeadlock});
  EXPECT_FALSE(outcome.found.has_value());
  ASSERT_EQ(outcome.failures.size(), 1u);
  const std::string& failure = outcome.failures[0];
  EXPECT_TRUE(contains(failure, "expected a failure of kind 'deadlock', found 'assertion failed':"));
  EXPECT_TRUE(contains(failure, "Interleaving"));
  // Points at the caller, as a trace: "expect_test.cc:<line>: weft::expect_bug".
  EXPECT_TRUE(contains(failure, "expect_test.cc:"));
  EXPECT_TRUE(contains(failure, ": weft::expect_bug"));
}

TEST(Expect, NothingFoundFails) {
  const Outcome outcome = run_expect_bug(options_with(300), locked_update, {FailureKind::kAssertion});
  EXPECT_FALSE(outcome.found.has_value());
  ASSERT_EQ(outcome.failures.size(), 1u);
  EXPECT_TRUE(contains(outcome.failures[0],
                       "expected a failure of kind 'assertion failed', but 300 executions of "
                       "portfolio found nothing"));
}

TEST(Expect, BadOptionsFail) {
  const Outcome outcome = run_expect_bug(options_with(10, "pct:0"), lost_update, {FailureKind::kAssertion});
  EXPECT_FALSE(outcome.found.has_value());
  ASSERT_EQ(outcome.failures.size(), 1u);
  EXPECT_TRUE(contains(outcome.failures[0], "explore could not run"));
}

TEST(Expect, AMessageWithoutTheExpectedPartFails) {
  const Outcome outcome = run_expect_bug(options_with(2000), lost_update, {FailureKind::kAssertion}, "overdrawn");
  EXPECT_TRUE(outcome.found.has_value());  // the right kind: returned for further checks
  ASSERT_EQ(outcome.failures.size(), 1u);
  EXPECT_TRUE(contains(outcome.failures[0], "'overdrawn' not in the message"));
}

TEST(Expect, AFailureThatDoesNotReplayFails) {
  // Fails in the first execution only: a replay runs the body again and
  // passes, the way a body that reads the wall clock would.
  int runs = 0;
  const Outcome outcome =
      run_expect_bug(options_with(10), [&runs] { WEFT_ASSERT(++runs > 1); }, {FailureKind::kAssertion});
  EXPECT_TRUE(any_contains(outcome.failures, "did not reproduce"));
}

TEST(Expect, ExpectNoBugPassesACleanBodyAndReturnsTheResult) {
  EXPECT_TRUE(failures_of([] {
                const weft::Result r = weft::expect_no_bug(options_with(300), locked_update);
                EXPECT_EQ(r.executions, 300u);
              }).empty());
}

TEST(Expect, ExpectNoBugFailsOnABugARaceOrAShortExploration) {
  EXPECT_TRUE(
      any_contains(failures_of([] { weft::expect_no_bug(options_with(2000), lost_update); }), "found a bug after"));

  weft::Options keep_going = options_with(50);
  keep_going.stop_on_race = false;
  EXPECT_TRUE(any_contains(failures_of([&] {
                             weft::expect_no_bug(keep_going, [] {
                               weft::var<int> v{0, "v"};
                               weft::thread t([&] { v = 1; });
                               v = 2;
                               t.join();
                             });
                           }),
                           "recorded a race"));

  weft::Options short_budget = options_with(1000000);
  short_budget.time_budget = std::chrono::milliseconds(1);
  EXPECT_FALSE(failures_of([&] { weft::expect_no_bug(short_budget, locked_update); }).empty());
}

TEST(Expect, KindsPrintByName) { EXPECT_EQ(testing::PrintToString(FailureKind::kDeadlock), "deadlock"); }

}  // namespace
