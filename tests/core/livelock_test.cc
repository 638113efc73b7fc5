// The livelock detector and PCT's yield demotion. Threads that spin forever
// are reported as a livelock naming them and what they repeat; spin loops
// that do terminate (on yield, a failed try_lock, a failed CAS) must finish
// under PCT, whose highest-priority spinner would otherwise starve the
// thread it waits for.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace {

using weft::FailureKind;
using weft_test::any_contains;
using weft_test::contains;
using weft_test::options_with;

// Two threads wait, politely yielding, for a flag nobody ever sets.
void endless_spin_body() {
  weft::atomic<bool> go{false, "go"};
  auto spin = [&] {
    while (!go.load()) weft::this_thread::yield();
  };
  weft::thread a(spin), b(spin);
  a.join();
  b.join();
}

TEST(Livelock, SpinningForeverIsReportedWithTheSpinningThreads) {
  for (const char* strategy : {"random", "pct:3"}) {
    SCOPED_TRACE(strategy);
    weft::Options options = options_with(10, strategy);
    options.max_steps = 2000;  // keep the test fast
    std::optional<weft::Failure> f = weft::expect_bug(options, endless_spin_body, {FailureKind::kLivelock});
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->execution, 0u);  // every execution spins
    EXPECT_TRUE(contains(f->message, "exceeded max_steps (2000)"));
    const weft::Livelock* livelock = f->evidence_if<weft::Livelock>();
    ASSERT_NE(livelock, nullptr);
    EXPECT_EQ(livelock->max_steps, 2000u);
    ASSERT_EQ(livelock->threads.size(), 3u);
    EXPECT_EQ(livelock->threads[0].thread, 0);
    EXPECT_TRUE(livelock->threads[0].blocked);  // in a join
    for (int spinner : {1, 2}) {
      const weft::LivelockThread& t = livelock->threads[spinner];
      EXPECT_EQ(t.thread, spinner);
      EXPECT_FALSE(t.blocked);
      // What it repeats: its yield, and the load of `go`, about as often.
      ASSERT_GE(t.repeats.size(), 2u);
      std::vector<std::string> what;
      for (const weft::RepeatedStep& r : t.repeats) {
        what.push_back(r.object.label.empty() ? r.operation : r.operation + " " + r.object.label);
        EXPECT_GT(r.count, 0);
      }
      const auto yield_at = std::find(what.begin(), what.end(), "yield");
      ASSERT_NE(yield_at, what.end());
      EXPECT_NE(std::find(what.begin(), what.end(), "load go"), what.end());
      const weft::RepeatedStep& yield = t.repeats[yield_at - what.begin()];
      EXPECT_TRUE(contains(yield.where.file, "livelock_test.cc"));
      EXPECT_GT(yield.count, 100);
    }
    EXPECT_TRUE(contains(f->report, "thread 1 repeats: "));
    EXPECT_TRUE(contains(f->report, "thread 0 (blocked)"));
    // The token carries max_steps: replaying with default options (100000
    // steps) still stops at 2000.
    const weft::Result again = weft::replay(f->token, endless_spin_body);
    ASSERT_TRUE(again.failure.has_value());
    EXPECT_EQ(again.failure->message, f->message);
  }
}

// Spin locks that terminate under any fair scheduler must terminate under
// every strategy, PCT included: this is the yield-demotion requirement.
template <typename Lock, typename Unlock>
void contended_spin_lock_body(Lock lock, Unlock unlock) {
  weft::var<int> counter{0, "counter"};
  auto work = [&] {
    for (int i = 0; i < 2; ++i) {
      lock();
      counter = counter + 1;
      unlock();
    }
  };
  weft::thread a(work), b(work);
  work();
  a.join();
  b.join();
  WEFT_ASSERT(counter == 6);
}

class SpinLockTerminates : public testing::TestWithParam<const char*> {
 protected:
  weft::Options options() const {
    weft::Options o = options_with(1000, GetParam());
    o.max_steps = 20000;  // a hang would show up as a livelock, quickly
    return o;
  }
};

TEST_P(SpinLockTerminates, ExchangeWithYield) {
  weft::expect_no_bug(options(), [] {
    weft::atomic<bool> locked{false, "locked"};
    contended_spin_lock_body(
        [&] {
          while (locked.exchange(true, std::memory_order_acquire)) weft::this_thread::yield();
        },
        [&] { locked.store(false, std::memory_order_release); });
  });
}

TEST_P(SpinLockTerminates, TryLockWithoutYield) {
  weft::expect_no_bug(options(), [] {
    weft::mutex m{"m"};
    contended_spin_lock_body(
        [&] {
          while (!m.try_lock()) {
          }
        },
        [&] { m.unlock(); });
  });
}

TEST_P(SpinLockTerminates, CompareExchangeWithoutYield) {
  weft::expect_no_bug(options(), [] {
    weft::atomic<int> owner{0, "owner"};
    contended_spin_lock_body(
        [&] {
          int expected = 0;
          while (!owner.compare_exchange_weak(expected, 1, std::memory_order_acquire)) expected = 0;
        },
        [&] { owner.store(0, std::memory_order_release); });
  });
}

TEST_P(SpinLockTerminates, WaitingForAFlagWithYield) {
  weft::expect_no_bug(options(), [] {
    weft::atomic<bool> ready{false, "ready"};
    weft::thread setter([&] {
      for (int i = 0; i < 3; ++i) weft::this_thread::yield();
      ready.store(true);
    });
    while (!ready.load()) weft::this_thread::yield();
    setter.join();
  });
}

TEST_P(SpinLockTerminates, SleepingPoll) {
  weft::expect_no_bug(options(), [] {
    weft::atomic<bool> ready{false, "ready"};
    weft::thread setter([&] { ready.store(true); });
    while (!ready.load()) weft::this_thread::sleep_for(std::chrono::milliseconds(1));
    setter.join();
  });
}

INSTANTIATE_TEST_SUITE_P(AllStrategies, SpinLockTerminates,
                         testing::Values("pct:1", "pct:2", "pct:3", "random", "portfolio"),
                         [](const testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (c == ':') c = '_';
                           }
                           return name;
                         });

}  // namespace
