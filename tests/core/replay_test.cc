// Replay: a token reproduces its failure exactly, from code or from either
// token form, whatever options the replaying side passes; a token that no
// longer fits the program says "schedule diverged at step N" instead of
// silently running another schedule; and a fixed program replays clean.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <algorithm>
#include <regex>
#include <string>

#include "support/test_support.h"
#include "weft/report/describe.h"
#include "weft/report/token.h"

namespace {

using weft::FailureKind;
using weft_test::contains;
using weft_test::options_with;

weft::Options without_races(weft::Options o) {
  o.detect_races = false;
  return o;
}

// A lost update between `threads` incrementing threads; `extra_reads` adds
// scheduling points to the main thread, `fixed` makes the increments atomic.
void counter_body(int threads, int extra_reads, bool fixed) {
  weft::var<int> x{0, "x"};
  weft::mutex m{"m"};
  auto increment = [&] {
    if (fixed) {
      std::lock_guard lock(m);
      x = x + 1;
    } else {
      x = x + 1;
    }
  };
  std::vector<weft::thread> others;
  for (int i = 1; i < threads; ++i) others.emplace_back(increment);
  increment();
  for (int i = 0; i < extra_reads; ++i) (void)x.load();
  for (weft::thread& t : others) t.join();
  WEFT_ASSERT(x == threads);
}

std::optional<weft::Failure> find_lost_update(int threads, std::string strategy = "portfolio") {
  return weft::expect_bug(without_races(options_with(3000, std::move(strategy))),
                          [threads] { counter_body(threads, 0, false); }, {FailureKind::kAssertion});
}

// Checks the message has the form "schedule diverged at step N: ..." and
// that N is the step the failure records.
void expect_diverged(const weft::Result& r) {
  ASSERT_TRUE(r.error.ok()) << r.error;
  ASSERT_TRUE(r.failure.has_value()) << "the replay did not notice the changed program";
  EXPECT_EQ(r.failure->kind, FailureKind::kReplayDiverged) << r.failure->report;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(r.failure->message, match, std::regex("^schedule diverged at step ([0-9]+): ")))
      << r.failure->message;
  EXPECT_EQ(std::stoull(match[1].str()), r.failure->step);
  EXPECT_GT(r.failure->step, 0u);
  EXPECT_TRUE(contains(r.failure->report, r.failure->message));
  // The evidence: where, and the token's decision that no longer fits.
  const weft::ReplayDivergence* d = r.failure->evidence_if<weft::ReplayDivergence>();
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->step, r.failure->step);
  EXPECT_GT(d->recorded, 0u);
  if (d->choice == weft::ReplayDivergence::Choice::kNone) {
    EXPECT_LT(d->decision, d->recorded);  // decisions left over
  } else {
    EXPECT_LE(d->decision, d->recorded);
    EXPECT_EQ(d->expected.has_value(), d->decision < d->recorded);
  }
  if (d->choice == weft::ReplayDivergence::Choice::kThread) {
    EXPECT_GE(d->enabled.size(), 2u);
    if (d->expected) {
      EXPECT_EQ(std::count(d->enabled.begin(), d->enabled.end(), static_cast<int>(*d->expected)), 0);
    }
  }
}

TEST(Replay, ReplayingTwiceGivesByteIdenticalReports) {
  // weft::expect_bug replays the decision token twice and requires two
  // byte-identical reports (and the same failure from the seed token).
  EXPECT_TRUE(find_lost_update(3).has_value());
}

TEST(Replay, TheTokenDecidesTheScheduleNotTheReplayingOptions) {
  std::optional<weft::Failure> f = find_lost_update(2);
  ASSERT_TRUE(f.has_value());
  weft::Options other = without_races(options_with(1, "pct:7"));
  other.seed = 12345;
  weft::expect_replays(
      *f, [] { counter_body(2, 0, false); }, other);
}

