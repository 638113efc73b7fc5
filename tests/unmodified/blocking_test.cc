// Blocking families under weft::unmodified beyond plain mutexes and
// condition variables: pthread rwlocks (std::shared_mutex,
// std::shared_timed_mutex), timed and recursive timed mutexes, POSIX
// semaphores, sleeps and clocks on virtual time. Each bug is found and its
// token replays it; each fixed twin is clean over many schedules; outside an
// exploration the calls are glibc's.
//
// Compiled with -fsanitize=thread (it links weft::unmodified); std:: and
// POSIX types only, as unmodified code.
#include <gtest/gtest.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <weft/gtest/expect.h>
#include <weft/weft.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "budget.h"

namespace {

using namespace std::chrono_literals;

// ------------------------------------------------------------ rwlocks

// Writers that take the lock shared: both get in at once, and their
// updates race.
template <typename WriterLock>
void update_under_shared_mutex() {
  std::shared_mutex m;
  int value = 0;
  const auto writer = [&] {
    WriterLock lock(m);
    value = value + 1;
  };
  std::thread a(writer);
  std::thread b(writer);
  {
    std::shared_lock read(m);
    WEFT_ASSERT(value >= 0);
  }
  a.join();
  b.join();
  WEFT_ASSERT(value == 2);
}

TEST(UnmodifiedRwlock, WritersUnderASharedLockRace) {
  weft::expect_bug(budget(500), update_under_shared_mutex<std::shared_lock<std::shared_mutex>>,
                   {weft::FailureKind::kDataRace});
}

TEST(UnmodifiedRwlock, WritersUnderAnExclusiveLockAreClean) {
  weft::expect_no_bug(budget(300), update_under_shared_mutex<std::unique_lock<std::shared_mutex>>);
}

// Two readers are inside together in some schedule; a writer never is with
// a reader.
TEST(UnmodifiedRwlock, ReadersShareAndWritersExclude) {
  weft::Options o = budget(1000);
  o.detect_races = false;
  weft::expect_bug(o,
                   [] {
                     std::shared_mutex m;
                     std::atomic<int> readers{0};
                     const auto read = [&] {
                       std::shared_lock lock(m);
                       readers.fetch_add(1);
                       std::this_thread::yield();
                       WEFT_ASSERT(readers.load() < 2);  // false in a schedule where both are in
                       readers.fetch_sub(1);
                     };
                     std::thread a(read);
                     std::thread b(read);
                     {
                       std::unique_lock write(m);
                       std::this_thread::yield();
                     }
                     a.join();
                     b.join();
                   },
                   {weft::FailureKind::kAssertion});
}

// shared_timed_mutex's timed locks time out in virtual time while a writer
// holds it, whatever the length of the hold: the writer may be slow to get
// to its unlock. Code that assumes a timed lock succeeds fails; code that
// retries is clean.
void timed_reader(bool retry) {
  std::shared_timed_mutex m;
  std::thread writer([&] {
    std::unique_lock lock(m);
    std::this_thread::sleep_for(1ms);
  });
  std::this_thread::yield();
  bool got = m.try_lock_shared_for(10ms);
  while (retry && !got) got = m.try_lock_shared_until(std::chrono::system_clock::now() + 10ms);
  if (got) m.unlock_shared();
  writer.join();
  WEFT_ASSERT(got);
}

TEST(UnmodifiedRwlock, TimedLockTimesOutWhileAWriterHoldsIt) {
  weft::expect_bug(budget(500), [] { timed_reader(false); }, {weft::FailureKind::kAssertion});
}

TEST(UnmodifiedRwlock, RetriedTimedLockIsClean) {
  weft::expect_no_bug(budget(300), [] { timed_reader(true); });
}

// A thread that holds it shared and asks for it exclusive waits for itself.
TEST(UnmodifiedRwlock, UpgradeWhileReadingIsADeadlock) {
  weft::expect_bug(budget(10),
                   [] {
                     pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
                     pthread_rwlock_rdlock(&rw);
                     pthread_rwlock_wrlock(&rw);
                   },
                   {weft::FailureKind::kMisuse});
}

TEST(UnmodifiedRwlock, PassThroughOutsideExploration) {
  std::shared_mutex m;
  long value = 0;
  const auto work = [&] {
    for (int i = 0; i < 5000; ++i) {
      std::unique_lock write(m);
      ++value;
      write.unlock();
      std::shared_lock read(m);
      EXPECT_GT(value, 0);
    }
  };
  std::thread a(work);
  std::thread b(work);
  a.join();
  b.join();
  EXPECT_EQ(value, 10000);
}

// ------------------------------------------------------ timed mutexes

// The same for timed mutexes: try_lock_for is pthread_mutex_clocklock,
// try_lock_until on system_clock is pthread_mutex_timedlock.
void timed_locker(bool retry) {
  std::timed_mutex m;
  std::thread holder([&] {
    std::lock_guard lock(m);
    std::this_thread::sleep_for(1ms);
  });
  std::this_thread::yield();
  bool got = m.try_lock_for(10ms);
  while (retry && !got) got = m.try_lock_until(std::chrono::system_clock::now() + 10ms);
  if (got) m.unlock();
  holder.join();
  WEFT_ASSERT(got);
}

TEST(UnmodifiedTimedMutex, TryLockForTimesOutWhileHeld) {
  weft::expect_bug(budget(500), [] { timed_locker(false); }, {weft::FailureKind::kAssertion});
}

TEST(UnmodifiedTimedMutex, RetriedTimedLockIsClean) {
  weft::expect_no_bug(budget(300), [] { timed_locker(true); });
}

// A recursive timed mutex relocks with a timeout; another thread waits for
// every level to be released.
WEFT_TEST_WITH(UnmodifiedTimedMutex, RecursiveTimedMutexRelocks, budget(300)) {
  std::recursive_timed_mutex m;
  int depth = 0;
  std::thread t([&] {
    std::lock_guard lock(m);
    ++depth;
  });
  m.lock();
  WEFT_ASSERT(m.try_lock_for(1s));  // its owner relocks at once
  ++depth;
  m.unlock();
  m.unlock();
  t.join();
  WEFT_ASSERT(depth == 2);
}

// -------------------------------------------------- POSIX semaphores

// A consumer that polls once (sem_trywait) and assumes the item is there.
void produce_consume(bool block) {
  sem_t items;
  sem_init(&items, 0, 0);
  int item = 0;
  std::thread producer([&] {
    item = 7;
    sem_post(&items);
  });
  if (block) {
    sem_wait(&items);
    WEFT_ASSERT(item == 7);
  } else {
    WEFT_ASSERT(sem_trywait(&items) == 0);
  }
  producer.join();
  sem_destroy(&items);
}

TEST(UnmodifiedPosixSemaphore, TryWaitBeforeThePostFails) {
  weft::expect_bug(budget(500), [] { produce_consume(false); }, {weft::FailureKind::kAssertion});
}

// sem_post happens-before the sem_wait that takes it: no race on `item`.
TEST(UnmodifiedPosixSemaphore, WaitIsClean) {
  weft::expect_no_bug(budget(300), [] { produce_consume(true); });
}

TEST(UnmodifiedPosixSemaphore, WaitWithoutPostIsADeadlock) {
  weft::expect_bug(budget(10),
                   [] {
                     sem_t sem;
                     sem_init(&sem, 0, 0);
                     sem_wait(&sem);
                   },
                   {weft::FailureKind::kDeadlock});
}

// sem_timedwait (realtime deadline) and sem_clockwait (steady) time out in
// virtual time; the count sem_init gave and sem_getvalue agree.
WEFT_TEST_WITH(UnmodifiedPosixSemaphore, TimedWaitsTimeOutInVirtualTime, budget(20)) {
  sem_t sem;
  sem_init(&sem, 0, 1);
  int value = -1;
  sem_getvalue(&sem, &value);
  WEFT_ASSERT(value == 1);
  WEFT_ASSERT(sem_wait(&sem) == 0);
  timespec deadline{};
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 3600;
  WEFT_ASSERT(sem_timedwait(&sem, &deadline) == -1 && errno == ETIMEDOUT);
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += 60;
  WEFT_ASSERT(sem_clockwait(&sem, CLOCK_MONOTONIC, &deadline) == -1 && errno == ETIMEDOUT);
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  WEFT_ASSERT(now.tv_sec >= deadline.tv_sec);
  sem_destroy(&sem);
}

TEST(UnmodifiedPosixSemaphore, PassThroughOutsideExploration) {
  sem_t sem;
  sem_init(&sem, 0, 0);
  std::thread t([&sem] { sem_post(&sem); });
  sem_wait(&sem);
  t.join();
  EXPECT_EQ(sem_trywait(&sem), -1);
  sem_destroy(&sem);
}

// --------------------------------------------------- once, static guards

// Two threads and the body call_once on one flag: the initializer runs
// once, while the others wait (at the yield inside it, a weft thread is
// paused in the initializer), and its writes are ordered before their reads.
WEFT_TEST_WITH(UnmodifiedOnce, CallOnceRunsTheInitializerOnce, budget(300)) {
  std::once_flag flag;
  int runs = 0;
  int value = 0;
  const auto use = [&] {
    std::call_once(flag, [&] {
      ++runs;
      std::this_thread::yield();
      value = 42;
    });
    WEFT_ASSERT(value == 42);
  };
  std::thread a(use);
  std::thread b(use);
  use();
  a.join();
  b.join();
  WEFT_ASSERT(runs == 1);
}

// An initializer that calls call_once on its own flag: glibc would wait for
// itself forever; weft reports the relock.
TEST(UnmodifiedOnce, CallOnceFromItsOwnInitializerIsReported) {
  weft::expect_bug(budget(10),
                   [] {
                     std::once_flag flag;
                     std::call_once(flag, [&flag] { std::call_once(flag, [] {}); });
                   },
                   {weft::FailureKind::kMisuse});
}

}  // namespace

