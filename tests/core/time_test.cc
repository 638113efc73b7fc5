// Virtual time: sleeps and timeouts advance weft::steady_clock in deadline
// order, deterministically and instantly, and the clock restarts at zero in
// every execution.
#include <weft/weft.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <vector>

#include "explore_helpers.h"

namespace {

using namespace std::chrono_literals;
using weft_test::expect_clean;
using weft_test::options_with;

weft::steady_clock::time_point at(std::chrono::nanoseconds since_start) {
  return weft::steady_clock::time_point(since_start);
}

TEST(VirtualTime, TheShorterSleepWakesFirst) {
  // A runnable thread takes no virtual time, but it may be scheduled late:
  // a sleep that starts after the other one ended is no contest. When both
  // start at zero, the 20ms sleep must not end before the 10ms one: the clock
  // never jumps past a pending deadline, so every sleep ends exactly on time.
  int contests = 0;
  expect_clean(options_with(3000), [&contests] {
    using Clock = weft::steady_clock;
    std::array<Clock::time_point, 2> start, end;  // [0]: 10ms sleeper, [1]: 20ms
    auto sleeper = [&](int which, std::chrono::milliseconds d) {
      start[which] = Clock::now();
      weft::this_thread::sleep_for(d);
      end[which] = Clock::now();
      WEFT_ASSERT_MSG(end[which] - start[which] == d, "a sleep overshot or undershot");
    };
    weft::thread slow(sleeper, 1, 20ms);  // starts first
    weft::thread fast(sleeper, 0, 10ms);
    slow.join();
    fast.join();
    if (start[0] == at(0ns) && start[1] == at(0ns)) {
      ++contests;
      WEFT_ASSERT_MSG(end[0] < end[1], "the longer sleep woke first");
    }
  });
  EXPECT_GT(contests, 0);
}

TEST(VirtualTime, NowAdvancesExactlyBySleepsAndStartsAtZero) {
  expect_clean(options_with(200), [] {
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
  expect_clean(options_with(500), [] {
    weft::atomic<int> n{0};
    weft::thread t([&] {
      for (int i = 0; i < 5; ++i) n.fetch_add(1);
    });
    for (int i = 0; i < 5; ++i) weft::this_thread::yield();
    t.join();
    WEFT_ASSERT(weft::steady_clock::now() == at(0ns));
  });
}

TEST(VirtualTime, TimeoutsOfEveryPrimitiveFireExactlyAtTheirDeadlines) {
  expect_clean(options_with(2000), [] {
    weft::timed_mutex busy;
    weft::condition_variable never_notified;
    weft::binary_semaphore empty{0};
    busy.lock();
    // Each timed wait ends exactly at its deadline: never early, never late.
    auto timed = [&](std::chrono::milliseconds d, auto wait_and_time_out) {
      const auto start = weft::steady_clock::now();
      wait_and_time_out(d);
      const auto end = weft::steady_clock::now();
      WEFT_ASSERT(end - start == d);
    };
    weft::thread a([&] {
      timed(30ms, [&](auto d) {
        weft::mutex own;
        std::unique_lock lock(own);
        WEFT_ASSERT(never_notified.wait_for(lock, d) == weft::cv_status::timeout);
      });
    });
    weft::thread b([&] { timed(10ms, [&](auto d) { WEFT_ASSERT(!busy.try_lock_for(d)); }); });
    weft::thread c([&] { timed(20ms, [&](auto d) { WEFT_ASSERT(!empty.try_acquire_for(d)); }); });
    a.join();
    b.join();
    c.join();
    busy.unlock();
  });
}

}  // namespace
