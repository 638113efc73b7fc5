// PctStrategy on its own, driven without an execution: its change points
// land where PCT says (d-1 of them, uniform over [1, k], each applied), k is
// learned from the executions it is told about, and demotions go below
// every other priority.
#include "weft/strategy/pct.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "weft/base/rng.h"

namespace {

using weft::detail::PctStrategy;
using weft::detail::ThreadId;

// One execution of two always-enabled threads for `points` choice points:
// the thread picked at each, current being the one picked before. The
// strategy is told the execution had `reported` choice points (default:
// `points`).
std::vector<ThreadId> picks(PctStrategy& pct, uint64_t seed, uint64_t index, int points, int reported = -1) {
  pct.begin_execution(seed, index);
  pct.thread_created(0, weft::detail::kNoThread);
  pct.thread_created(1, 0);
  const std::array<ThreadId, 2> enabled{0, 1};
  std::vector<ThreadId> out;
  ThreadId current = 0;
  for (int i = 0; i < points; ++i) {
    current = pct.pick_thread(enabled, current);
    out.push_back(current);
  }
  pct.end_execution(static_cast<uint64_t>(reported < 0 ? points : reported));
  return out;
}

// The 1-based choice points at which the picked thread changed.
std::vector<int> switches(const std::vector<ThreadId>& p) {
  std::vector<int> out;
  for (size_t i = 1; i < p.size(); ++i) {
    if (p[i] != p[i - 1]) out.push_back(static_cast<int>(i) + 1);
  }
  return out;
}

// With two runnable threads and no spinning, every switch is a change
// point: the first lowers the higher thread below the other, the second
// lowers that one below the first. So pct:3 with k = 5 switches at each
// distinct change point after the first choice point (one there lowers the
// thread before anything ran: no switch to see).
TEST(Pct, BothChangePointsApplyUniformlyOverK) {
  constexpr int kK = 5;
  constexpr int kSeeds = 4000;
  std::array<int, kK + 2> switch_at{};
  int two_switches = 0;
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    PctStrategy pct(3, kK);
    const std::vector<int> s = switches(picks(pct, seed, 0, 3 * kK));
    ASSERT_LE(s.size(), 2u);
    for (int step : s) {
      ASSERT_GE(step, 1);
      ASSERT_LE(step, kK) << "a change point beyond k";
      ++switch_at[step];
    }
    two_switches += s.size() == 2;
  }
  // Two independent uniform draws in [1, 5] differ and both exceed 1 with
  // probability 12/25 (1,920 expected; measured 1,963 with these seeds).
  EXPECT_GT(two_switches, kSeeds * 44 / 100);
  EXPECT_LT(two_switches, kSeeds * 52 / 100);
  // A step is a change point with probability 1 - (4/5)^2 = 0.36 (1,440
  // expected per step; measured 1,443-1,457).
  for (int step = 2; step <= kK; ++step) {
    EXPECT_GT(switch_at[step], kSeeds * 32 / 100) << "step " << step;
    EXPECT_LT(switch_at[step], kSeeds * 40 / 100) << "step " << step;
  }
}

// pct:1 has no change point; pct:2 has one, seen as a switch unless it
// falls on the first choice point (probability 1/k).
TEST(Pct, DepthOneNeverSwitchesDepthTwoOnce) {
  int one_switch = 0;
  for (uint64_t seed = 0; seed < 1000; ++seed) {
    PctStrategy one(1, 10);
    EXPECT_TRUE(switches(picks(one, seed, 0, 30)).empty());
    PctStrategy two(2, 10);
    const size_t n = switches(picks(two, seed, 0, 30)).size();
    ASSERT_LE(n, 1u);
    one_switch += n == 1;
  }
  EXPECT_GT(one_switch, 850);  // 900 expected; measured 897
  EXPECT_LT(one_switch, 950);
}