// The guard of a function-local static (libstdc++'s ABI, called here
// directly so that each execution has a fresh guard): a second thread that
// arrives while the first initializes waits in a futex, on the weft thread.
extern "C" int __cxa_guard_acquire(int64_t* guard);
extern "C" void __cxa_guard_release(int64_t* guard);

namespace {

WEFT_TEST_WITH(UnmodifiedOnce, StaticInitializationGuardWaitsForTheFirstThread, budget(300)) {
  int64_t guard = 0;
  int value = 0;
  int runs = 0;
  const auto get = [&] {
    if (__cxa_guard_acquire(&guard) != 0) {
      ++runs;
      std::this_thread::yield();
      value = 7;
      __cxa_guard_release(&guard);
    }
    WEFT_ASSERT(value == 7);
  };
  std::thread a(get);
  get();
  a.join();
  WEFT_ASSERT(runs == 1);
}

// ------------------------------------------------------ sleeps, clocks

// Sleeping is no synchronization: the sleeper's read races with the write
// it waited for.
void sleep_then_read(bool with_lock) {
  std::mutex m;
  int value = 0;
  std::thread writer([&] {
    std::this_thread::sleep_for(1ms);
    std::lock_guard lock(m);
    value = 1;
  });
  std::this_thread::sleep_for(10ms);
  int seen = 0;
  if (with_lock) {
    std::lock_guard lock(m);
    seen = value;
  } else {
    seen = value;
  }
  writer.join();
  WEFT_ASSERT(seen == 0 || seen == 1);
}

TEST(UnmodifiedSleep, SleepingIsNoSynchronization) {
  weft::expect_bug(budget(500), [] { sleep_then_read(false); }, {weft::FailureKind::kDataRace});
}

TEST(UnmodifiedSleep, LockedReadAfterASleepIsClean) {
  weft::expect_no_bug(budget(300), [] { sleep_then_read(true); });
}

int64_t steady_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return int64_t{t.tv_sec} * 1000000000 + t.tv_nsec;
}

