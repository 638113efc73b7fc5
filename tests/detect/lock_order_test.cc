// Potential deadlocks: lock-order inversions are reported from the orders
// threads take locks in, long before a schedule really deadlocks; patterns
// that cannot deadlock (try_lock, scoped_lock, recursion, a common gate
// lock, timed locks) are not.
#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace {

using weft::FailureKind;
using weft_test::Body;
using weft_test::contains;
using weft_test::expect_clean_under_every_strategy;
using weft_test::highlighted;
using weft_test::options_with;

// Thread 1 takes a then b at once; the body first does a long stretch of
// work, then takes b then a. A deadlock needs thread 1 preempted exactly
// between its two locks while the body finishes its work: rare.
void rare_abba() {
  weft::mutex a{"a"}, b{"b"};
  weft::var<int> work{0, "work"};
  weft::thread t([&] {
    a.lock();
    b.lock();
    b.unlock();
    a.unlock();
  });
  for (int i = 0; i < 30; ++i) work = work + 1;
  b.lock();
  a.lock();
  a.unlock();
  b.unlock();
  t.join();
}

TEST(LockOrder, InversionIsReportedWithinTheFirstExecutionsWhileTheDeadlockIsRare) {
  // The deadlock itself: not in the first executions.
  weft::Options no_detector = options_with(20);
  no_detector.detect_lock_order = false;
  const weft::Result deadlock = weft::explore(no_detector, rare_abba);
  ASSERT_TRUE(deadlock.error.ok());
  EXPECT_FALSE(deadlock.bug_found()) << deadlock.failure->report;

  // The inversion: at once.
  const weft::Result r = weft::explore(options_with(20), rare_abba);
  ASSERT_TRUE(r.bug_found());
  ASSERT_EQ(r.failure->kind, FailureKind::kLockOrderInversion) << r.failure->report;
  EXPECT_LE(r.executions, 3u);
  const weft::Failure& f = *r.failure;
  EXPECT_TRUE(contains(f.message, "lock-order inversion (potential deadlock)"));
  EXPECT_TRUE(contains(f.message, "'a'"));
  EXPECT_TRUE(contains(f.message, "'b'"));
  // Both acquisition sites of both orders, both in this execution, whose
  // trace highlights the four acquisitions.
  const weft::LockOrderInversion* inversion = f.evidence_if<weft::LockOrderInversion>();
  ASSERT_NE(inversion, nullptr);
  ASSERT_EQ(inversion->edges.size(), 2u);
  std::vector<uint64_t> steps;
  for (const weft::LockOrderEdge& e : inversion->edges) {
    EXPECT_TRUE(contains(e.held_at.file, "lock_order_test.cc"));
    EXPECT_TRUE(contains(e.taken_at.file, "lock_order_test.cc"));
    EXPECT_LT(e.held_at.line, e.taken_at.line);
    EXPECT_FALSE(e.earlier_execution.has_value());
    steps.insert(steps.end(), {e.held_step, e.taken_step});
  }
  EXPECT_EQ(inversion->edges[0].held.name, inversion->edges[1].taken.name);
  EXPECT_EQ(inversion->edges[0].taken.name, inversion->edges[1].held.name);
  EXPECT_NE(inversion->edges[0].thread, inversion->edges[1].thread);
  std::sort(steps.begin(), steps.end());
  EXPECT_EQ(highlighted(f), steps);
  EXPECT_TRUE(contains(f.report, "earlier in this execution"));
  weft::expect_replays(f, rare_abba);
}

TEST(LockOrder, InversionAcrossExecutionsNamesTheEarlierOne) {
  // One thread, one order per execution, chosen by the schedule.
  const Body body = [] {
    weft::mutex a{"a"}, b{"b"};
    weft::thread t([&] {
      if (weft::choose(2) == 0) {
        std::lock_guard first(a);
        std::lock_guard second(b);
      } else {
        std::lock_guard first(b);
        std::lock_guard second(a);
      }
    });
    t.join();
  };
  const weft::Result r = weft::explore(options_with(50), body);
  ASSERT_TRUE(r.bug_found());
  ASSERT_EQ(r.failure->kind, FailureKind::kLockOrderInversion) << r.failure->report;
  EXPECT_LE(r.executions, 10u);
  EXPECT_TRUE(contains(r.failure->message, "of this exploration"));
  const weft::LockOrderInversion* inversion = r.failure->evidence_if<weft::LockOrderInversion>();
  ASSERT_NE(inversion, nullptr);
  ASSERT_EQ(inversion->edges.size(), 2u);
  EXPECT_FALSE(inversion->edges[0].earlier_execution.has_value());
  ASSERT_TRUE(inversion->edges[1].earlier_execution.has_value());
  EXPECT_LT(*inversion->edges[1].earlier_execution, r.failure->execution);
  EXPECT_TRUE(contains(r.failure->report, "a replay of this token runs this execution alone"));
}

