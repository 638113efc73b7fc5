// The in-process watchdog of weft::explore (Options::stall_timeout): a body
// stuck outside weft's control is reported with its token, its stack and the
// likely cause, and ends the process; a body that keeps finishing executions
// never trips it, however long the exploration runs.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <atomic>
#include <chrono>
#include <mutex>

namespace {

using namespace std::chrono_literals;

void real_mutex_body() {
  std::mutex m;
  weft::thread t([&] { std::lock_guard<std::mutex> lock(m); });
  {
    std::lock_guard<std::mutex> lock(m);
    weft::this_thread::yield();
  }
  t.join();
}

void atomic_spin_body() {
  std::atomic<bool> flag{false};
  weft::thread t([&] { flag = true; });
  while (!flag.load()) {
  }
  t.join();
}

weft::Options watched(std::chrono::milliseconds timeout) {
  weft::Options o;
  o.iterations = 2000;
  o.stall_timeout = timeout;
  return o;
}

class StallWatchdog : public testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(StallWatchdog, NamesARealLockAndTheToken) {
  EXPECT_EXIT(weft::explore(watched(300ms), real_mutex_body), testing::ExitedWithCode(1),
              "execution stalled outside weft's control: execution [0-9]+ has run for 300ms.*"
              "likely cause: a real lock.*native stack of the stuck thread:.*pthread_mutex_lock.*token: w1s-");
}

TEST_F(StallWatchdog, NamesASpinOnAPlainAtomic) {
  EXPECT_EXIT(weft::explore(watched(300ms), atomic_spin_body), testing::ExitedWithCode(1),
              "likely cause: a loop that never reaches a scheduling point.*atomic_spin_body.*token: w1s-");
}

// The token the watchdog prints replays the stall: a replay stalls too.
TEST_F(StallWatchdog, ReplayOfAStalledTokenStallsAgain) {
  // Find a stalling execution in process: the first one whose replay does
  // not return within the timeout is the same one explore would report.
  EXPECT_EXIT(
      {
        weft::Options o = watched(300ms);
        o.strategy = "random";
        for (uint64_t i = 0; i < 100; ++i) {
          const std::string token = "w1s-random-5eed-" + std::to_string(i) + "-100000-0";
          weft::replay(token, real_mutex_body, o);  // returns only when it does not stall
        }
        std::exit(0);
      },
      testing::ExitedWithCode(1), "token: w1s-random-5eed-[0-9]+-100000-0");
}

TEST(StallWatchdogQuiet, LongExplorationsOfShortExecutionsNeverTripIt) {
  weft::Options o;
  o.iterations = 1u << 30;
  o.time_budget = 1500ms;
  o.stall_timeout = 200ms;
  const weft::Result r = weft::explore(o, [] {
    weft::mutex m;
    weft::thread t([&] { std::lock_guard<weft::mutex> lock(m); });
    { std::lock_guard<weft::mutex> lock(m); }
    t.join();
  });
  EXPECT_FALSE(r.failure.has_value());
  EXPECT_GT(r.executions, 100u);
}

}  // namespace
