// counting_semaphore, binary_semaphore, latch and barrier: counts, phases,
// completion functions, and the happens-before edges they promise (race
// detection stays on, so a missing edge shows up as a data race).
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <algorithm>
#include <array>
#include <chrono>

#include "support/test_support.h"

namespace {

using namespace std::chrono_literals;
using weft::FailureKind;
using weft_test::contains;
using weft_test::options_with;

// Four threads share `slots`; at most two may hold one at a time.
void two_slot_body(std::ptrdiff_t initial_count, int& most_holders) {
  weft::counting_semaphore<4> slots{initial_count, "slots"};
  weft::atomic<int> holders{0};
  auto work = [&] {
    slots.acquire();
    const int now = holders.fetch_add(1) + 1;
    most_holders = std::max(most_holders, now);
    WEFT_ASSERT_MSG(now <= 2, "more holders than slots");
    holders.fetch_sub(1);
    slots.release();
  };
  weft::thread a(work), b(work), c(work);
  work();
  a.join();
  b.join();
  c.join();
}

TEST(Semaphore, NeverMoreHoldersThanTheCount) {
  int most_holders = 0;
  weft::expect_no_bug(options_with(3000), [&] { two_slot_body(2, most_holders); });
  EXPECT_EQ(most_holders, 2);  // and the count is really used, not serialized to 1
}

TEST(Semaphore, ACountTooLargeIsCaught) {
  int most_holders = 0;
  const weft::Options options = options_with(3000);
  const weft_test::Body body = [&] { two_slot_body(3, most_holders); };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kAssertion});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "more holders than slots"));
}

TEST(Semaphore, TryAcquireNeverTakesTheCountBelowZero) {
  weft::expect_no_bug(options_with(100), [] {
    weft::counting_semaphore<2> s{1};
    WEFT_ASSERT(s.try_acquire());
    WEFT_ASSERT(!s.try_acquire());
    s.release(2);
    WEFT_ASSERT(s.try_acquire());
    WEFT_ASSERT(s.try_acquire());
    WEFT_ASSERT(!s.try_acquire());
  });
}

TEST(Semaphore, AcquireWaitsForARelease) {
  // The release->acquire edge orders the write before the read: no race.
  weft::expect_no_bug(options_with(2000), [] {
    weft::binary_semaphore ready{0};
    weft::var<int> message{0, "message"};
    weft::thread consumer([&] {
      ready.acquire();
      WEFT_ASSERT(message == 7);
    });
    message = 7;
    ready.release();
    consumer.join();
  });
}

TEST(Semaphore, TryAcquireForTimesOutInVirtualTime) {
  weft::expect_no_bug(options_with(500), [] {
    weft::binary_semaphore s{0};
    weft::thread t([&] {
      WEFT_ASSERT(!s.try_acquire_for(5ms));
      WEFT_ASSERT(weft::steady_clock::now() == weft::steady_clock::time_point(5ms));
      WEFT_ASSERT(!s.try_acquire_until(weft::steady_clock::now() + 1ms));
      WEFT_ASSERT(weft::steady_clock::now() == weft::steady_clock::time_point(6ms));
    });
    t.join();
  });
}

TEST(Latch, WaitReturnsOnlyAfterEveryCountDown) {
  weft::expect_no_bug(options_with(2000), [] {
    weft::latch done{3, "done"};
    std::array<weft::var<int>, 3> parts;
    std::array<weft::thread, 3> workers;
    for (int i = 0; i < 3; ++i) {
      workers[i] = weft::thread([&, i] {
        parts[i] = i + 1;
        done.count_down();
      });
    }
    done.wait();
    WEFT_ASSERT(done.try_wait());
    for (int i = 0; i < 3; ++i) WEFT_ASSERT(parts[i] == i + 1);  // ordered by the latch: no race
    for (weft::thread& w : workers) w.join();
  });
}

TEST(Latch, ArriveAndWaitReleasesEveryoneTogether) {
  weft::expect_no_bug(options_with(2000), [] {
    weft::latch start{3};
    weft::atomic<int> arrived{0};
    auto runner = [&] {
      arrived.fetch_add(1);
      start.arrive_and_wait();
      WEFT_ASSERT(arrived.load() == 3);
    };
    weft::thread a(runner), b(runner);
    runner();
    a.join();
    b.join();
  });
}

TEST(Latch, TryWaitIsFalseWhileCountsRemain) {
  weft::expect_no_bug(options_with(100), [] {
    weft::latch l{2};
    WEFT_ASSERT(!l.try_wait());
    l.count_down(2);
    WEFT_ASSERT(l.try_wait());
  });
}

TEST(Barrier, PhasesAndTheCompletionFunction) {
  weft::expect_no_bug(options_with(2000), [] {
    constexpr int kThreads = 3, kPhases = 3;
    std::array<weft::var<int>, kThreads> progress;
    weft::var<int> completions{0, "completions"};
    // Runs once per phase, after every arrival of the phase (it reads what
    // they wrote: the detector checks that ordering) and before any waiter
    // goes on.
    weft::barrier sync{kThreads, [&] {
                         const int phase = completions;
                         for (auto& p : progress) WEFT_ASSERT(p == phase + 1);
                         completions = phase + 1;
                       }};
    auto worker = [&](int i) {
      for (int phase = 0; phase < kPhases; ++phase) {
        progress[i] = phase + 1;
        sync.arrive_and_wait();
        WEFT_ASSERT(completions == phase + 1);
      }
    };
    weft::thread a(worker, 1), b(worker, 2);
    worker(0);
    a.join();
    b.join();
    WEFT_ASSERT(completions == kPhases);
  });
}

TEST(Barrier, ArriveAndDropShrinksLaterPhases) {
  weft::expect_no_bug(options_with(2000), [] {
    weft::atomic<int> completions{0};
    weft::barrier sync{3, [&] { completions.fetch_add(1); }};
    weft::thread leaver([&] { sync.arrive_and_drop(); });
    auto stayer = [&] {
      for (int phase = 0; phase < 3; ++phase) sync.arrive_and_wait();  // phases 1 and 2 need only two
    };
    weft::thread a(stayer);
    stayer();
    a.join();
    leaver.join();
    WEFT_ASSERT(completions.load() == 3);
  });
}

TEST(Barrier, SplitArriveAndWait) {
  weft::expect_no_bug(options_with(1000), [] {
    weft::barrier sync{2};
    weft::var<int> before{0, "before"};
    weft::thread t([&] {
      before = 1;
      sync.arrive_and_wait();
    });
    weft::barrier::arrival_token token = sync.arrive();
    sync.wait(token);
    WEFT_ASSERT(before == 1);
    t.join();
  });
}

}  // namespace
