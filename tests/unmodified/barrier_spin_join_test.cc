// weft::unmodified's pthread barriers, spin locks and non-blocking or timed
// joins (pthread_tryjoin_np, pthread_timedjoin_np, pthread_clockjoin_np):
// each a scheduling point with weft's semantics inside an exploration (bugs
// found and replayed, fixed twins clean, bad use given glibc's error), and
// glibc's outside one.
//
// Compiled with -fsanitize=thread (it links weft::unmodified); pthread and
// std:: types only, as unmodified code.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <weft/gtest/expect.h>
#include <weft/weft.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>

#include "budget.h"

namespace {

// ------------------------------------------------------------- barriers

pthread_barrier_t barrier;
int slots[2];
std::atomic<int> serial_returns{0};
bool read_before_barrier = false;

void* exchange_through_barrier(void* arg) {
  const int self = static_cast<int>(reinterpret_cast<intptr_t>(arg));
  for (int round = 1; round <= 2; ++round) {
    slots[self] = round * 10 + self;
    if (read_before_barrier) WEFT_ASSERT(slots[1 - self] >= 0);  // unordered with the other's write
    if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD) serial_returns.fetch_add(1);
    WEFT_ASSERT(slots[1 - self] == round * 10 + 1 - self);
    // Nobody writes the slots again until everyone has read them.
    if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD) serial_returns.fetch_add(1);
  }
  return nullptr;
}

void two_threads_exchange() {
  serial_returns = 0;
  slots[0] = slots[1] = 0;
  pthread_barrier_init(&barrier, nullptr, 2);
  pthread_t other;
  pthread_create(&other, nullptr, exchange_through_barrier, reinterpret_cast<void*>(intptr_t{1}));
  exchange_through_barrier(nullptr);
  pthread_join(other, nullptr);
  WEFT_ASSERT(serial_returns.load() == 4);  // one per round: two waits a round, two rounds
  pthread_barrier_destroy(&barrier);
}

// Each round orders every write before every read of the next phase, and
// exactly one thread per round gets PTHREAD_BARRIER_SERIAL_THREAD.
TEST(UnmodifiedPthreadBarrier, ExchangeThroughABarrierIsClean) {
  read_before_barrier = false;
  weft::expect_no_bug(budget(500), two_threads_exchange);
}

TEST(UnmodifiedPthreadBarrier, ReadingBeforeTheBarrierRacesAndIsReplayed) {
  read_before_barrier = true;
  weft::expect_bug(budget(500), two_threads_exchange, {weft::FailureKind::kDataRace});
  read_before_barrier = false;
}

// A barrier for three with only two threads: a deadlock in every schedule,
// where glibc would hang.
TEST(UnmodifiedPthreadBarrier, TooFewThreadsIsADeadlockAndIsReplayed) {
  weft::expect_bug(budget(100),
                   [] {
                     pthread_barrier_init(&barrier, nullptr, 3);
                     std::thread other([] { pthread_barrier_wait(&barrier); });
                     pthread_barrier_wait(&barrier);
                     other.join();
                   },
                   {weft::FailureKind::kDeadlock});
}

TEST(UnmodifiedPthreadBarrier, DestroyingWhileAThreadWaitsIsMisuse) {
  weft::expect_bug(
      budget(100),
      [] {
        pthread_barrier_init(&barrier, nullptr, 2);
        std::thread other([] { pthread_barrier_wait(&barrier); });
        while (pthread_barrier_destroy(&barrier) == 0) {
          pthread_barrier_init(&barrier, nullptr, 2);
          sched_yield();
        }
        other.join();
      },
      {weft::FailureKind::kMisuse}, "waits at it");
}

// Bad use gets glibc's errors, inside an exploration as outside.
WEFT_TEST_WITH(UnmodifiedPthreadBarrier, BadUseGetsGlibcsErrors, budget(5)) {
  pthread_barrier_t b;
  WEFT_ASSERT(pthread_barrier_init(&b, nullptr, 0) == EINVAL);
  pthread_barrier_t never_initialized;
  WEFT_ASSERT(pthread_barrier_wait(&never_initialized) == EINVAL);
  WEFT_ASSERT(pthread_barrier_init(&b, nullptr, 1) == 0);
  WEFT_ASSERT(pthread_barrier_wait(&b) == PTHREAD_BARRIER_SERIAL_THREAD);  // a round of one
  WEFT_ASSERT(pthread_barrier_destroy(&b) == 0);
}

