// API misuse is a reported kMisuse failure naming the thread and the object,
// never undefined behaviour: unlocking what is not held, relocking a
// non-recursive mutex (self-deadlock), destroying a held mutex, joining
// twice, destroying a joinable thread, and the like. Each replays; the
// corrected program stays clean.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <mutex>
#include <shared_mutex>
#include <string>

#include "support/test_support.h"

namespace {

using weft::FailureKind;
using weft::MisuseRule;
using weft_test::contains;
using weft_test::options_with;

// Finds the misuse in `body`, checks the rule broken, the message and the thread, and replays it.
void expect_misuse(const weft_test::Body& body, MisuseRule rule, const std::string& message_part, int thread,
                   uint64_t iterations = 200) {
  const weft::Options options = options_with(iterations);
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kMisuse});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "misuse: "));
  EXPECT_TRUE(contains(f->message, message_part));
  EXPECT_EQ(f->thread, thread) << f->report;
  const weft::Misuse* misuse = f->evidence_if<weft::Misuse>();
  ASSERT_NE(misuse, nullptr);
  EXPECT_EQ(misuse->rule, rule) << weft::misuse_rule_name(misuse->rule) << "\n" << f->report;
  EXPECT_EQ(misuse->thread, thread);
}

TEST(Misuse, UnlockingAMutexNobodyHolds) {
  expect_misuse(
      [] {
        weft::mutex m{"m"};
        m.unlock();
      },
      MisuseRule::kUnlockNotHeld, "thread 0 unlocks mutex 'm', which is not locked", 0);
}

TEST(Misuse, UnlockingAMutexAnotherThreadHolds) {
  expect_misuse(
      [] {
        weft::mutex m{"m"};
        std::lock_guard lock(m);
        weft::thread t([&] { m.unlock(); });
        t.join();
      },
      MisuseRule::kUnlockNotHeld, "thread 1 unlocks mutex 'm', which thread 0 holds", 1);
}

TEST(Misuse, UnlockingARecursiveMutexMoreTimesThanLocked) {
  expect_misuse(
      [] {
        weft::recursive_mutex m{"rm"};
        m.lock();
        m.lock();
        m.unlock();
        m.unlock();
        m.unlock();
      },
      MisuseRule::kUnlockNotHeld, "which is not locked", 0);
}

int relock_line = 0;

TEST(Misuse, RelockingANonRecursiveMutexIsASelfDeadlock) {
  const weft_test::Body body = [] {
    weft::mutex m{"m"};
    m.lock();
    relock_line = __LINE__ + 1;
    m.lock();  // BUG
  };
  expect_misuse(body, MisuseRule::kRelock, "thread 0 locks mutex 'm' that it already holds (self-deadlock", 0);
  // The report points at the second lock.
  const weft::Result r = weft::explore(options_with(10), body);
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->where.line, relock_line);
  EXPECT_TRUE(contains(r.failure->where.file, "misuse_test.cc"));
}

TEST(Misuse, RelockingThroughLockGuards) {
  expect_misuse(
      [] {
        weft::mutex m{"m"};
        std::lock_guard outer(m);
        std::lock_guard inner(m);  // BUG
      },
      MisuseRule::kRelock, "self-deadlock", 0);
}

TEST(Misuse, RelockingATimedMutexWithATimeout) {
  expect_misuse(
      [] {
        weft::timed_mutex m{"tm"};
        m.lock();
        (void)m.try_lock_for(std::chrono::milliseconds(1));
        m.unlock();
      },
      MisuseRule::kRelock, "already holds", 0);
}

TEST(Misuse, RelockingASharedMutex) {
  expect_misuse(
      [] {
        weft::shared_mutex m{"rw"};
        m.lock_shared();
        m.lock();
      },
      MisuseRule::kRelock, "thread 0 locks shared_mutex 'rw' that it already holds", 0);
  expect_misuse(
      [] {
        weft::shared_mutex m{"rw"};
        m.lock();
        m.lock_shared();
      },
      MisuseRule::kLockSharedWhileExclusive, "shared while holding it exclusively", 0);
}

TEST(Misuse, UnlockingASharedMutexInTheWrongMode) {
  expect_misuse(
      [] {
        weft::shared_mutex m{"rw"};
        m.lock_shared();
        m.unlock();
        m.unlock_shared();
      },
      MisuseRule::kUnlockNotHeld, "unlocks shared_mutex 'rw' without holding it exclusively", 0);
  expect_misuse(
      [] {
        weft::shared_mutex m{"rw"};
        m.unlock_shared();
      },
      MisuseRule::kUnlockSharedNotHeld, "without a shared hold on it", 0);
}

