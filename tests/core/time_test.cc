// Virtual time: sleeps and timeouts advance weft::steady_clock in deadline
// order, deterministically and instantly, and the clock restarts at zero in
// every execution.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <array>
#include <chrono>
#include <vector>

#include "support/test_support.h"

namespace {

using namespace std::chrono_literals;
using weft_test::options_with;

weft::steady_clock::time_point at(std::chrono::nanoseconds since_start) {
  return weft::steady_clock::time_point(since_start);
}

// A runnable thread takes no virtual time, but the scheduler may run it
// arbitrarily late, after other threads' timeouts moved the clock. So a
// relative wait measured by its caller lasts *at least* its duration, and an
// absolute deadline is met exactly unless the clock had already passed it.

TEST(VirtualTime, TheEarlierDeadlineNeverWakesLater) {
  int contests = 0;  // executions where the two sleeps really overlapped
  weft::expect_no_bug(options_with(3000), [&contests] {
    std::array<weft::steady_clock::time_point, 2> end;
    auto sleeper = [&](int which, std::chrono::milliseconds deadline) {
      weft::this_thread::sleep_until(at(deadline));
      end[which] = weft::steady_clock::now();
      WEFT_ASSERT_MSG(end[which] >= at(deadline), "woke before its deadline");
    };
    weft::thread late(sleeper, 1, 20ms);  // starts first
    weft::thread early(sleeper, 0, 10ms);
    late.join();
    early.join();
    // If the 20ms deadline fired while the 10ms one was pending, the 10ms
    // sleeper would wake after it.
    WEFT_ASSERT_MSG(end[0] <= end[1], "the later deadline fired first");
    if (end[0] < end[1]) ++contests;
  });
  EXPECT_GT(contests, 0);
}

TEST(VirtualTime, SleepUntilWakesExactlyAtItsDeadline) {
  // Another thread's 5ms sleep may move the clock before the sleep_until
  // call is scheduled; the deadline is absolute all the same.
  weft::expect_no_bug(options_with(3000), [] {
    weft::thread other([] { weft::this_thread::sleep_for(5ms); });
    weft::this_thread::sleep_until(at(10ms));
    WEFT_ASSERT(weft::steady_clock::now() == at(10ms));
    other.join();
  });
}

TEST(VirtualTime, RelativeWaitsNeverEndEarly) {
  weft::expect_no_bug(options_with(2000), [] {
    weft::timed_mutex busy;
    weft::condition_variable never_notified;
    weft::binary_semaphore empty{0};
    busy.lock();
    auto at_least = [&](std::chrono::milliseconds d, auto wait_and_time_out) {
      const auto start = weft::steady_clock::now();
      wait_and_time_out(d);
      WEFT_ASSERT_MSG(weft::steady_clock::now() - start >= d, "a timed wait ended early");
    };
    weft::thread a([&] {
      at_least(30ms, [&](auto d) {
        weft::mutex own;
        std::unique_lock lock(own);
        WEFT_ASSERT(never_notified.wait_for(lock, d) == weft::cv_status::timeout);
      });
    });
    weft::thread b([&] { at_least(10ms, [&](auto d) { WEFT_ASSERT(!busy.try_lock_for(d)); }); });
    weft::thread c([&] { at_least(20ms, [&](auto d) { WEFT_ASSERT(!empty.try_acquire_for(d)); }); });
    at_least(15ms, [](auto d) { weft::this_thread::sleep_for(d); });
    a.join();
    b.join();
    c.join();
    busy.unlock();
  });
}

TEST(VirtualTime, NowAdvancesExactlyBySleepsAndStartsAtZero) {
  weft::expect_no_bug(options_with(200), [] {
    WEFT_ASSERT(weft::steady_clock::now() == at(0ns));
    weft::this_thread::sleep_for(3ms);
    WEFT_ASSERT(weft::steady_clock::now() == at(3ms));
    weft::this_thread::sleep_until(at(10ms));
    WEFT_ASSERT(weft::steady_clock::now() == at(10ms));
    weft::this_thread::sleep_for(0ms);  // a point, but no time passes
    weft::this_thread::sleep_for(-5ms);
    WEFT_ASSERT(weft::steady_clock::now() == at(10ms));
  });
}

TEST(VirtualTime, WorkWithoutSleepsTakesNoTime) {
  weft::expect_no_bug(options_with(500), [] {
    weft::atomic<int> n{0};
    weft::thread t([&] {
      for (int i = 0; i < 5; ++i) n.fetch_add(1);
    });
    for (int i = 0; i < 5; ++i) weft::this_thread::yield();
    t.join();
    WEFT_ASSERT(weft::steady_clock::now() == at(0ns));
  });
}

}  // namespace