TEST(UnmodifiedPthreadBarrier, PassThroughOutsideExploration) {
  pthread_barrier_t b;
  ASSERT_EQ(pthread_barrier_init(&b, nullptr, 0), EINVAL);
  ASSERT_EQ(pthread_barrier_init(&b, nullptr, 2), 0);
  std::atomic<int> serial{0};
  std::thread other([&] { serial += pthread_barrier_wait(&b) == PTHREAD_BARRIER_SERIAL_THREAD; });
  serial += pthread_barrier_wait(&b) == PTHREAD_BARRIER_SERIAL_THREAD;
  other.join();
  EXPECT_EQ(serial.load(), 1);
  EXPECT_EQ(pthread_barrier_destroy(&b), 0);
}

// ------------------------------------------------------------- spin locks

pthread_spinlock_t spin;
int spin_counter = 0;

void add_under_spin_lock() {
  for (int i = 0; i < 2; ++i) {
    pthread_spin_lock(&spin);
    const int seen = spin_counter;
    spin_counter = seen + 1;
    pthread_spin_unlock(&spin);
  }
}

// The spin lock orders the increments (no race) and excludes (no lost
// update), in every schedule.
TEST(UnmodifiedSpinLock, CountsUnderASpinLockAreClean) {
  weft::expect_no_bug(budget(500), [] {
    spin_counter = 0;
    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    std::thread other(add_under_spin_lock);
    add_under_spin_lock();
    other.join();
    WEFT_ASSERT(spin_counter == 4);
    pthread_spin_destroy(&spin);
  });
}

weft::Options short_steps(uint64_t iterations) {
  weft::Options o = budget(iterations);
  o.max_steps = 2000;
  return o;
}

// A spin lock its holder never releases: the other thread spins forever.
// A livelock report (where glibc would spin the CPU forever), replayed.
TEST(UnmodifiedSpinLock, ALockNeverReleasedIsALivelockAndIsReplayed) {
  weft::expect_bug(short_steps(50),
                   [] {
                     pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
                     std::thread holder([] { pthread_spin_lock(&spin); });
                     holder.join();
                     pthread_spin_lock(&spin);
                   },
                   {weft::FailureKind::kLivelock});
}

WEFT_TEST_WITH(UnmodifiedSpinLock, TrylockSaysBusy, budget(5)) {
  pthread_spinlock_t s;
  WEFT_ASSERT(pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE) == 0);
  WEFT_ASSERT(pthread_spin_trylock(&s) == 0);
  WEFT_ASSERT(pthread_spin_trylock(&s) == EBUSY);  // glibc's, even for the holder
  WEFT_ASSERT(pthread_spin_unlock(&s) == 0);
  WEFT_ASSERT(pthread_spin_destroy(&s) == 0);
}

TEST(UnmodifiedSpinLock, UnlockingALockNotHeldIsMisuse) {
  weft::expect_bug(budget(20),
                   [] {
                     pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
                     pthread_spin_unlock(&spin);
                   },
                   {weft::FailureKind::kMisuse});
}

TEST(UnmodifiedSpinLock, PassThroughOutsideExploration) {
  pthread_spinlock_t s;
  ASSERT_EQ(pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE), 0);
  int count = 0;
  std::thread other([&] {
    for (int i = 0; i < 1000; ++i) {
      pthread_spin_lock(&s);
      ++count;
      pthread_spin_unlock(&s);
    }
  });
  for (int i = 0; i < 1000; ++i) {
    pthread_spin_lock(&s);
    ++count;
    pthread_spin_unlock(&s);
  }
  other.join();
  EXPECT_EQ(count, 2000);
  EXPECT_EQ(pthread_spin_destroy(&s), 0);
}

// ------------------------------------------------------------- joins

int produced = 0;

void* produce(void*) {
  produced = 42;
  return &produced;
}

void* produce_slowly(void*) {
  std::this_thread::sleep_for(std::chrono::milliseconds(10));  // virtual time
  produced = 42;
  return &produced;
}

// Polling with pthread_tryjoin_np until it succeeds orders the thread's
// write before the read, and gives its result.
TEST(UnmodifiedJoins, TryjoinUntilDoneIsClean) {
  weft::expect_no_bug(budget(500), [] {
    produced = 0;
    pthread_t t;
    pthread_create(&t, nullptr, produce, nullptr);
    void* result = nullptr;
    while (pthread_tryjoin_np(t, &result) == EBUSY) sched_yield();
    WEFT_ASSERT(result == &produced && produced == 42);
  });
}

