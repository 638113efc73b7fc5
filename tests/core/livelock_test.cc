// The livelock detector and PCT's yield demotion. Threads that spin forever
// are reported as a livelock naming them and what they repeat; spin loops
// that do terminate (on yield, a failed try_lock, a failed CAS) must finish
// under PCT, whose highest-priority spinner would otherwise starve the
// thread it waits for.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <mutex>

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
  for (const char* strategy : {"random", "pct:3", "pos", "surw"}) {
    SCOPED_TRACE(strategy);
    weft::Options options = options_with(10, strategy);
    options.max_steps = 2000;  // keep the test fast
    std::optional<weft::Failure> f = weft::expect_bug(options, endless_spin_body, {FailureKind::kLivelock});
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->execution, 0u);  // every execution spins
    EXPECT_TRUE(contains(f->message, "exceeded max_steps (2000)"));
    EXPECT_TRUE(any_contains(f->details, "thread 1 repeats: "));
    EXPECT_TRUE(any_contains(f->details, "thread 2 repeats: "));
    EXPECT_TRUE(any_contains(f->details, "yield at livelock_test.cc:"));
    EXPECT_TRUE(any_contains(f->details, "load go"));
    EXPECT_TRUE(any_contains(f->details, "thread 0 (blocked)"));
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
                         testing::Values("pct:1", "pct:2", "pct:3", "random", "pos", "surw", "portfolio"),
                         [](const testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (c == ':') c = '_';
                           }
                           return name;
                         });

}  // namespace