TEST(Replay, AFixedProgramReplaysTheOldScheduleClean) {
  // The fix keeps the threads and the number of steps; only the increment
  // becomes one atomic operation. The old failing interleaving, replayed
  // against it, runs through without a failure and without an error.
  const weft::Options options = options_with(3000);
  const weft_test::Body buggy = [] {
    weft::atomic<int> x{0, "x"};
    auto increment = [&] { x.store(x.load() + 1); };  // BUG: load, then store
    weft::thread t(increment);
    increment();
    t.join();
    WEFT_ASSERT(x.load() == 2);
  };
  const weft_test::Body fixed = [] {
    weft::atomic<int> x{0, "x"};
    auto increment = [&] {
      x.fetch_add(1);
      (void)x.load();  // keeps the step count of the buggy version
    };
    weft::thread t(increment);
    increment();
    t.join();
    WEFT_ASSERT(x.load() == 2);
  };
  std::optional<weft::Failure> f = weft::expect_bug(options, buggy, {FailureKind::kAssertion});
  ASSERT_TRUE(f.has_value());
  const weft::Result r = weft::replay(f->token, fixed, options);
  ASSERT_TRUE(r.error.ok()) << r.error;
  EXPECT_FALSE(r.failure.has_value()) << r.failure->report;
  EXPECT_EQ(r.executions, 1u);
}

TEST(Replay, AnotherThreadInTheProgramDiverges) {
  std::optional<weft::Failure> f = find_lost_update(2);
  ASSERT_TRUE(f.has_value());
  expect_diverged(weft::replay(
      f->token, [] { counter_body(3, 0, false); }, without_races({})));
}

TEST(Replay, MoreStepsThanTheTokenRecordsDiverges) {
  // Random's first find (seed fixed) leaves thread 1 running while the main
  // thread makes its extra reads: each is a choice the token does not record.
  // (A find where thread 1 had exited by then would replay them without a
  // choice, and rightly not diverge.)
  std::optional<weft::Failure> f = find_lost_update(2, "random");
  ASSERT_TRUE(f.has_value());
  const weft::Result r = weft::replay(
      f->token, [] { counter_body(2, 40, false); }, without_races({}));
  expect_diverged(r);
}

TEST(Replay, FewerStepsThanTheTokenRecordsDiverges) {
  std::optional<weft::Failure> f = find_lost_update(3);
  ASSERT_TRUE(f.has_value());
  // One thread, no choices at all: the program ends with decisions unused.
  const weft::Result r = weft::replay(
      f->token, [] { counter_body(1, 0, false); }, without_races({}));
  expect_diverged(r);
  EXPECT_TRUE(contains(r.failure->message, "the program finished, but the token records more decisions"));
  EXPECT_EQ(r.failure->evidence_if<weft::ReplayDivergence>()->choice, weft::ReplayDivergence::Choice::kNone);
  EXPECT_EQ(r.failure->evidence_if<weft::ReplayDivergence>()->decision, 0u);  // no choice to make
}

TEST(Replay, ATokenNamingABlockedThreadDiverges) {
  // Thread 1 waits for a mutex the main thread holds to the end; thread 2
  // keeps choices coming meanwhile. A token edited to run thread 1 at a
  // choice where it is blocked must be refused there: running it would hand
  // it a mutex it does not own, the silent schedule change replay promises
  // never to make.
  const weft_test::Body body = [] {
    weft::mutex m{"m"};
    weft::var<int> x{0, "x"};
    m.lock();
    weft::thread waiter([&] {
      m.lock();
      m.unlock();
    });
    weft::thread reader([&] {
      for (int i = 0; i < 10; ++i) (void)x.load();
    });
    for (int i = 0; i < 10; ++i) (void)x.load();
    WEFT_ASSERT(false);  // fails in every schedule: the test wants its token
  };
  const weft::Result found = weft::explore(without_races(options_with(1, "random")), body);
  ASSERT_TRUE(found.failure.has_value());
  absl::StatusOr<weft::detail::ScheduleToken> token = weft::detail::parse_token(found.failure->token);
  ASSERT_TRUE(token.ok()) << token.status();
  int refused = 0;
  for (size_t i = 0; i < token->decisions.size(); ++i) {
    if (token->decisions[i] == 1) continue;
    weft::detail::ScheduleToken edited = *token;
    edited.decisions[i] = 1;
    const weft::Result r = weft::replay(weft::detail::format_token(edited), body);
    ASSERT_TRUE(r.failure.has_value());
    const weft::ReplayDivergence* d = r.failure->evidence_if<weft::ReplayDivergence>();
    if (d == nullptr || d->decision != i) continue;  // thread 1 could run there
    ++refused;
    EXPECT_EQ(d->expected, 1u);
    EXPECT_EQ(std::count(d->enabled.begin(), d->enabled.end(), 1), 0) << r.failure->report;
  }
  // Thread 1 blocks at its first step and stays blocked: every later choice is one.
  EXPECT_GE(refused, 3) << found.failure->report;
}

