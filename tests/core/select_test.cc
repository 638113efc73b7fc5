// weft::select: one ready case runs, which one is explored (no first-case
// bias, no fairness); default and timeout; closed channels; blocking on
// every channel (and the deadlock report naming each); a select never pairs
// with itself; happens-before as for the single operations; misuse.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <chrono>
#include <optional>
#include <set>
#include <utility>

#include "support/test_support.h"

namespace {

using namespace std::chrono_literals;
using weft::FailureKind;
using weft_test::contains;
using weft_test::options_with;

TEST(Select, EveryReadyCaseIsReachable) {
  std::set<std::size_t> taken;
  const weft::Result r = weft::explore(options_with(200), [&] {
    weft::channel<int> a{1, "a"}, b{1, "b"}, c{1, "c"};
    a.send(1);
    b.send(2);
    c.send(3);
    taken.insert(weft::select(weft::on_recv(a), weft::on_recv(b), weft::on_recv(c)));
  });
  ASSERT_FALSE(r.bug_found()) << r.failure->report;
  EXPECT_EQ(taken, (std::set<std::size_t>{0, 1, 2}));
}

// Code that expects a select to alternate between two always-ready
// channels (a fair rotation) is wrong: weft finds the schedule that takes
// the same one twice, and replays it.
TEST(Select, FairnessIsNotAssumed) {
  weft::expect_bug(
      options_with(200),
      [] {
        weft::channel<int> a{2, "a"}, b{2, "b"};
        for (int i = 0; i < 2; ++i) {
          a.send(i);
          b.send(i);
        }
        const std::size_t first = weft::select(weft::on_recv(a), weft::on_recv(b));
        const std::size_t second = weft::select(weft::on_recv(a), weft::on_recv(b));
        WEFT_ASSERT_MSG(first != second, "the select did not alternate");
      },
      {FailureKind::kAssertion}, "did not alternate");
}

TEST(Select, HandlersGetTheValueAndTheSendRuns) {
  weft::expect_no_bug(options_with(500), [] {
    weft::channel<int> in{1, "in"}, out{1, "out"};
    in.send(7);
    int got = 0;
    bool sent = false;
    const std::size_t i = weft::select(weft::on_recv(in, [&](std::optional<int> v) { got = v.value_or(-1); }),
                                       weft::on_send(out, 8, [&] { sent = true; }));
    WEFT_ASSERT(i == 0 ? got == 7 && !sent : sent && got == 0);
    if (i == 1) WEFT_ASSERT(out.try_recv() == 8);
  });
}

TEST(Select, DefaultRunsOnlyWhenNothingIsReady) {
  weft::expect_no_bug(options_with(200), [] {
    weft::channel<int> empty{1, "empty"}, full{1, "full"};
    full.send(1);
    WEFT_ASSERT(weft::select(weft::on_recv(empty), weft::on_default()) == 1);
    WEFT_ASSERT(weft::select(weft::on_recv(empty), weft::on_recv(full), weft::on_default()) == 1);
    // An unbuffered send with no receiver waiting is not ready.
    weft::channel<int> handoff{0, "handoff"};
    WEFT_ASSERT(weft::select(weft::on_send(handoff, 1), weft::on_default()) == 1);
  });
}

TEST(Select, BlocksUntilAnotherThreadMakesACaseReady) {
  std::set<std::size_t> taken;
  const weft::Result r = weft::explore(options_with(300), [&] {
    weft::channel<int> a{0, "a"}, b{0, "b"};
    weft::thread sender([&] { weft::choose(2) == 0 ? a.send(1) : b.send(2); });
    int got = 0;
    const std::size_t i = weft::select(weft::on_recv(a, [&](std::optional<int> v) { got = *v; }),
                                       weft::on_recv(b, [&](std::optional<int> v) { got = *v; }));
    WEFT_ASSERT(got == static_cast<int>(i) + 1);
    taken.insert(i);
    sender.join();
  });
  ASSERT_FALSE(r.bug_found()) << r.failure->report;
  EXPECT_EQ(taken, (std::set<std::size_t>{0, 1}));
}

TEST(Select, TimesOutInVirtualTime) {
  weft::expect_no_bug(options_with(200), [] {
    weft::channel<int> never{0, "never"};
    const auto start = weft::steady_clock::now();
    WEFT_ASSERT(weft::select(weft::on_recv(never), weft::on_timeout(5ms)) == 1);
    WEFT_ASSERT(weft::steady_clock::now() - start == 5ms);
    WEFT_ASSERT(weft::select(weft::on_recv(never), weft::on_timeout(0ms)) == 1);  // at once
  });
}

// A sender that is on time may still lose to the timeout: both are explored.
TEST(Select, ASendAndTheTimeoutRaceBothWays) {
  std::set<std::size_t> taken;
  const weft::Result r = weft::explore(options_with(300), [&] {
    weft::channel<int> ch{1, "ch"};
    weft::thread sender([&] { ch.send(1); });
    taken.insert(weft::select(weft::on_recv(ch), weft::on_timeout(1ms)));
    sender.join();
  });
  ASSERT_FALSE(r.bug_found()) << r.failure->report;
  EXPECT_EQ(taken, (std::set<std::size_t>{0, 1}));
}

TEST(Select, AClosedChannelIsReadyAndGivesNullopt) {
  weft::expect_no_bug(options_with(300), [] {
    weft::channel<int> ch{1, "ch"}, other{1, "other"};
    weft::thread closer([&] { ch.close(); });
    bool closed_seen = false;
    weft::select(weft::on_recv(ch, [&](std::optional<int> v) { closed_seen = !v.has_value(); }));
    WEFT_ASSERT(closed_seen);
    closer.join();
    // Still ready, every time; `other` is never chosen while it is empty.
    WEFT_ASSERT(weft::select(weft::on_recv(other), weft::on_recv(ch)) == 1);
  });
}

TEST(Select, ASendCaseOnAClosedChannelIsMisuse) {
  std::optional<weft::Failure> f = weft::expect_bug(
      options_with(500),
      [] {
        weft::channel<int> ch{1, "ch"}, idle{0, "idle"};
        weft::thread closer([&] { ch.close(); });
        weft::select(weft::on_send(ch, 1), weft::on_recv(idle));  // BUG when the close came first
        closer.join();
      },
      {FailureKind::kMisuse}, "send on channel 'ch', which is closed");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->evidence_if<weft::Misuse>()->rule, weft::MisuseRule::kSendOnClosedChannel);
}