TEST(Pct, KIsTheLongestExecutionSeenAfterTheFirstGuess) {
  PctStrategy pct(2);
  pct.begin_execution(1, 0);
  EXPECT_EQ(pct.replay_spec(), "pct2k64");  // kInitialEstimate: nothing seen yet
  pct.end_execution(10);
  pct.begin_execution(1, 1);
  EXPECT_EQ(pct.replay_spec(), "pct2k10");
  pct.end_execution(30);
  pct.begin_execution(1, 2);
  EXPECT_EQ(pct.replay_spec(), "pct2k30");
  pct.end_execution(5);  // shorter executions do not lower it
  pct.begin_execution(1, 3);
  EXPECT_EQ(pct.replay_spec(), "pct2k30");
  pct.end_execution(0);
  pct.begin_execution(1, 4);
  EXPECT_EQ(pct.replay_spec(), "pct2k30");
}

TEST(Pct, LearnedKBoundsTheChangePoints) {
  PctStrategy pct(2);
  picks(pct, 7, 0, 8);  // teaches k = 8
  int switched = 0;
  for (uint64_t index = 1; index < 300; ++index) {
    // Picks past the 8th show where a change point beyond k would land.
    const std::vector<int> s = switches(picks(pct, 7, index, 40, 8));
    ASSERT_LE(s.size(), 1u);
    if (s.empty()) continue;
    EXPECT_LE(s[0], 8) << "execution " << index;
    ++switched;
  }
  EXPECT_GT(switched, 230);  // 7/8 of 299 expected; measured 261
}

TEST(Pct, AFixedKIsNeverRelearned) {
  PctStrategy pct(3, 7);
  for (uint64_t index = 0; index < 3; ++index) {
    pct.begin_execution(1, index);
    EXPECT_EQ(pct.replay_spec(), "pct3k7");
    pct.end_execution(1000);
  }
}

// A spinning thread drops below every other priority, change points
// included; a later spinner drops below that one.
TEST(Pct, SpinningDemotesBelowEverything) {
  for (uint64_t seed = 0; seed < 100; ++seed) {
    PctStrategy pct(1, 1000);  // no change points: only the demotions act
    pct.begin_execution(seed, 0);
    for (ThreadId t = 0; t < 3; ++t) pct.thread_created(t, t == 0 ? weft::detail::kNoThread : 0);
    const std::array<ThreadId, 3> all{0, 1, 2};
    const ThreadId first = pct.pick_thread(all, 0);
    pct.thread_spinning(first);
    const ThreadId second = pct.pick_thread(all, first);
    EXPECT_NE(second, first);
    pct.thread_spinning(second);
    const ThreadId third = pct.pick_thread(all, second);
    EXPECT_NE(third, first);
    EXPECT_NE(third, second);
    pct.thread_spinning(third);
    // Now first > second > third: the earliest spinner is the highest of them.
    EXPECT_EQ(pct.pick_thread(all, third), first);
  }
}

TEST(Pct, TheSeedAndIndexDetermineTheSchedule) {
  PctStrategy a(3, 20), b(3, 20);
  EXPECT_EQ(picks(a, 42, 5, 40), picks(b, 42, 5, 40));
  int differ = 0;
  for (uint64_t index = 0; index < 50; ++index) differ += picks(a, 42, index, 40) != picks(b, 43, index, 40);
  EXPECT_GT(differ, 25);
}

}  // namespace

namespace {

// Threads as PCT sees them, scripted by the test: which exist, which are
// blocked.
class ThreadsView final : public weft::detail::ExecutionView {
 public:
  const weft::detail::RawEvent& pending(ThreadId) const override { return event_; }
  std::span<const weft::detail::RawEvent> steps() const override { return {}; }
  int threads() const override { return static_cast<int>(blocked_.size()); }
  bool blocked(ThreadId t) const override { return blocked_[t]; }

  std::vector<bool> blocked_;