// Ignoring EBUSY: the read is unordered with the write (a race), replayed.
TEST(UnmodifiedJoins, IgnoringTryjoinsBusyRacesAndIsReplayed) {
  weft::expect_bug(budget(500),
                   [] {
                     produced = 0;
                     pthread_t t;
                     pthread_create(&t, nullptr, produce, nullptr);
                     const int joined = pthread_tryjoin_np(t, nullptr);
                     WEFT_ASSERT(produced == 42 || produced == 0);
                     if (joined == EBUSY) pthread_join(t, nullptr);
                   },
                   {weft::FailureKind::kDataRace});
}

// A tryjoin that found the thread running and the thread's exit are
// dependent: run the exit first and the tryjoin succeeds. The exhaustive
// search must try that order, and must not order what follows the failed
// attempt after the thread's exit (it joined nothing).
void* finish_at_once(void*) { return nullptr; }

weft::Result explore_with_dpor(const std::function<void()>& body) {
  weft::Options o = budget(10000);
  o.strategy = "dpor";
  return weft::explore(o, body);
}

void assume_tryjoin_fails() {
  pthread_t t;
  pthread_create(&t, nullptr, finish_at_once, nullptr);
  const int joined = pthread_tryjoin_np(t, nullptr);
  WEFT_ASSERT_MSG(joined == EBUSY, "the thread had already ended");
  if (joined == EBUSY) pthread_join(t, nullptr);
}

TEST(UnmodifiedJoins, DporTriesTheExitBeforeAFailedTryjoin) {
  const weft::Result r = explore_with_dpor(assume_tryjoin_fails);
  ASSERT_TRUE(r.bug_found()) << r.search;
  EXPECT_EQ(r.failure->kind, weft::FailureKind::kAssertion);
  const weft::Result again = weft::replay(r.failure->token, assume_tryjoin_fails);
  ASSERT_TRUE(again.bug_found());
  EXPECT_EQ(again.failure->kind, weft::FailureKind::kAssertion);
}

// After a failed tryjoin nothing orders the thread's store before the
// load: the search must also run the load first. (Taking the failed attempt
// for a join would order everything after it behind the thread's exit, and
// the load after the store.)
std::atomic<int> flag{0};

void* set_flag(void*) {
  flag.store(1);
  return nullptr;
}

void assume_the_store_came_first() {
  flag.store(0);
  pthread_t t;
  pthread_create(&t, nullptr, set_flag, nullptr);
  if (pthread_tryjoin_np(t, nullptr) == EBUSY) {
    sched_yield();
    WEFT_ASSERT_MSG(flag.load() == 1, "the load came before the store");
    pthread_join(t, nullptr);
  }
}

TEST(UnmodifiedJoins, DporDoesNotTakeAFailedTryjoinForAJoin) {
  const weft::Result r = explore_with_dpor(assume_the_store_came_first);
  ASSERT_TRUE(r.bug_found()) << r.search;
  EXPECT_EQ(r.failure->kind, weft::FailureKind::kAssertion);
}

timespec clock_in(clockid_t clock, std::chrono::nanoseconds ns) {
  timespec now;
  clock_gettime(clock, &now);  // virtual inside an exploration
  const int64_t total = now.tv_nsec + ns.count();
  now.tv_sec += static_cast<time_t>(total / 1000000000);
  now.tv_nsec = static_cast<long>(total % 1000000000);
  return now;
}

// A timed join may time out or see the thread end: the exhaustive search
// runs both, and what follows a timeout is not ordered behind the exit.
int timed_join_outcome(void* (*start)(void*)) {
  pthread_t t;
  pthread_create(&t, nullptr, start, nullptr);
  const timespec deadline = clock_in(CLOCK_REALTIME, std::chrono::milliseconds(1));
  const int joined = pthread_timedjoin_np(t, nullptr, &deadline);
  if (joined == ETIMEDOUT) pthread_join(t, nullptr);
  return joined;
}

TEST(UnmodifiedJoins, DporRunsATimedJoinBothWays) {
  const weft::Result timed_out =
      explore_with_dpor([] { WEFT_ASSERT_MSG(timed_join_outcome(finish_at_once) == 0, "the timed join timed out"); });
  ASSERT_TRUE(timed_out.bug_found()) << timed_out.search;
  EXPECT_EQ(timed_out.failure->kind, weft::FailureKind::kAssertion);
  const weft::Result joined = explore_with_dpor(
      [] { WEFT_ASSERT_MSG(timed_join_outcome(finish_at_once) == ETIMEDOUT, "the thread ended first"); });
  ASSERT_TRUE(joined.bug_found()) << joined.search;
  EXPECT_EQ(joined.failure->kind, weft::FailureKind::kAssertion);
}