TEST(Select, ADeadlockReportNamesEveryChannelItWaitsOn) {
  std::optional<weft::Failure> f =
      weft::expect_bug(options_with(50),
                       [] {
                         weft::channel<int> a{0, "a"}, b{1, "b"};
                         weft::select(weft::on_recv(a), weft::on_recv(b), weft::on_recv(a));
                       },
                       {FailureKind::kDeadlock});
  ASSERT_TRUE(f.has_value());
  const weft::Deadlock* d = f->evidence_if<weft::Deadlock>();
  ASSERT_NE(d, nullptr);
  ASSERT_EQ(d->blocked.size(), 1u);
  EXPECT_EQ(d->blocked[0].operation, "select");
  ASSERT_EQ(d->blocked[0].objects.size(), 2u);  // a once, though two cases name it
  EXPECT_EQ(d->blocked[0].objects[0].name, "a");
  EXPECT_EQ(d->blocked[0].objects[1].name, "b");
  EXPECT_TRUE(contains(f->report, "thread 0 is blocked in select on a, b at select_test.cc:"));
}

// The select is the only sender on its channel: its own receive case does
// not make its unbuffered send ready, so it blocks (as in Go)...
TEST(Select, NeverPairsWithItself) {
  std::optional<weft::Failure> f = weft::expect_bug(
      options_with(50),
      [] {
        weft::channel<int> ch{0, "ch"};
        weft::select(weft::on_send(ch, 1), weft::on_recv(ch));
      },
      {FailureKind::kDeadlock}, "deadlock");
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->report, "blocked in select on ch"));
  // ...and with room in the channel only the send is ready.
  weft::expect_no_bug(options_with(50), [] {
    weft::channel<int> ch{1, "ch"};
    WEFT_ASSERT(weft::select(weft::on_send(ch, 1), weft::on_recv(ch)) == 0);
    WEFT_ASSERT(weft::select(weft::on_send(ch, 2), weft::on_recv(ch)) == 1);
  });
}