 private:
  weft::detail::RawEvent event_{};
};

// How often each event of a scripted execution happens, per step, in
// percent; the rest of the steps only pick.
struct Script {
  int threads = 20;      // created before the first pick
  int max_threads = 60;  // created at most, counting those
  int steps = 300;
  int create = 10;
  int spin = 10;     // the current thread spins (a demotion)
  int block = 10;    // a random thread blocks...
  int unblock = 10;  // ...or wakes
  int finish = 10;   // a random unblocked thread finishes
  int may_wake = 0;  // a blocked thread is offered anyway (a timeout)
};

// Drives a strategy that always scans and one that always uses the tiers
// through the same scripted executions (threads created as they go, some
// spinning, some blocked, woken or finished, change points at d = 3, k =
// 200) and checks that they choose the same thread at every step: the scan
// is the definition (the highest priority enabled, ties to the lower id).
void expect_tiers_pick_as_the_scan(const Script& script, uint64_t seeds) {
  for (uint64_t seed = 0; seed < seeds; ++seed) {
    weft::detail::Rng rng(seed);
    auto percent = [&](int p) { return static_cast<int>(rng.below(100)) < p; };
    ThreadsView view;
    PctStrategy scan(3, 200, SIZE_MAX);
    PctStrategy tiers(3, 200, 0);
    scan.attach(view);
    tiers.attach(view);
    for (uint64_t index = 0; index < 3; ++index) {
      scan.begin_execution(seed, index);
      tiers.begin_execution(seed, index);
      view.blocked_.clear();
      std::vector<bool> finished;
      auto create = [&](ThreadId parent) {
        const ThreadId id = view.threads();
        view.blocked_.push_back(false);
        finished.push_back(false);
        scan.thread_created(id, parent);
        tiers.thread_created(id, parent);
      };
      create(weft::detail::kNoThread);
      for (int i = 1; i < script.threads; ++i) create(0);
      ThreadId current = 0;
      for (int step = 0; step < script.steps; ++step) {
        if (percent(script.create) && view.threads() < script.max_threads) create(current);
        if (percent(script.spin)) {
          scan.thread_spinning(current);
          tiers.thread_spinning(current);
        }
        if (percent(script.block)) view.blocked_[rng.below(view.threads())] = true;
        if (percent(script.unblock)) view.blocked_[rng.below(view.threads())] = false;
        if (percent(script.finish)) {
          const ThreadId t = static_cast<ThreadId>(rng.below(view.threads()));
          if (!view.blocked_[t]) finished[t] = true;
        }
        std::vector<ThreadId> enabled;
        for (ThreadId t = 0; t < view.threads(); ++t) {
          if (finished[t]) continue;
          if (!view.blocked_[t] || percent(script.may_wake)) enabled.push_back(t);
        }
        if (enabled.size() < 2) break;
        const ThreadId a = scan.pick_thread(enabled, current);
        const ThreadId b = tiers.pick_thread(enabled, current);
        ASSERT_EQ(a, b) << "seed " << seed << ", execution " << index << ", step " << step;
        current = a;
      }
      scan.end_execution(200);
      tiers.end_execution(200);
    }
  }
}

TEST(Pct, OrderedChoiceMatchesTheScan) { expect_tiers_pick_as_the_scan(Script{}, 40); }

// Mostly demoted threads that block and wake often, some offered while
// blocked (a timeout), many finishing: the demoted list is relinked at
// almost every step, and where the tiers last found each thread in the
// enabled span goes stale as threads come and go around it.
TEST(Pct, OrderedChoiceMatchesTheScanUnderChurn) {
  Script churn;
  churn.threads = 40;
  churn.max_threads = 120;
  churn.steps = 2000;
  churn.create = 3;
  churn.spin = 70;
  churn.block = 15;
  churn.unblock = 15;
  churn.finish = 2;
  churn.may_wake = 20;
  expect_tiers_pick_as_the_scan(churn, 60);
}

}  // namespace
