// dfs:K, bounded exhaustive search with iterative preemption bounding:
//   - a bug that needs exactly two preemptions is not found with bound 1
//     (the search exhausts and says so) and is found with bounds 2 and 3,
//     each time in a schedule with two preemptions (the fewest), and its
//     decision and seed tokens replay it;
//   - choose() values, notify_one's choice of waiter and a timeout firing
//     while another thread can run are branch points;
//   - correct programs are exhausted, spin loops included, with the number
//     of schedules the tree has;
//   - a bad bound is one clear error.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace {

using weft::FailureKind;
using weft_test::contains;
using weft_test::options_with;

// The main thread reads v once while another thread writes 1, 2, 3: reading
// 2 needs a preemption of the main thread before its read and one of the
// writer between its second and third write.
void read_between_writes() {
  weft::atomic<int> v{0, "v"};
  weft::thread writer([&] {
    v.store(1);
    v.store(2);
    v.store(3);
  });
  WEFT_ASSERT(v.load() != 2);
  writer.join();
}

TEST(Dfs, ABugBeyondTheBoundIsNotFoundAndTheSearchSaysItExhausted) {
  const weft::Result r = weft::explore(options_with(100000, "dfs:1"), read_between_writes);
  ASSERT_TRUE(r.error.ok()) << r.error;
  EXPECT_FALSE(r.bug_found()) << r.failure->report;
  EXPECT_TRUE(r.exhausted);
  EXPECT_GT(r.schedules, 1u);
  EXPECT_GE(r.executions, r.schedules);  // each pass re-runs the lower bounds' schedules
  EXPECT_EQ(r.search, "exhausted: no bug with <= 1 preemption (" + std::to_string(r.schedules) + " schedules, " +
                          std::to_string(r.classes) + " classes)");
}

TEST(Dfs, TheFirstBugFoundHasTheFewestPreemptionsAndItsTokensReplay) {
  for (const char* strategy : {"dfs:2", "dfs:3"}) {
    SCOPED_TRACE(strategy);
    // expect_bug replays the decision token twice and the seed token once.
    const std::optional<weft::Failure> f =
        weft::expect_bug(options_with(100000, strategy), read_between_writes, {FailureKind::kAssertion});
    ASSERT_TRUE(f.has_value());
    EXPECT_TRUE(contains(f->seed_token, "-dfs" + std::string(strategy).substr(4) + "d")) << f->seed_token;
    const weft::Result r = weft::explore(options_with(100000, strategy), read_between_writes);
    EXPECT_FALSE(r.exhausted);
    EXPECT_TRUE(contains(r.search, "bug found in a schedule with 2 preemptions")) << r.search;
    // The report marks each preemption with '*'.
    EXPECT_EQ(std::count(r.failure->report.begin(), r.failure->report.end(), '*') - 1, 2) << r.failure->report;
  }
}

TEST(Dfs, AFixedProgramIsExhaustedAtEveryBound) {
  uint64_t previous = 0;
  for (int bound = 0; bound <= 3; ++bound) {
    const weft::Result r = weft::explore(options_with(100000, "dfs:" + std::to_string(bound)), [] {
      weft::mutex m{"m"};
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
    });
    ASSERT_FALSE(r.bug_found()) << r.failure->report;
    EXPECT_TRUE(r.exhausted) << r.search;
    EXPECT_TRUE(contains(r.search, "exhausted: no bug with <= " + std::to_string(bound))) << r.search;
    EXPECT_GE(r.schedules, previous);  // a higher bound covers the lower one's schedules
    previous = r.schedules;
  }
}

TEST(Dfs, ChosenValuesAreFreeBranchesAndTheSearchCountsThem) {
  int runs = 0;
  const weft::Result clean = weft::explore(options_with(1000, "dfs:0"), [&runs] {
    ++runs;
    (void)weft::choose(3);
    (void)weft::choose(2);
  });
  EXPECT_TRUE(clean.exhausted);
  EXPECT_EQ(clean.schedules, 6u);
  EXPECT_EQ(runs, 6);
  EXPECT_TRUE(contains(clean.search, "no schedule of the program has more")) << clean.search;

  const std::optional<weft::Failure> f =
      weft::expect_bug(options_with(1000, "dfs:0"),
                       [] { WEFT_ASSERT(!(weft::choose(3) == 2 && weft::choose(2) == 1)); }, {FailureKind::kAssertion});
  EXPECT_TRUE(f.has_value());
}

