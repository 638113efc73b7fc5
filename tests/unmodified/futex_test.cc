// What libstdc++ 12 builds on futexes, under weft::unmodified:
// std::atomic::wait/notify_one/notify_all, std::counting_semaphore,
// std::latch and std::barrier. A wait blocks the weft thread until a notify
// (an explored choice of which waiter wakes), a wait nobody ends is a
// deadlock report, timeouts are virtual. Each bug is found and its token
// replays it; each fixed twin is clean over many schedules.
//
// Compiled with -fsanitize=thread (it links weft::unmodified); std:: types
// only, as unmodified code.
#include <gtest/gtest.h>
#include <weft/gtest/expect.h>
#include <weft/weft.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <latch>
#include <optional>
#include <semaphore>
#include <string>
#include <thread>

#include "budget.h"

namespace {

using namespace std::chrono_literals;

// ------------------------------------------------------- atomic wait

// A notify that does not change the value first: the waiter wakes, sees
// the old value and waits again, for good.
void flag_handoff(bool store_first) {
  std::atomic<int> ready{0};
  int data = 0;
  std::thread waiter([&] {
    ready.wait(0);
    WEFT_ASSERT(data == 42);
  });
  data = 42;
  if (store_first) ready.store(1);
  ready.notify_one();
  waiter.join();
}

TEST(UnmodifiedAtomicWait, NotifyWithoutStoreIsADeadlock) {
  std::optional<weft::Failure> f =
      weft::expect_bug(budget(100), [] { flag_handoff(false); }, {weft::FailureKind::kDeadlock});
  // The report names the futex the waiter sleeps on.
  if (f) {
    EXPECT_NE(f->report.find("futex"), std::string::npos) << f->report;
  }
}

// The store happens-before the waiter's read of `data` through the atomic.
TEST(UnmodifiedAtomicWait, StoreThenNotifyIsClean) {
  weft::expect_no_bug(budget(300), [] { flag_handoff(true); });
}

// notify_all wakes every waiter, on a type that waits through libstdc++'s
// proxy word (bool is not the futex's size).
WEFT_TEST_WITH(UnmodifiedAtomicWait, NotifyAllWakesEveryWaiter, budget(300)) {
  std::atomic<bool> go{false};
  std::atomic<int> woken{0};
  const auto wait_for_go = [&] {
    go.wait(false);
    woken.fetch_add(1);
  };
  std::thread a(wait_for_go);
  std::thread b(wait_for_go);
  go.store(true);
  go.notify_all();
  a.join();
  b.join();
  WEFT_ASSERT(woken.load() == 2);
}

// ------------------------------------------------- counting_semaphore

// Two slots where the code needs mutual exclusion.
void guarded_by_semaphore(std::ptrdiff_t slots) {
  std::counting_semaphore<2> sem(slots);
  int inside = 0;
  const auto enter = [&] {
    sem.acquire();
    ++inside;
    std::this_thread::yield();
    WEFT_ASSERT(inside == 1);
    --inside;
    sem.release();
  };
  std::thread a(enter);
  std::thread b(enter);
  a.join();
  b.join();
}

TEST(UnmodifiedSemaphore, TwoSlotsAreNoMutualExclusion) {
  weft::Options o = budget(1000);
  o.detect_races = false;  // the assertion, not the race on `inside`
  weft::expect_bug(o, [] { guarded_by_semaphore(2); }, {weft::FailureKind::kAssertion});
}

TEST(UnmodifiedSemaphore, OneSlotExcludes) {
  weft::expect_no_bug(budget(300), [] { guarded_by_semaphore(1); });
}

// try_acquire_for times out in virtual time: an hour passes at once.
WEFT_TEST_WITH(UnmodifiedSemaphore, TryAcquireForTimesOutInVirtualTime, budget(20)) {
  std::binary_semaphore sem(0);
  const auto before = std::chrono::steady_clock::now();
  WEFT_ASSERT(!sem.try_acquire_for(1h));
  WEFT_ASSERT(std::chrono::steady_clock::now() - before >= 1h);
}

// ------------------------------------------------------------- latch

// Workers publish results and count down; the waiter reads them after the
// latch opens. Expecting three count-downs from two workers: a deadlock.
void gather(std::ptrdiff_t expected) {
  std::latch done(expected);
  int results[2] = {0, 0};
  std::thread a([&] {
    results[0] = 1;
    done.count_down();
  });
  std::thread b([&] {
    results[1] = 2;
    done.count_down();
  });
  done.wait();
  WEFT_ASSERT(results[0] + results[1] == 3);
  a.join();
  b.join();
}

TEST(UnmodifiedLatch, OneCountDownTooManyIsADeadlock) {
  weft::expect_bug(budget(500), [] { gather(3); }, {weft::FailureKind::kDeadlock});
}

// The latch orders the workers' writes before the reads: no race.
TEST(UnmodifiedLatch, MatchingCountIsClean) {
  weft::expect_no_bug(budget(300), [] { gather(2); });
}

// ----------------------------------------------------------- barrier

// Each thread writes its slot, waits at the barrier, then reads the
// other's. A barrier for three with two threads never opens.
void exchange(std::ptrdiff_t parties) {
  std::barrier sync(parties);
  int slots[2] = {0, 0};
  const auto party = [&](int me) {
    slots[me] = me + 1;
    sync.arrive_and_wait();
    WEFT_ASSERT(slots[1 - me] == 2 - me);
  };
  std::thread other(party, 1);
  party(0);
  other.join();
}

TEST(UnmodifiedBarrier, TooManyPartiesIsADeadlock) {
  weft::expect_bug(budget(500), [] { exchange(3); }, {weft::FailureKind::kDeadlock});
}

TEST(UnmodifiedBarrier, MatchingPartiesAreClean) {
  weft::expect_no_bug(budget(300), [] { exchange(2); });
}

// ------------------------------------------------------ pass-through

// Outside an exploration the waits are the kernel's: real threads block
// and are woken.
TEST(UnmodifiedFutex, PassThroughOutsideExploration) {
  std::atomic<int> ready{0};
  std::latch started(1);
  std::binary_semaphore sem(0);
  std::thread t([&] {
    started.count_down();
    ready.store(1);
    ready.notify_one();
    sem.release();
  });
  started.wait();
  ready.wait(0);
  sem.acquire();
  t.join();
  EXPECT_EQ(ready.load(), 1);
}

}  // namespace