TEST(LockOrder, ThreeLockCycle) {
  const Body body = [] {
    weft::mutex a{"a"}, b{"b"}, c{"c"};
    const auto nested = [](weft::mutex& outer, weft::mutex& inner) {
      std::lock_guard first(outer);
      std::lock_guard second(inner);
    };
    // One after the other: no schedule deadlocks, the orders still can.
    weft::thread t1([&] { nested(a, b); });
    t1.join();
    weft::thread t2([&] { nested(b, c); });
    t2.join();
    nested(c, a);
  };
  std::optional<weft::Failure> f = weft::expect_bug(options_with(20), body, {FailureKind::kLockOrderInversion});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "closing the cycle"));
  const weft::LockOrderInversion* inversion = f->evidence_if<weft::LockOrderInversion>();
  ASSERT_NE(inversion, nullptr);
  // c -> a now, then a -> b and b -> c: each edge's taken lock is the next one's held lock.
  ASSERT_EQ(inversion->edges.size(), 3u);
  const std::vector<std::string> held{"c", "a", "b"};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(inversion->edges[i].held.name, held[i]);
    EXPECT_EQ(inversion->edges[i].taken.name, inversion->edges[(i + 1) % 3].held.name);
  }
}

// Locks are nodes by creation, not by name: two accounts both named
// "account" taken in opposite orders are still an inversion. Through
// std::lock_guard, the sites are still the user's lines.
TEST(LockOrder, SameNamedLocksAreDistinct) {
  const Body body = [] {
    weft::mutex x{"account"}, y{"account"};
    weft::thread t([&] {
      std::lock_guard first(x);
      std::lock_guard second(y);
    });
    t.join();
    std::lock_guard first(y);
    std::lock_guard second(x);
  };
  std::optional<weft::Failure> f = weft::expect_bug(options_with(20), body, {FailureKind::kLockOrderInversion});
  ASSERT_TRUE(f.has_value());
  const weft::LockOrderInversion* inversion = f->evidence_if<weft::LockOrderInversion>();
  ASSERT_NE(inversion, nullptr);
  for (const weft::LockOrderEdge& e : inversion->edges) {
    EXPECT_TRUE(contains(e.held_at.file, "lock_order_test.cc"));
    EXPECT_TRUE(contains(e.taken_at.file, "lock_order_test.cc"));
  }
  EXPECT_FALSE(contains(f->report, "std_mutex.h")) << f->report;
}

TEST(LockOrder, UnnamedLocksAreLabelledAsInTheInterleaving) {
  const Body body = [] {
    weft::mutex x, y;
    weft::thread t([&] {
      std::lock_guard first(x);
      std::lock_guard second(y);
    });
    t.join();
    std::lock_guard first(y);
    std::lock_guard second(x);
  };
  std::optional<weft::Failure> f = weft::expect_bug(options_with(20), body, {FailureKind::kLockOrderInversion});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "mutex#1"));
  EXPECT_TRUE(contains(f->message, "mutex#2"));
}

// ------------------------------------------------ no inversion to report

constexpr uint64_t kSchedules = 2000;

TEST(LockOrder, ConsistentOrderIsClean) {
  expect_clean_under_every_strategy(
      [] {
        weft::mutex a{"a"}, b{"b"};
        weft::thread t([&] {
          std::lock_guard first(a);
          std::lock_guard second(b);
        });
        {
          std::lock_guard first(a);
          std::lock_guard second(b);
        }
        t.join();
      },
      kSchedules);
}

