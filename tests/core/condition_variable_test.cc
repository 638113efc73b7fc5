// weft::condition_variable: predicate waits, notify_one waking exactly one
// waiter (which one is explored), notify_all waking all, timeouts in virtual
// time, and spurious wakeups only when Options::spurious_wakeups asks.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <vector>

#include "support/test_support.h"

namespace {

using namespace std::chrono_literals;
using weft::FailureKind;
using weft_test::contains;
using weft_test::options_with;

// Waits, yielding, until `done()` holds under `m`.
template <typename Done>
void yield_until(weft::mutex& m, Done done) {
  while (true) {
    {
      std::lock_guard lock(m);
      if (done()) return;
    }
    weft::this_thread::yield();
  }
}

TEST(ConditionVariable, BoundedQueueHandsOverEveryItemInOrder) {
  weft::expect_no_bug(options_with(3000), [] {
    weft::mutex m{"m"};
    weft::condition_variable not_empty{"not_empty"}, not_full{"not_full"};
    std::deque<int> queue;  // guarded by m, capacity 1
    weft::thread consumer([&] {
      for (int expected = 0; expected < 3; ++expected) {
        std::unique_lock lock(m);
        not_empty.wait(lock, [&] { return !queue.empty(); });
        WEFT_ASSERT(queue.front() == expected);
        queue.pop_front();
        not_full.notify_one();
      }
    });
    for (int i = 0; i < 3; ++i) {
      std::unique_lock lock(m);
      not_full.wait(lock, [&] { return queue.empty(); });
      queue.push_back(i);
      not_empty.notify_one();
    }
    consumer.join();
  });
}

// `if` instead of `while` around wait: a woken consumer finds the item gone.
// For condition_variable and condition_variable_any alike.
template <typename ConditionVariable>
void expect_wait_without_rechecking_is_caught() {
  const weft_test::Body body = [] {
    weft::mutex m{"m"};
    ConditionVariable cv{"cv"};
    std::deque<int> queue;  // guarded by m
    auto consume = [&] {
      std::unique_lock lock(m);
      if (queue.empty()) cv.wait(lock);  // BUG: must re-check in a loop
      WEFT_ASSERT_MSG(!queue.empty(), "woken consumer found the queue empty");
      queue.pop_front();
    };
    weft::thread a(consume), b(consume);
    for (int i = 0; i < 2; ++i) {
      {
        std::lock_guard lock(m);
        queue.push_back(i);
      }
      cv.notify_all();
    }
    a.join();
    b.join();
  };
  std::optional<weft::Failure> f = weft::expect_bug(options_with(5000), body, {FailureKind::kAssertion});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "woken consumer found the queue empty"));
}

TEST(ConditionVariable, WaitWithoutRecheckingIsCaught) {
  expect_wait_without_rechecking_is_caught<weft::condition_variable>();
}

TEST(ConditionVariable, NotifyOneWakesExactlyOneWaiterAndWhichOneIsExplored) {
  std::set<int> woken_first;
  weft::expect_no_bug(options_with(2000), [&woken_first] {
    weft::mutex m;
    weft::condition_variable cv;
    int waiting = 0;         // guarded by m
    std::vector<int> woken;  // guarded by m: thread ids in wakeup order
    auto waiter = [&] {
      std::unique_lock lock(m);
      ++waiting;
      cv.wait(lock);  // no predicate: only a notify (or a bug) ends it
      woken.push_back(weft::this_thread::get_id().value());
    };
    weft::thread a(waiter), b(waiter);
    yield_until(m, [&] { return waiting == 2; });  // both are inside wait()
    cv.notify_one();
    yield_until(m, [&] { return woken.size() == 1; });
    // Give a wrongly woken second waiter every chance to show up.
    for (int i = 0; i < 4; ++i) weft::this_thread::yield();
    {
      std::lock_guard lock(m);
      WEFT_ASSERT_MSG(woken.size() == 1, "notify_one woke more than one waiter");
      woken_first.insert(woken[0]);
    }
    cv.notify_one();
    a.join();
    b.join();
  });
  EXPECT_EQ(woken_first, (std::set<int>{1, 2}));
}

TEST(ConditionVariable, NotifyAllWakesEveryWaiter) {
  weft::expect_no_bug(options_with(2000), [] {
    weft::mutex m;
    weft::condition_variable cv;
    int waiting = 0;  // guarded by m
    auto waiter = [&] {
      std::unique_lock lock(m);
      ++waiting;
      cv.wait(lock);
    };
    weft::thread a(waiter), b(waiter), c(waiter);
    yield_until(m, [&] { return waiting == 3; });
    cv.notify_all();  // one call: a waiter left behind would deadlock its join
    a.join();
    b.join();
    c.join();
  });
}