// Two selects, one sending and one receiving, on unbuffered channels: the
// receiving select waits as a receiver, so the sending one completes.
TEST(Select, SelectsOnBothEndsOfAnUnbufferedChannelMeet) {
  weft::expect_no_bug(options_with(1000), [] {
    weft::channel<int> ch{0, "ch"}, quit{0, "quit"};
    weft::thread sender([&] { weft::select(weft::on_send(ch, 5), weft::on_recv(quit)); });
    int got = 0;
    weft::select(weft::on_recv(ch, [&](std::optional<int> v) { got = *v; }));
    WEFT_ASSERT(got == 5);
    sender.join();
  });
}

// Two selects waiting to receive on the same channels do not wake each
// other: with nobody to send, that is a deadlock naming both, not a livelock.
TEST(Select, TwoWaitingReceiversAreADeadlockNotALivelock) {
  std::optional<weft::Failure> f =
      weft::expect_bug(options_with(50),
                       [] {
                         weft::channel<int> jobs{0, "jobs"}, quit{0, "quit"};
                         auto worker = [&] { weft::select(weft::on_recv(jobs), weft::on_recv(quit)); };
                         weft::thread a(worker), b(worker);
                         a.join();
                         b.join();
                       },
                       {FailureKind::kDeadlock});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->report, "thread 1 is blocked in select on jobs, quit"));
  EXPECT_TRUE(contains(f->report, "thread 2 is blocked in select on jobs, quit"));
}

// Happens-before as for recv: what the sender wrote before sending is
// visible to the select's handler; a select that timed out has no edge.
TEST(Select, AReceiveCaseOrdersTheSendersWrites) {
  weft::expect_no_bug(options_with(1000), [] {
    weft::var<int> data{0, "data"};
    weft::channel<int> ch{1, "ch"};
    weft::thread producer([&] {
      data = 42;
      ch.send(1);
    });
    weft::select(weft::on_recv(ch, [&](std::optional<int>) { WEFT_ASSERT(data == 42); }));
    producer.join();
  });
  weft::expect_bug(options_with(1000),
                   [] {
                     weft::var<int> data{0, "data"};
                     weft::channel<int> ch{1, "ch"};
                     weft::thread producer([&] {
                       data = 42;
                       ch.send(1);
                     });
                     weft::select(weft::on_recv(ch),
                                  weft::on_timeout(1ms, [&] { (void)(data == 0); }));  // BUG: unordered read
                     producer.join();
                   },
                   {FailureKind::kDataRace});
}

TEST(Select, TwoDefaultsOrTwoTimeoutsAreMisuse) {
  for (int which = 0; which < 2; ++which) {
    std::optional<weft::Failure> f = weft::expect_bug(
        options_with(10),
        [which] {
          weft::channel<int> ch{1, "ch"};
          if (which == 0) {
            weft::select(weft::on_recv(ch), weft::on_default(), weft::on_default());
          } else {
            weft::select(weft::on_timeout(1ms), weft::on_recv(ch), weft::on_timeout(2ms));
          }
        },
        {FailureKind::kMisuse}, "a select has at most one of each");
    ASSERT_TRUE(f.has_value());
    const weft::Misuse* m = f->evidence_if<weft::Misuse>();
    EXPECT_EQ(m->rule, weft::MisuseRule::kSelectDuplicateCase);
    EXPECT_EQ(m->amount, 2);
    EXPECT_EQ(weft::misuse_rule_name(m->rule), "select_duplicate_case");
  }
}

}  // namespace