// Which lock is first *used* depends on the schedule; identity must not.
TEST(LockOrder, UnnamedLocksFirstUsedInScheduleDependentOrderAreNotConfused) {
  expect_clean_under_every_strategy(
      [] {
        weft::mutex m1, m2;
        weft::thread t([&] {
          std::lock_guard first(m1);
          std::lock_guard second(m2);
        });
        { std::lock_guard only(m2); }
        t.join();
      },
      kSchedules);
}

TEST(LockOrder, TryLockAddsNoEdge) {
  expect_clean_under_every_strategy(
      [] {
        weft::mutex a{"a"}, b{"b"};
        weft::thread t([&] {
          std::lock_guard first(a);
          std::lock_guard second(b);
        });
        {
          std::lock_guard first(b);
          if (a.try_lock()) a.unlock();
        }
        t.join();
      },
      kSchedules);
}

TEST(LockOrder, TimedLockAddsNoEdge) {
  expect_clean_under_every_strategy(
      [] {
        weft::timed_mutex a{"a"};
        weft::mutex b{"b"};
        weft::thread t([&] {
          std::lock_guard first(a);
          std::lock_guard second(b);
        });
        {
          std::lock_guard first(b);
          if (a.try_lock_for(std::chrono::milliseconds(1))) a.unlock();
        }
        t.join();
      },
      kSchedules);
}

// std::scoped_lock locks the first mutex and try_locks the rest (backing off
// on failure): it cannot deadlock, and adds no edge.
TEST(LockOrder, ScopedLockInEitherOrderIsClean) {
  expect_clean_under_every_strategy(
      [] {
        weft::mutex a{"a"}, b{"b"};
        weft::thread t([&] { std::scoped_lock both(a, b); });
        { std::scoped_lock both(b, a); }
        t.join();
      },
      kSchedules);
}

TEST(LockOrder, RecursiveReacquisitionAddsNoEdge) {
  expect_clean_under_every_strategy(
      [] {
        weft::recursive_mutex r{"r"};
        weft::mutex m{"m"};
        std::lock_guard outer(r);
        std::lock_guard inner(m);
        std::lock_guard again(r);  // already held: cannot block
      },
      200);
}

// Every thread takes the gate first: the inner orders cannot deadlock.
TEST(LockOrder, AGateLockHeldByBothOrdersSuppressesTheReport) {
  expect_clean_under_every_strategy(
      [] {
        weft::mutex gate{"gate"}, a{"a"}, b{"b"};
        weft::thread t([&] {
          std::lock_guard g(gate);
          std::lock_guard first(a);
          std::lock_guard second(b);
        });
        {
          std::lock_guard g(gate);
          std::lock_guard first(b);
          std::lock_guard second(a);
        }
        t.join();
      },
      kSchedules);
}

// ... but once one thread takes the inner locks without the gate, it can.
TEST(LockOrder, TheSameOrdersWithoutTheGateInOneThreadAreReported) {
  const Body body = [] {
    weft::mutex gate{"gate"}, a{"a"}, b{"b"};
    weft::thread t([&] {
      std::lock_guard g(gate);
      std::lock_guard first(a);
      std::lock_guard second(b);
    });
    t.join();
    {
      std::lock_guard g(gate);
      std::lock_guard first(b);
      std::lock_guard second(a);
    }
    {
      std::lock_guard first(b);
      std::lock_guard second(a);
    }
  };
  std::optional<weft::Failure> f = weft::expect_bug(options_with(20), body, {FailureKind::kLockOrderInversion});
  ASSERT_TRUE(f.has_value());
}

TEST(LockOrder, ConditionVariableWaitReacquiresWithoutAFalseEdge) {
  expect_clean_under_every_strategy(
      [] {
        weft::mutex m{"m"};
        weft::condition_variable cv;
        bool ready = false;
        weft::thread t([&] {
          std::lock_guard l(m);
          ready = true;
          cv.notify_one();
        });
        {
          std::unique_lock l(m);
          cv.wait(l, [&] { return ready; });
        }
        t.join();
      },
      kSchedules);
}

TEST(LockOrder, DetectorOffReportsNothing) {
  weft::Options o = options_with(20);
  o.detect_lock_order = false;
  const weft::Result r = weft::explore(o, [] {
    weft::mutex a{"a"}, b{"b"};
    {
      std::lock_guard first(a);
      std::lock_guard second(b);
    }
    std::lock_guard first(b);
    std::lock_guard second(a);
  });
  EXPECT_FALSE(r.bug_found());
}

}  // namespace