TEST(ConditionVariable, NotifyWithNoWaiterIsHarmless) {
  weft::expect_no_bug(options_with(100), [] {
    weft::condition_variable cv;
    cv.notify_one();
    cv.notify_all();
  });
}

TEST(ConditionVariable, WaitForTimesOutWhenNobodyNotifies) {
  weft::expect_no_bug(options_with(1000), [] {
    weft::mutex m;
    weft::condition_variable cv;
    weft::var<int> other{0, "other"};  // guarded by m
    weft::thread busy([&] {
      for (int i = 0; i < 2; ++i) {
        std::lock_guard lock(m);
        other = other + 1;
      }
    });
    {
      std::unique_lock lock(m);
      const auto start = weft::steady_clock::now();
      WEFT_ASSERT(cv.wait_for(lock, 10ms) == weft::cv_status::timeout);
      WEFT_ASSERT(lock.owns_lock());
      WEFT_ASSERT(weft::steady_clock::now() - start == 10ms);
      WEFT_ASSERT(!cv.wait_for(lock, 5ms, [] { return false; }));
      WEFT_ASSERT(weft::steady_clock::now() - start == 15ms);
      WEFT_ASSERT(cv.wait_until(lock, start + 20ms) == weft::cv_status::timeout);
      WEFT_ASSERT(weft::steady_clock::now() - start == 20ms);
    }
    busy.join();
  });
}

// A timed wait races its notifier: both outcomes are schedules weft must
// explore, and each outcome agrees with the virtual clock.
TEST(ConditionVariable, WaitForExploresBothNotifiedAndTimedOut) {
  std::set<bool> outcomes;
  weft::expect_no_bug(options_with(2000), [&outcomes] {
    weft::mutex m;
    weft::condition_variable cv;
    bool ready = false;  // guarded by m
    weft::thread notifier([&] {
      {
        std::lock_guard lock(m);
        ready = true;
      }
      cv.notify_one();
    });
    {
      std::unique_lock lock(m);
      const bool notified = cv.wait_for(lock, 1h, [&] { return ready; });
      outcomes.insert(notified);
      // A timeout may still see the predicate true (it was set before the
      // waiter got the mutex back); false means the full hour passed.
      WEFT_ASSERT(notified == ready);
      if (!notified) WEFT_ASSERT(weft::steady_clock::now() == weft::steady_clock::time_point(1h));
    }
    notifier.join();
  });
  EXPECT_EQ(outcomes, (std::set<bool>{false, true}));
}

// A wait without a predicate that trusts every wakeup to be a notify.
void trusting_waiter_body() {
  weft::mutex m{"m"};
  weft::condition_variable cv{"cv"};
  bool waiting = false, notified = false;  // guarded by m
  weft::thread waiter([&] {
    std::unique_lock lock(m);
    waiting = true;
    cv.wait(lock);
    WEFT_ASSERT_MSG(notified, "woke without a notify");
  });
  yield_until(m, [&] { return waiting; });
  {
    std::lock_guard lock(m);
    notified = true;
  }
  cv.notify_one();
  waiter.join();
}

TEST(ConditionVariable, NoSpuriousWakeupsUnlessAskedFor) {
  weft::expect_no_bug(options_with(3000), trusting_waiter_body);
}

TEST(ConditionVariable, SpuriousWakeupsAreExploredWhenEnabled) {
  weft::Options options = options_with(3000);
  options.spurious_wakeups = true;
  std::optional<weft::Failure> f = weft::expect_bug(options, trusting_waiter_body, {FailureKind::kAssertion});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "woke without a notify"));
  // The token records the option: replaying without it gives the same run.
  const weft::Result plain = weft::replay(f->token, trusting_waiter_body);
  ASSERT_TRUE(plain.failure.has_value());
  EXPECT_EQ(plain.failure->message, f->message);
}

TEST(ConditionVariable, PredicateWaitsStayCorrectUnderSpuriousWakeups) {
  weft::Options options = options_with(3000);
  options.spurious_wakeups = true;
  weft::expect_no_bug(options, [] {
    weft::mutex m;
    weft::condition_variable cv;
    bool ready = false;  // guarded by m
    weft::thread waiter([&] {
      std::unique_lock lock(m);
      cv.wait(lock, [&] { return ready; });
      WEFT_ASSERT(ready);
    });
    {
      std::lock_guard lock(m);
      ready = true;
    }
    cv.notify_one();
    waiter.join();
  });
}

}  // namespace

