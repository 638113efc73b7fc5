// weft::mutex, recursive_mutex and timed_mutex: mutual exclusion under many
// schedules, recursion depth, and try_lock_for timeouts in virtual time.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <chrono>
#include <mutex>
#include <set>

#include "support/test_support.h"

namespace {

using namespace std::chrono_literals;
using weft::FailureKind;
using weft_test::contains;
using weft_test::options_with;

// One pass through a critical section that checks nobody else is inside.
void enter_critical_section(weft::var<int>& inside, weft::var<int>& counter) {
  inside = inside + 1;
  WEFT_ASSERT_MSG(inside == 1, "two threads in the critical section");
  counter = counter + 1;
  inside = inside - 1;
}

TEST(Mutex, CriticalSectionsNeverOverlapAndTheCounterIsExact) {
  weft::expect_no_bug(options_with(3000), [] {
    weft::mutex m{"m"};
    weft::var<int> inside{0, "inside"}, counter{0, "counter"};
    auto work = [&] {
      for (int i = 0; i < 2; ++i) {
        std::lock_guard lock(m);
        enter_critical_section(inside, counter);
      }
    };
    weft::thread a(work), b(work);
    work();
    a.join();
    b.join();
    WEFT_ASSERT(counter == 6);
  });
}

// The same check catches a broken lock: it proves the test above could fail.
TEST(Mutex, IgnoringAFailedTryLockIsCaught) {
  weft::Options options = options_with(3000);
  options.detect_races = false;  // the assertion, not the race detector, must catch it
  const weft_test::Body body = [] {
    weft::mutex m{"m"};
    weft::var<int> inside{0, "inside"}, counter{0, "counter"};
    auto work = [&] {
      const bool got = m.try_lock();  // BUG: enters even when it failed
      enter_critical_section(inside, counter);
      if (got) m.unlock();
    };
    weft::thread a(work);
    work();
    a.join();
  };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kAssertion});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "two threads in the critical section"));
}

TEST(Mutex, TryLockFailsWhileAnotherThreadHoldsIt) {
  weft::expect_no_bug(options_with(500), [] {
    weft::mutex m;
    m.lock();
    weft::thread t([&] { WEFT_ASSERT(!m.try_lock()); });
    t.join();
    m.unlock();
    weft::thread u([&] {
      WEFT_ASSERT(m.try_lock());
      m.unlock();
    });
    u.join();
  });
}

TEST(Mutex, WorksWithStdUniqueLockAndScopedLock) {
  weft::expect_no_bug(options_with(2000), [] {
    weft::mutex a{"a"}, b{"b"};
    weft::var<int> total{0, "total"};
    // scoped_lock on two mutexes in opposite orders: std::lock's back-off
    // (lock one, try_lock the other) must never deadlock.
    weft::thread t([&] {
      std::scoped_lock both(a, b);
      total = total + 1;
    });
    {
      std::scoped_lock both(b, a);
      total = total + 1;
    }
    {
      std::unique_lock lock(a, std::defer_lock);
      WEFT_ASSERT(!lock.owns_lock());
      lock.lock();
      total = total + 1;
    }
    t.join();
    WEFT_ASSERT(total == 3);
  });
}

TEST(RecursiveMutex, OthersWaitUntilTheOwnerUnlocksEveryLevel) {
  weft::expect_no_bug(options_with(3000), [] {
    weft::recursive_mutex m{"rm"};
    weft::var<int> depth{0, "depth"};  // guarded by m
    weft::thread owner([&] {
      for (int i = 0; i < 3; ++i) {
        m.lock();
        depth = depth + 1;
      }
      WEFT_ASSERT(m.try_lock());  // a fourth level, without blocking
      m.unlock();
      for (int i = 0; i < 3; ++i) {
        depth = depth - 1;
        m.unlock();
      }
    });
    m.lock();
    WEFT_ASSERT(depth == 0);  // never inside the owner's nested levels
    m.unlock();
    owner.join();
  });
}

TEST(TimedMutex, TryLockForTimesOutInVirtualTime) {
  weft::expect_no_bug(options_with(500), [] {
    weft::timed_mutex m;
    m.lock();
    weft::thread t([&] {
      const auto start = weft::steady_clock::now();
      WEFT_ASSERT(!m.try_lock_for(10ms));  // the holder never lets go in time
      WEFT_ASSERT(weft::steady_clock::now() - start == 10ms);
    });
    t.join();
    m.unlock();
  });
}

// The holder unlocks after a 5ms sleep; the waiter gives up after 10ms.
// A runnable thread may be scheduled arbitrarily late in virtual time, so
// the timeout can win too: both outcomes are schedules to explore.
TEST(TimedMutex, TryLockForExploresBothTheHandOverAndTheTimeout) {
  std::set<bool> outcomes;
  weft::expect_no_bug(options_with(2000), [&outcomes] {
    weft::timed_mutex m;
    m.lock();
    weft::thread t([&] {
      const auto start = weft::steady_clock::now();
      const bool got = m.try_lock_for(10ms);
      outcomes.insert(got);
      if (got) {
        m.unlock();
      } else {
        // Time may have moved between reading the clock and the call's
        // scheduling point: at least the full 10ms passed.
        WEFT_ASSERT(weft::steady_clock::now() - start >= 10ms);
      }
    });
    weft::this_thread::sleep_for(5ms);
    m.unlock();
    t.join();
  });
  EXPECT_EQ(outcomes, (std::set<bool>{false, true}));
}

TEST(TimedMutex, TryLockUntilAnAbsoluteDeadline) {
  weft::expect_no_bug(options_with(300), [] {
    weft::recursive_timed_mutex m;
    m.lock();
    weft::thread t([&] {
      WEFT_ASSERT(!m.try_lock_until(weft::steady_clock::time_point(7ms)));
      WEFT_ASSERT(weft::steady_clock::now() == weft::steady_clock::time_point(7ms));
    });
    t.join();
    WEFT_ASSERT(m.try_lock_until(weft::steady_clock::time_point(1ms)));  // recursive: succeeds at once
    m.unlock();
    m.unlock();
  });
}

}  // namespace