TEST(Replay, AChoiceAmongFewerValuesDiverges) {
  const weft::Options options = options_with(500, "random");
  const weft_test::Body body = [] { WEFT_ASSERT(weft::choose(6) != 5); };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kAssertion});
  ASSERT_TRUE(f.has_value());
  const weft::Result r = weft::replay(f->token, [] { WEFT_ASSERT(weft::choose(3) != 5); });
  expect_diverged(r);
  EXPECT_TRUE(contains(r.failure->message, "the program chooses among 3"));
  const weft::ReplayDivergence* d = r.failure->evidence_if<weft::ReplayDivergence>();
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->choice, weft::ReplayDivergence::Choice::kValue);
  EXPECT_EQ(d->choices, 3u);
  EXPECT_EQ(d->expected, 5u);
  EXPECT_EQ(d->decision, 0u);
  EXPECT_EQ(d->recorded, 1u);
  // The same words as every other divergence, once.
  EXPECT_EQ(weft::detail::failure_details(r.failure->evidence).size(), 1u);
  EXPECT_TRUE(contains(r.failure->report, "the program no longer makes the choices recorded in the token"));
}

TEST(Replay, ABodyThatReadsUncontrolledStateDiverges) {
  // The body's shape depends on a counter weft does not control, the way a
  // body that reads the wall clock or real randomness would.
  int runs = 0;
  const weft_test::Body body = [&runs] {
    ++runs;
    counter_body(runs % 2 == 0 ? 3 : 2, 0, false);
  };
  const weft::Options options = without_races(options_with(3000));
  const weft::Result found = weft::explore(options, body);
  ASSERT_TRUE(found.failure.has_value());
  // The explore run and the replay run see different counter parities
  // at least once over a few tries.
  bool diverged = false;
  for (int i = 0; i < 3 && !diverged; ++i) {
    const weft::Result r = weft::replay(found.failure->token, body, options);
    ASSERT_TRUE(r.failure.has_value());
    if (r.failure->kind == FailureKind::kReplayDiverged) {
      expect_diverged(r);
      diverged = true;
    } else {
      EXPECT_EQ(r.failure->message, found.failure->message);
    }
  }
  EXPECT_TRUE(diverged);
}

TEST(Replay, TheSeedTokenNamesTheStrategyAndExecution) {
  std::optional<weft::Failure> f = find_lost_update(2);
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(f->seed_token.starts_with("w1s-"));
  // Flags 2: this exploration ran with race detection off, and the token says
  // so, so that a replay reports the same failure.
  EXPECT_TRUE(contains(f->seed_token, "-5eed-" + std::to_string(f->execution) + "-100000-2"));
  EXPECT_TRUE(f->token.starts_with("w1d-"));
  // The report ends with both tokens.
  EXPECT_TRUE(contains(f->report, "token:      " + f->token));
  EXPECT_TRUE(contains(f->report, "seed token: " + f->seed_token));
}

}  // namespace

namespace {

// A failure found with race detection off replays to the same assertion
// under default options: the token carries the detection settings.
TEST(Replay, TheTokenCarriesTheDetectionSettings) {
  std::optional<weft::Failure> f = find_lost_update(2);
  ASSERT_TRUE(f.has_value());
  for (const std::string& token : {f->token, f->seed_token}) {
    const weft::Result r = weft::replay(token, [] { counter_body(2, 0, false); });
    ASSERT_TRUE(r.failure.has_value()) << token;
    EXPECT_EQ(r.failure->kind, FailureKind::kAssertion) << r.failure->report;
    EXPECT_EQ(r.failure->message, f->message);
  }
}

}  // namespace
