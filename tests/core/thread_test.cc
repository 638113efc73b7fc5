// weft::thread: start, join, detach, ids, arguments and moves, under many
// schedules, and that the scheduler really explores different orders.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <set>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace {

using weft_test::options_with;

TEST(Thread, JoinOrdersEverythingTheThreadDidBeforeTheJoiner) {
  // Race detection is on: the read after join() must not race the write.
  weft::expect_no_bug(options_with(2000), [] {
    weft::var<int> result{0, "result"};
    weft::thread t([&] { result = 42; });
    t.join();
    WEFT_ASSERT(result == 42);
  });
}

TEST(Thread, ArgumentsAreCopiedAtConstruction) {
  weft::expect_no_bug(options_with(500), [] {
    weft::var<int> sum{0, "sum"};
    std::string word = "weft";
    weft::thread t([&sum](int a, const std::string& s, int b) { sum = a + b + static_cast<int>(s.size()); }, 1, word,
                   2);
    word = "changed after start";  // the thread owns a copy
    t.join();
    WEFT_ASSERT(sum == 7);
  });
}

TEST(Thread, IdsAreDistinctAndMatchThisThreadGetId) {
  weft::expect_no_bug(options_with(500), [] {
    weft::var<weft::thread::id> seen_inside{{}, "seen_inside"};
    const weft::thread::id main_id = weft::this_thread::get_id();
    weft::thread t([&] { seen_inside = weft::this_thread::get_id(); });
    const weft::thread::id handle_id = t.get_id();
    WEFT_ASSERT(t.joinable());
    t.join();
    WEFT_ASSERT(!t.joinable());
    WEFT_ASSERT(seen_inside.load() == handle_id);
    WEFT_ASSERT(handle_id != main_id);
    WEFT_ASSERT(t.get_id() == weft::thread::id());
  });
}

TEST(Thread, MovingAHandleTransfersTheThread) {
  weft::expect_no_bug(options_with(300), [] {
    weft::atomic<int> ran{0};
    weft::thread a([&] { ran.fetch_add(1); });
    weft::thread b = std::move(a);
    WEFT_ASSERT(!a.joinable());
    WEFT_ASSERT(b.joinable());
    weft::thread c;
    c = std::move(b);
    c.join();
    WEFT_ASSERT(ran.load() == 1);
  });
}

TEST(Thread, DetachedThreadsStillRunToTheEndOfTheExecution) {
  // Outside the body, so it survives every execution.
  int finished = 0;
  weft::expect_no_bug(options_with(1000), [&finished] {
    weft::thread t([&finished] {
      weft::this_thread::yield();
      ++finished;
    });
    t.detach();
    WEFT_ASSERT(!t.joinable());
  });
  EXPECT_EQ(finished, 1000);
}

TEST(Thread, ThreadsStartThreads) {
  weft::expect_no_bug(options_with(1000), [] {
    weft::atomic<int> leaves{0};
    weft::thread parent([&] {
      weft::thread left([&] { leaves.fetch_add(1); });
      weft::thread right([&] { leaves.fetch_add(1); });
      left.join();
      right.join();
      WEFT_ASSERT(leaves.load() == 2);
    });
    parent.join();
  });
}

TEST(Thread, ManyThreadsWithoutABuiltInCap) {
  weft::expect_no_bug(options_with(200), [] {
    constexpr int kThreads = 12;
    weft::atomic<int> started{0};
    std::vector<weft::thread> threads;
    for (int i = 0; i < kThreads; ++i) threads.emplace_back([&] { started.fetch_add(1); });
    for (weft::thread& t : threads) t.join();
    WEFT_ASSERT(started.load() == kThreads);
  });
}

TEST(Thread, BothOrdersOfTwoRacingThreadsAreExplored) {
  std::set<std::string> orders;
  weft::expect_no_bug(options_with(200), [&orders] {
    weft::mutex m;
    std::string order;  // guarded by m
    auto append = [&](char c) {
      std::scoped_lock lock(m);
      order += c;
    };
    weft::thread a(append, 'a');
    weft::thread b(append, 'b');
    a.join();
    b.join();
    orders.insert(order);
  });
  EXPECT_EQ(orders, (std::set<std::string>{"ab", "ba"}));
}

}  // namespace
