// The deadlock detector: a lock-order (ABBA) deadlock, a lost notify, a join
// while holding a lock, channels and semaphores nobody will signal. Each
// report names every blocked thread, what it waits for, who holds it and the
// wait-for cycle; each replays. Lock-order inversions are reported even in
// schedules that did not deadlock. The fixed programs stay clean.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <algorithm>
#include <mutex>
#include <string>

#include "support/test_support.h"

namespace {

using weft::FailureKind;
using weft_test::blocked_in;
using weft_test::contains;
using weft_test::options_with;

// Thread 1 takes a then b, thread 2 takes b then a.
void abba_body(bool consistent_order) {
  weft::mutex a{"a"}, b{"b"};
  weft::var<int> total{0, "total"};
  weft::thread t1([&] {
    std::lock_guard first(a);
    std::lock_guard second(b);
    total = total + 1;
  });
  weft::thread t2([&] {
    weft::mutex& x = consistent_order ? a : b;
    weft::mutex& y = consistent_order ? b : a;
    std::lock_guard first(x);
    std::lock_guard second(y);
    total = total + 1;
  });
  t1.join();
  t2.join();
  WEFT_ASSERT(total == 2);
}

TEST(Deadlock, LockOrderDeadlockNamesBothThreadsTheirHoldersAndTheCycle) {
  weft::Options options = options_with(5000);
  // Only the deadlock detector: the inversion detector would speak first.
  options.detect_lock_order = false;
  const weft_test::Body body = [] { abba_body(false); };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kDeadlock});
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->message, "deadlock: 3 threads are blocked and none can make progress");
  EXPECT_EQ(f->thread, -1);  // no single thread failed
  EXPECT_TRUE(blocked_in(*f, 0, "join", "", {1}, "deadlock_test.cc"));
  EXPECT_TRUE(blocked_in(*f, 1, "lock", "b", {2}, "deadlock_test.cc"));
  EXPECT_TRUE(blocked_in(*f, 2, "lock", "a", {1}, "deadlock_test.cc"));
  EXPECT_EQ(f->evidence_if<weft::Deadlock>()->blocked.size(), 3u);
  EXPECT_EQ(f->evidence_if<weft::Deadlock>()->cycle, (std::vector<int>{1, 2, 1}));
  EXPECT_TRUE(contains(f->report, "wait-for cycle: thread 1 -> thread 2 -> thread 1"));
}

TEST(Deadlock, ConsistentLockOrderNeverDeadlocks) {
  weft::expect_no_bug(options_with(3000), [] { abba_body(true); });
}

TEST(Deadlock, LockOrderInversionIsReportedWithoutADeadlock) {
  // The two critical sections never overlap (t1 is joined before t2
  // starts), so no schedule deadlocks; the opposite orders are still a bug.
  const weft::Options options = options_with(100);
  const weft_test::Body body = [] {
    weft::mutex a{"a"}, b{"b"};
    weft::thread t1([&] {
      std::lock_guard first(a);
      std::lock_guard second(b);
    });
    t1.join();
    weft::thread t2([&] {
      std::lock_guard first(b);
      std::lock_guard second(a);
    });
    t2.join();
  };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kLockOrderInversion});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "lock-order inversion"));
  EXPECT_TRUE(contains(f->message, "'a'"));
  EXPECT_TRUE(contains(f->message, "'b'"));
  const weft::LockOrderInversion* inversion = f->evidence_if<weft::LockOrderInversion>();
  ASSERT_NE(inversion, nullptr);
  EXPECT_TRUE(contains(inversion->edges[0].taken_at.file, "deadlock_test.cc"));
}

// The waiter does not check a predicate: if the notify comes before it
// waits, nothing will ever wake it.
void lost_notify_body(bool with_predicate) {
  weft::mutex m{"m"};
  weft::condition_variable cv{"ready_cv"};
  bool ready = false;  // guarded by m
  weft::thread waiter([&] {
    std::unique_lock lock(m);
    if (with_predicate) {
      cv.wait(lock, [&] { return ready; });
    } else {
      cv.wait(lock);  // BUG
    }
  });
  {
    std::lock_guard lock(m);
    ready = true;
  }
  cv.notify_one();
  waiter.join();
}

TEST(Deadlock, LostNotifyIsADeadlockThatSaysNoNotifyCanCome) {
  const weft::Options options = options_with(3000);
  const weft_test::Body body = [] { lost_notify_body(false); };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kDeadlock});
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->message, "deadlock: 2 threads are blocked and none can make progress");
  EXPECT_TRUE(blocked_in(*f, 1, "wait", "ready_cv", {}, "deadlock_test.cc"));
  EXPECT_TRUE(blocked_in(*f, 0, "join", "", {1}, "deadlock_test.cc"));
  EXPECT_TRUE(f->evidence_if<weft::Deadlock>()->cycle.empty());
  EXPECT_TRUE(contains(f->report, "waiting for a notify that can no longer come"));
}

