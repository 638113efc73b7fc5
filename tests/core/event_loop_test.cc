// weft::event_loop: handlers run on the thread in run(), in an explored
// order; timers in virtual time, which may fire before ready handlers;
// completions posted from other weft threads (ordered by happens-before);
// holds, stop, cancel; and reports that show handlers by name at the site
// that posted them.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <chrono>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/test_support.h"

namespace {

using namespace std::chrono_literals;
using weft::FailureKind;
using weft_test::contains;
using weft_test::options_with;

TEST(EventLoop, RunsEveryHandlerOnItsThreadAndReturnsTheCount) {
  weft::expect_no_bug(options_with(300), [] {
    weft::event_loop loop{"loop"};
    int ran = 0;
    loop.post(
        [&] {
          WEFT_ASSERT(loop.running_in_this_thread());
          ++ran;
          loop.post([&] { ++ran; }, "second");
        },
        "first");
    WEFT_ASSERT(!loop.running_in_this_thread());
    WEFT_ASSERT(loop.run() == 2);
    WEFT_ASSERT(ran == 2);
  });
}

TEST(EventLoop, TheOrderOfReadyHandlersIsExplored) {
  std::set<std::string> orders;
  const weft::Result r = weft::explore(options_with(200), [&] {
    weft::event_loop loop{"loop"};
    std::string order;
    loop.post([&] { order += 'a'; }, "a");
    loop.post([&] { order += 'b'; }, "b");
    loop.post([&] { order += 'c'; }, "c");
    loop.run();
    orders.insert(order);
  });
  ASSERT_FALSE(r.bug_found()) << r.failure->report;
  EXPECT_EQ(orders.size(), 6u);  // every permutation: FIFO is not assumed
}

TEST(EventLoop, TimersRunInVirtualTime) {
  weft::expect_no_bug(options_with(200), [] {
    weft::event_loop loop{"loop"};
    std::vector<std::pair<int, int64_t>> ran;  // (due, when it ran)
    auto stamp = [&](int due) {
      return
          [&ran, due] { ran.emplace_back(due, (weft::steady_clock::now() - weft::steady_clock::time_point{}) / 1ms); };
    };
    loop.post_after(5ms, stamp(5), "five");
    loop.post_after(2ms, stamp(2), "two");
    loop.run();
    // In deadline order, each at or after its deadline (the loop may be late).
    WEFT_ASSERT(ran.size() == 2 && ran[0].first == 2 && ran[1].first == 5);
    WEFT_ASSERT(ran[0].second >= 2 && ran[1].second >= ran[0].second);
  });
}

// A timer due later may still run before a ready handler: the loop may let
// time reach it first (as if the ready handler were slow to come).
TEST(EventLoop, ATimerMayFireBeforeAReadyHandler) {
  std::set<std::string> orders;
  const weft::Result r = weft::explore(options_with(200), [&] {
    weft::event_loop loop{"loop"};
    std::string order;
    loop.post_after(
        1ms, [&] { order += 't'; }, "timer");
    loop.post([&] { order += 'h'; }, "handler");
    loop.run();
    orders.insert(order);
  });
  ASSERT_FALSE(r.bug_found()) << r.failure->report;
  EXPECT_EQ(orders, (std::set<std::string>{"ht", "th"}));
}

TEST(EventLoop, CancelledTimersDoNotRun) {
  weft::expect_no_bug(options_with(200), [] {
    weft::event_loop loop{"loop"};
    bool fired = false;
    const weft::event_loop::timer_id t = loop.post_after(
        1ms, [&] { fired = true; }, "timer");
    WEFT_ASSERT(loop.cancel(t));
    WEFT_ASSERT(!loop.cancel(t));
    WEFT_ASSERT(loop.run() == 0);
    WEFT_ASSERT(!fired);
  });
}

// A completion from another thread: the post orders the thread's writes
// before the handler, and the hold keeps run() waiting for it.
TEST(EventLoop, ACompletionFromAThreadIsOrderedAfterItsWork) {
  weft::expect_no_bug(options_with(1000), [] {
    weft::event_loop loop{"loop"};
    weft::var<int> result{0, "result"};
    bool done = false;
    weft::thread worker([&, work = loop.hold()] {
      result = 42;
      loop.post([&] { done = result == 42; }, "on_done");
    });
    loop.run();
    WEFT_ASSERT(done);
    worker.join();
  });
}

// Without the hold, run() may find nothing to do and return before the
// completion is posted: the handler never runs.
TEST(EventLoop, WithoutAHoldRunMayReturnBeforeTheCompletion) {
  weft::expect_bug(
      options_with(1000),
      [] {
        weft::event_loop loop{"loop"};
        bool done = false;
        weft::thread worker([&] { loop.post([&] { done = true; }, "on_done"); });
        loop.run();
        worker.join();
        WEFT_ASSERT_MSG(done, "the completion's handler never ran");
      },
      {FailureKind::kAssertion}, "never ran");
}

TEST(EventLoop, StopLeavesTheRestQueued) {
  weft::expect_no_bug(options_with(300), [] {
    weft::event_loop loop{"loop"};
    int ran = 0;
    loop.post(
        [&] {
          ++ran;
          loop.stop();
        },
        "stopper");
    loop.post([&] { ++ran; }, "other");
    const std::size_t first = loop.run();
    WEFT_ASSERT(loop.stopped());
    WEFT_ASSERT(first == static_cast<std::size_t>(ran));
    loop.restart();
    loop.run();
    WEFT_ASSERT(ran == 2);
  });
}

TEST(EventLoop, AReportShowsHandlersByNameAtThePostingSite) {
  std::optional<weft::Failure> f = weft::expect_bug(
      options_with(500),
      [] {
        weft::event_loop loop{"loop"};
        int connections = 0;
        loop.post([&] { ++connections; }, "on_accept");
        loop.post([&] { WEFT_ASSERT_MSG(connections == 1, "read before accept"); }, "on_read");
        loop.run();
      },
      {FailureKind::kAssertion}, "read before accept");
  ASSERT_TRUE(f.has_value());
  bool shown = false;
  for (const weft::TraceStep& s : f->trace) {
    if (s.op == "handler" && s.object == "on_read") {
      shown = true;
      EXPECT_EQ(s.thread, 0);
      EXPECT_TRUE(contains(s.where.file, "event_loop_test.cc"));
    }
  }
  EXPECT_TRUE(shown) << f->report;
  EXPECT_TRUE(contains(f->report, "handler on_read"));
}

TEST(EventLoop, AHoldNobodyReleasesIsADeadlockInRun) {
  std::optional<weft::Failure> f = weft::expect_bug(options_with(20),
                                                    [] {
                                                      weft::event_loop loop{"loop"};
                                                      weft::event_loop::hold_type forgotten = loop.hold();
                                                      loop.run();
                                                    },
                                                    {FailureKind::kDeadlock});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->report, "thread 0 is blocked in run on loop"));
}

}  // namespace