TEST(UnmodifiedJoins, DporDoesNotTakeATimedOutJoinForAJoin) {
  const weft::Result r = explore_with_dpor([] {
    flag.store(0);
    pthread_t t;
    pthread_create(&t, nullptr, set_flag, nullptr);
    const timespec deadline = clock_in(CLOCK_REALTIME, std::chrono::milliseconds(1));
    if (pthread_timedjoin_np(t, nullptr, &deadline) == ETIMEDOUT) {
      sched_yield();
      WEFT_ASSERT_MSG(flag.load() == 1, "the load came before the store");
      pthread_join(t, nullptr);
    }
  });
  ASSERT_TRUE(r.bug_found()) << r.search;
  EXPECT_EQ(r.failure->kind, weft::FailureKind::kAssertion);
}

// A timed join whose deadline comes before the thread's (virtual) 10 ms of
// work may time out: code that assumes it cannot is found, and replayed.
TEST(UnmodifiedJoins, TimedjoinThatAssumesSuccessIsFoundAndReplayed) {
  weft::expect_bug(budget(500),
                   [] {
                     pthread_t t;
                     pthread_create(&t, nullptr, produce_slowly, nullptr);
                     const timespec deadline = clock_in(CLOCK_REALTIME, std::chrono::milliseconds(1));
                     const int joined = pthread_timedjoin_np(t, nullptr, &deadline);
                     WEFT_ASSERT_MSG(joined == 0, "the timed join timed out");
                   },
                   {weft::FailureKind::kAssertion});
}

TEST(UnmodifiedJoins, TimedjoinRetriedUntilDoneIsClean) {
  weft::expect_no_bug(budget(500), [] {
    produced = 0;
    pthread_t t;
    pthread_create(&t, nullptr, produce_slowly, nullptr);
    void* result = nullptr;
    int joined = ETIMEDOUT;
    while (joined == ETIMEDOUT) {
      const timespec deadline = clock_in(CLOCK_MONOTONIC, std::chrono::milliseconds(1));
      joined = pthread_clockjoin_np(t, &result, CLOCK_MONOTONIC, &deadline);
    }
    WEFT_ASSERT(joined == 0 && result == &produced && produced == 42);
  });
}

// glibc's errors, in glibc's order (measured against glibc 2.36).
WEFT_TEST_WITH(UnmodifiedJoins, BadUseGetsGlibcsErrors, budget(5)) {
  const timespec past{.tv_sec = 1, .tv_nsec = 0};
  const timespec far = clock_in(CLOCK_REALTIME, std::chrono::seconds(5));
  WEFT_ASSERT(pthread_timedjoin_np(pthread_self(), nullptr, &far) == EDEADLK);
  WEFT_ASSERT(pthread_tryjoin_np(pthread_self(), nullptr) == EBUSY);
  pthread_t t;
  pthread_create(&t, nullptr, produce_slowly, nullptr);
  WEFT_ASSERT(pthread_clockjoin_np(t, nullptr, CLOCK_PROCESS_CPUTIME_ID, &past) == EINVAL);
  pthread_detach(t);
  WEFT_ASSERT(pthread_timedjoin_np(t, nullptr, &far) == EINVAL);
  while (pthread_tryjoin_np(t, nullptr) == EBUSY) sched_yield();  // EBUSY first, then EINVAL
  WEFT_ASSERT(pthread_tryjoin_np(t, nullptr) == EINVAL);
}

TEST(UnmodifiedJoins, PassThroughOutsideExploration) {
  pthread_t t;
  pthread_create(&t, nullptr, produce, nullptr);
  const timespec far = clock_in(CLOCK_REALTIME, std::chrono::seconds(30));
  void* result = nullptr;
  ASSERT_EQ(pthread_timedjoin_np(t, &result, &far), 0);
  EXPECT_EQ(result, &produced);
  pthread_create(&t, nullptr, produce, nullptr);
  while (pthread_tryjoin_np(t, &result) == EBUSY) sched_yield();
  EXPECT_EQ(result, &produced);
}

}  // namespace