TEST(Deadlock, WaitingWithAPredicateLosesNoNotify) {
  weft::expect_no_bug(options_with(3000), [] { lost_notify_body(true); });
}

// Woken from the condition variable, the waiter must take the mutex back;
// the notifier keeps it across a join. The report names what the waiter
// really waits for now: the mutex, held by thread 0 (not "wait on ready").
TEST(Deadlock, AWokenWaiterBlockedReacquiringTheMutexIsBlockedOnTheMutex) {
  const weft::Options options = options_with(2000);
  const weft_test::Body body = [] {
    weft::mutex m{"m"};
    weft::condition_variable cv{"ready"};
    bool waiting = false;  // guarded by m
    weft::thread waiter([&] {
      std::unique_lock inner(m);
      waiting = true;
      cv.wait(inner);  // releases m until notified, then takes it back
    });
    std::unique_lock lock(m);
    while (!waiting) {  // m is free only once the waiter waits
      lock.unlock();
      weft::this_thread::yield();
      lock.lock();
    }
    cv.notify_one();
    waiter.join();  // BUG: still holding m, which the woken waiter needs
  };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kDeadlock});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(blocked_in(*f, 0, "join", "", {1}));
  EXPECT_TRUE(blocked_in(*f, 1, "lock", "m", {0}));
  EXPECT_EQ(f->evidence_if<weft::Deadlock>()->cycle, (std::vector<int>{0, 1, 0}));
}

TEST(Deadlock, JoiningWhileHoldingTheLockTheThreadNeeds) {
  const weft::Options options = options_with(2000);
  const weft_test::Body body = [] {
    weft::mutex m{"m"};
    std::lock_guard lock(m);
    weft::thread t([&] { std::lock_guard inner(m); });
    t.join();  // BUG: t needs m, which this thread holds until after the join
  };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kDeadlock});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(blocked_in(*f, 0, "join", "", {1}));
  EXPECT_TRUE(blocked_in(*f, 1, "lock", "m", {0}));
  EXPECT_EQ(f->evidence_if<weft::Deadlock>()->cycle, (std::vector<int>{0, 1, 0}));
}

TEST(Deadlock, ReceivingFromAChannelNobodySendsOn) {
  const weft::Options options = options_with(100);
  const weft_test::Body body = [] {
    weft::channel<int> ch{1, "jobs"};
    weft::thread worker([&] { ch.recv(); });
    worker.join();  // BUG: nobody sends or closes
  };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kDeadlock});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(blocked_in(*f, 1, "recv", "jobs", {}));
}

TEST(Deadlock, AcquiringASemaphoreNobodyReleases) {
  const weft::Options options = options_with(100);
  const weft_test::Body body = [] {
    weft::counting_semaphore<1> sem{0, "sem"};
    sem.acquire();
  };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kDeadlock});
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->message, "deadlock: 1 thread is blocked and none can make progress");
  EXPECT_TRUE(blocked_in(*f, 0, "acquire", "sem", {}));
}

// Several threads fight over `a`. A thread woken by an unlock that then
// loses the race for the lock blocks again without a new scheduling point
// (its last step in the trace is the wakeup). In a deadlock it must still be
// reported as blocked in lock on the mutex: there is no condition variable
// here to be "blocked in wait" on.
TEST(Deadlock, AThreadThatLostTheRaceForALockIsReportedAsLocking) {
  weft::Options options = options_with(20000);
  options.detect_lock_order = false;
  int reblocked = 0;
  for (uint64_t seed = 1; seed <= 30 && reblocked == 0; ++seed) {
    options.seed = seed;
    const weft::Result r = weft::explore(options, [] {
      weft::mutex a{"a"}, b{"b"};
      weft::thread t1([&] {
        std::lock_guard first(a);
        std::lock_guard second(b);
      });
      weft::thread t2([&] {
        std::lock_guard first(b);
        std::lock_guard second(a);
      });
      auto churn = [&] {
        for (int i = 0; i < 3; ++i) std::lock_guard only(a);
      };
      weft::thread t3(churn), t4(churn);
      t1.join();
      t2.join();
      t3.join();
      t4.join();
    });
    ASSERT_TRUE(r.failure.has_value());
    ASSERT_EQ(r.failure->kind, FailureKind::kDeadlock) << r.failure->report;
    for (const weft::BlockedThread& b : r.failure->evidence_if<weft::Deadlock>()->blocked) {
      const int thread = b.thread;
      if (thread == 0) continue;  // in a join
      EXPECT_EQ(b.operation, "lock") << r.failure->report;
      EXPECT_FALSE(b.object.label.empty()) << r.failure->report;
      const auto last = std::find_if(r.failure->trace.rbegin(), r.failure->trace.rend(),
                                     [&](const weft::TraceStep& s) { return s.thread == thread; });
      if (last != r.failure->trace.rend() && last->op == "wakeup") ++reblocked;
    }
  }
  EXPECT_GT(reblocked, 0) << "no deadlock had a thread blocked again after a wakeup";
}

}  // namespace