TEST(Misuse, DestroyingAHeldMutex) {
  expect_misuse(
      [] {
        weft::mutex m{"m"};
        m.lock();
      },
      MisuseRule::kDestroyedWhileHeld, "mutex 'm' was destroyed while thread 0 still held it", 0);
  expect_misuse(
      [] {
        weft::shared_mutex m{"rw"};
        m.lock_shared();
      },
      MisuseRule::kDestroyedWhileHeld, "shared_mutex 'rw' was destroyed while held", 0);
}

TEST(Misuse, JoiningTwice) {
  expect_misuse(
      [] {
        weft::thread t([] {});
        t.join();
        t.join();
      },
      MisuseRule::kJoinNotJoinable, "join of a weft::thread that is not joinable", 0);
}

TEST(Misuse, JoiningADetachedThread) {
  expect_misuse(
      [] {
        weft::thread t([] {});
        t.detach();
        t.join();
      },
      MisuseRule::kJoinNotJoinable, "not joinable", 0);
}

TEST(Misuse, DetachingTwice) {
  expect_misuse(
      [] {
        weft::thread t([] {});
        t.detach();
        t.detach();
      },
      MisuseRule::kDetachNotJoinable, "detach of a weft::thread that is not joinable", 0);
}

TEST(Misuse, AThreadJoiningItself) {
  expect_misuse(
      [] {
        weft::atomic<weft::thread*> handle{nullptr};
        weft::thread t([&] {
          weft::thread* self = nullptr;
          while ((self = handle.load()) == nullptr) weft::this_thread::yield();
          self->join();  // BUG
        });
        handle.store(&t);
        t.join();
      },
      MisuseRule::kJoinSelf, "thread 1 joins itself (this would deadlock)", 1);
}

TEST(Misuse, DestroyingAJoinableThread) {
  expect_misuse([] { weft::thread t([] {}); }, MisuseRule::kThreadDestroyedWhileJoinable,
                "the weft::thread handle of thread 1 was destroyed while joinable", 0);
  expect_misuse(
      [] {
        weft::thread t([] {});
        t = weft::thread([] {});  // overwrites a joinable thread
        t.join();
      },
      MisuseRule::kThreadDestroyedWhileJoinable, "handle of thread 1 was destroyed while joinable", 0);
}

TEST(Misuse, WaitingOnAConditionVariableWithoutTheMutex) {
  expect_misuse(
      [] {
        weft::mutex m;
        weft::condition_variable cv;
        std::unique_lock lock(m, std::defer_lock);
        cv.wait(lock);
      },
      MisuseRule::kWaitWithoutLock, "waits on a condition_variable without holding the mutex", 0);
}

TEST(Misuse, OverReleasingASemaphore) {
  expect_misuse(
      [] {
        weft::binary_semaphore s{1, "s"};
        s.release();
      },
      MisuseRule::kReleaseOutOfRange, "semaphore 's' released by 1 with count 1 and maximum 1", 0);
}

TEST(Misuse, CountingALatchDownTooFar) {
  expect_misuse(
      [] {
        weft::latch l{1};
        l.count_down(2);
      },
      MisuseRule::kCountDownOutOfRange, "latch counted down by 2 with only 1 left", 0);
}

TEST(Misuse, ArrivingAtABarrierTooOften) {
  expect_misuse(
      [] {
        weft::barrier b{2};
        (void)b.arrive(3);
      },
      MisuseRule::kArrivalOutOfRange, "barrier arrival of 3 with only 2 expected", 0);
}

TEST(Misuse, ChannelClosedTwiceOrSentOnAfterClose) {
  expect_misuse(
      [] {
        weft::channel<int> ch{1, "ch"};
        ch.close();
        ch.close();
      },
      MisuseRule::kChannelClosedTwice, "channel 'ch' closed twice", 0);
  expect_misuse(
      [] {
        weft::channel<int> ch{1, "ch"};
        weft::thread closer([&] { ch.close(); });
        ch.send(1);  // BUG in the schedules where the close comes first
        closer.join();
      },
      MisuseRule::kSendOnClosedChannel, "send on channel 'ch', which is closed", 0, 2000);
}

TEST(Misuse, TheCorrectedProgramsAreClean) {
  weft::expect_no_bug(options_with(2000), [] {
    weft::mutex m{"m"};
    weft::recursive_mutex rm{"rm"};
    weft::shared_mutex rw{"rw"};
    {
      std::lock_guard a(m);
      std::lock_guard b(rm);
      std::lock_guard c(rm);
    }
    weft::thread t([&] { std::shared_lock r(rw); });
    weft::thread u([&] { std::unique_lock w(rw); });
    t.join();
    u.join();
    weft::thread d([] {});
    d.detach();
    weft::channel<int> ch{1, "ch"};
    weft::thread sender([&] { ch.send(1); });
    sender.join();
    ch.close();
    WEFT_ASSERT(ch.recv() == 1);
  });
}

}  // namespace