// Every way to sleep moves virtual time by what it asked for, at once, and
// every clock reads the same virtual time.
WEFT_TEST_WITH(UnmodifiedSleep, SleepsAndClocksUseVirtualTime, budget(5)) {
  const int64_t start = steady_ns();
  const auto real_start = std::chrono::system_clock::now();
  std::this_thread::sleep_for(1h);  // nanosleep
  WEFT_ASSERT(steady_ns() - start == int64_t{3600} * 1000000000);
  sleep(60);
  usleep(1000);
  const timespec ten_ms{0, 10000000};
  nanosleep(&ten_ms, nullptr);
  clock_nanosleep(CLOCK_MONOTONIC, 0, &ten_ms, nullptr);
  std::this_thread::sleep_until(std::chrono::steady_clock::now() + 1s);  // TIMER_ABSTIME
  WEFT_ASSERT(steady_ns() - start == (int64_t{3661} * 1000 + 21) * 1000000);
  // The realtime clock moved with it; time() and gettimeofday agree.
  WEFT_ASSERT(std::chrono::system_clock::now() - real_start == 3661021ms);
  timeval tv{};
  gettimeofday(&tv, nullptr);
  WEFT_ASSERT(tv.tv_sec == time(nullptr));
  WEFT_ASSERT(tv.tv_sec == std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
}

// Outside an exploration a sleep is real (a millisecond here).
TEST(UnmodifiedSleep, PassThroughOutsideExploration) {
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(1ms);
  usleep(1000);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 2ms);
  EXPECT_GT(time(nullptr), 1700000000);
}

}  // namespace