TEST(Dfs, NotifyOneChoosesAmongTheWaiters) {
  // Two waiters, one notify_one: over the exhausted search each of them is
  // the one it wakes in some schedule, with no preemption at all.
  std::set<int> woken_first;
  const weft::Result r = weft::explore(options_with(10000, "dfs:0"), [&woken_first] {
    weft::mutex m{"m"};
    weft::condition_variable cv{"cv"};
    int waiting = 0;
    std::vector<int> woken;
    auto waiter = [&](int id) {
      std::unique_lock lock(m);
      ++waiting;
      cv.wait(lock);
      woken.push_back(id);
    };
    weft::thread a(waiter, 1);
    weft::thread b(waiter, 2);
    std::unique_lock lock(m);
    while (waiting < 2) {
      lock.unlock();
      weft::this_thread::yield();
      lock.lock();
    }
    cv.notify_one();
    while (woken.empty()) {
      lock.unlock();
      weft::this_thread::yield();
      lock.lock();
    }
    woken_first.insert(woken[0]);
    cv.notify_one();
    lock.unlock();
    a.join();
    b.join();
  });
  ASSERT_FALSE(r.bug_found()) << r.failure->report;
  EXPECT_TRUE(r.exhausted) << r.search;
  EXPECT_EQ(woken_first, (std::set<int>{1, 2}));
}

// A timeout that fires while the notifier can still run: a wait_for whose
// caller forgot that it may return without the flag.
void timed_wait(bool check_flag) {
  weft::mutex m{"m"};
  weft::condition_variable cv{"cv"};
  bool ready = false;
  weft::thread setter([&] {
    std::lock_guard lock(m);
    ready = true;
    cv.notify_one();
  });
  {
    std::unique_lock lock(m);
    const bool got = cv.wait_for(lock, std::chrono::milliseconds(10), [&] { return ready; });
    WEFT_ASSERT(got || !check_flag);
  }
  setter.join();
}

TEST(Dfs, ATimeoutFiringWhileAnotherThreadCanRunCostsOnePreemption) {
  const weft::Result r0 = weft::explore(options_with(10000, "dfs:0"), [] { timed_wait(true); });
  EXPECT_FALSE(r0.bug_found()) << r0.failure->report;
  EXPECT_TRUE(r0.exhausted) << r0.search;
  const std::optional<weft::Failure> f =
      weft::expect_bug(options_with(10000, "dfs:1"), [] { timed_wait(true); }, {FailureKind::kAssertion});
  EXPECT_TRUE(f.has_value());
  const weft::Result clean = weft::explore(options_with(10000, "dfs:3"), [] { timed_wait(false); });
  EXPECT_FALSE(clean.bug_found()) << clean.failure->report;
  EXPECT_TRUE(clean.exhausted) << clean.search;
}

TEST(Dfs, SpinLoopsEndAndAreExhausted) {
  for (const bool yield : {true, false}) {
    SCOPED_TRACE(yield ? "yield" : "compare_exchange");
    const weft::Result r = weft::explore(options_with(100000, "dfs:2"), [yield] {
      weft::atomic<int> flag{0, "flag"};
      weft::thread setter([&] { flag.store(1); });
      if (yield) {
        while (flag.load() == 0) weft::this_thread::yield();
      } else {
        int expected = 1;
        while (!flag.compare_exchange_strong(expected, 2)) expected = 1;
      }
      setter.join();
    });
    ASSERT_FALSE(r.bug_found()) << r.failure->report;
    EXPECT_TRUE(r.exhausted) << r.search;
  }
}

TEST(Dfs, TheBudgetStopsTheSearchAndSaysSo) {
  const weft::Result r = weft::explore(options_with(5, "dfs:3"), read_between_writes);
  EXPECT_FALSE(r.exhausted);
  EXPECT_EQ(r.executions, 5u);
  EXPECT_TRUE(contains(r.search, "not exhausted: the budget ran out")) << r.search;
}

TEST(Dfs, BadBoundsAreOneClearError) {
  for (const char* bad : {"dfs:", "dfs:x", "dfs:-1", "dfs:65", "dfs:1.5"}) {
    SCOPED_TRACE(bad);
    const weft::Result r = weft::explore(options_with(1, bad), [] {});
    EXPECT_FALSE(r.error.ok());
    EXPECT_TRUE(contains(r.error.message(), "the preemption bound must be an integer in [0, 64], e.g. dfs:2"))
        << r.error;
    EXPECT_EQ(r.executions, 0u);
  }
  const weft::Result token = weft::replay("w1s-dfs2d3x1.2x0-5eed-0-100000-0", [] {});
  EXPECT_TRUE(contains(token.error.message(), "in increasing order")) << token.error;
}

}  // namespace