// ---- condition_variable_any ----------------------------------------------

// Readers wait under a shared lock until a writer publishes: every reader
// sees the value, in every schedule.
TEST(ConditionVariableAny, ReadersWaitingUnderASharedLockSeeThePublishedValue) {
  weft::expect_no_bug(options_with(3000), [] {
    weft::shared_mutex m{"m"};
    weft::condition_variable_any published{"published"};
    weft::var<int> value{0, "value"};  // guarded by m
    auto reader = [&] {
      std::shared_lock lock(m);
      published.wait(lock, [&] { return value.load() != 0; });
      WEFT_ASSERT(value.load() == 42);
    };
    weft::thread a(reader), b(reader);
    {
      std::unique_lock lock(m);
      value = 42;
    }
    published.notify_all();
    a.join();
    b.join();
  });
}

TEST(ConditionVariableAny, WaitWithoutRecheckingIsCaught) {
  expect_wait_without_rechecking_is_caught<weft::condition_variable_any>();
}

// Nobody notifies: the timed waits time out at their virtual deadlines and
// return holding the lock again.
TEST(ConditionVariableAny, WaitForTimesOutInVirtualTime) {
  weft::expect_no_bug(options_with(500), [] {
    weft::shared_mutex m;
    weft::mutex plain;
    weft::condition_variable_any cv;
    std::unique_lock lock(m);
    const auto start = weft::steady_clock::now();
    WEFT_ASSERT(cv.wait_for(lock, 10ms) == weft::cv_status::timeout);
    WEFT_ASSERT(lock.owns_lock());
    WEFT_ASSERT(!cv.wait_until(lock, start + 15ms, [] { return false; }));
    WEFT_ASSERT(weft::steady_clock::now() - start == 15ms);
    plain.lock();  // a mutex is a lock too
    WEFT_ASSERT(cv.wait_for(plain, 5ms) == weft::cv_status::timeout);
    plain.unlock();
    WEFT_ASSERT(weft::steady_clock::now() - start == 20ms);
  });
}

// A notify before the wait begins is lost, and the report says who is
// stuck on what: the condition variable, with no notify left to come.
TEST(ConditionVariableAny, ALostNotifyIsADeadlockOnTheConditionVariable) {
  const weft_test::Body body = [] {
    weft::shared_mutex m{"m"};
    weft::condition_variable_any cv{"ready"};
    weft::atomic<bool> ready{false};
    weft::thread waiter([&] {
      std::shared_lock lock(m);
      if (!ready.load()) cv.wait(lock);  // BUG: the notify may come before the wait
    });
    ready.store(true);
    cv.notify_one();
    waiter.join();
  };
  std::optional<weft::Failure> f = weft::expect_bug(options_with(3000), body, {FailureKind::kDeadlock});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(weft_test::blocked_in(*f, 1, "wait", "ready", {}));
  EXPECT_TRUE(weft_test::contains(f->report, "waiting for a notify that can no longer come"));
}

// The waiter counts as waiting from before it releases its lock: in every
// deadlock of the program above, the notify came before the wait began. A
// notify while the waiter is inside its lock's unlock() (itself a
// scheduling point) reaches it, as the standard's atomic release-and-wait
// requires.
TEST(ConditionVariableAny, ANotifyWhileTheLockIsBeingReleasedIsNotLost) {
  int deadlocks = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    weft::Options options = options_with(20, "random");
    options.seed = seed;
    const weft::Result r = weft::explore(options, [] {
      weft::shared_mutex m{"m"};
      weft::condition_variable_any cv{"ready"};
      weft::atomic<bool> ready{false};
      weft::thread waiter([&] {
        std::shared_lock lock(m);
        if (!ready.load()) cv.wait(lock);
      });
      ready.store(true);
      cv.notify_one();
      waiter.join();
    });
    ASSERT_TRUE(r.error.ok());
    if (!r.bug_found()) continue;
    ASSERT_EQ(r.failure->kind, FailureKind::kDeadlock) << r.failure->report;
    ++deadlocks;
    uint64_t wait_step = 0, notify_step = 0;
    for (const weft::TraceStep& s : r.failure->trace) {
      if (s.op == "wait" && wait_step == 0) wait_step = s.step;
      if (s.op == "notify_one") notify_step = s.step;
    }
    ASSERT_NE(wait_step, 0u) << r.failure->report;
    ASSERT_NE(notify_step, 0u) << r.failure->report;
    EXPECT_LT(notify_step, wait_step) << r.failure->report;
  }
  EXPECT_GT(deadlocks, 0);
}
