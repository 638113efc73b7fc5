// weft::unmodified, one family of intercepted calls at a time: pthread
// threads, mutexes (normal and recursive), condition variables (wait,
// timed waits, signal, broadcast), sched_yield, ThreadSanitizer's atomics of
// every size and its plain accesses (aligned and not). Each family is shown
// to be controlled inside an exploration (a bug found and replayed, or a
// property that holds only because weft's semantics apply) and passed
// through to glibc outside one (real threads doing real work).
//
// This file is compiled with -fsanitize=thread (it links weft::unmodified)
// and uses std:: and pthread types only, as unmodified code does.
#include <gtest/gtest.h>
#include <pthread.h>
#include <weft/gtest/expect.h>
#include <weft/weft.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "budget.h"

namespace {

using namespace std::chrono_literals;

// ------------------------------------------------------------- threads

void* add_one(void* arg) {
  ++*static_cast<int*>(arg);
  return static_cast<char*>(arg) + 1;
}

WEFT_TEST_WITH(UnmodifiedThreads, PthreadJoinReturnsTheResultAndOrders, budget(200)) {
  int value = 41;
  pthread_t t;
  ASSERT_EQ(pthread_create(&t, nullptr, add_one, &value), 0);
  void* result = nullptr;
  ASSERT_EQ(pthread_join(t, &result), 0);
  // The join orders the thread's write before this read: no race.
  WEFT_ASSERT(value == 42);
  WEFT_ASSERT(result == reinterpret_cast<char*>(&value) + 1);
}

// A detached thread still runs; nothing orders its write before ours.
TEST(UnmodifiedThreads, DetachedThreadRacesWithItsCreator) {
  weft::expect_bug(budget(500),
                   [] {
                     static int shared;
                     shared = 0;
                     pthread_attr_t attr;
                     pthread_attr_init(&attr);
                     pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
                     pthread_t t;
                     pthread_create(&t, &attr, add_one, &shared);
                     pthread_attr_destroy(&attr);
                     std::this_thread::yield();
                     shared = 5;
                   },
                   {weft::FailureKind::kDataRace});
}

TEST(UnmodifiedThreads, PthreadDetachLetsTheThreadRun) {
  weft::expect_bug(budget(500),
                   [] {
                     static int shared;
                     shared = 0;
                     pthread_t t;
                     pthread_create(&t, nullptr, add_one, &shared);
                     pthread_detach(t);
                     std::this_thread::yield();
                     shared = 5;
                   },
                   {weft::FailureKind::kDataRace});
}

// Outside an exploration the calls are glibc's: real threads, real work.
TEST(UnmodifiedThreads, PassThroughOutsideExploration) {
  int value = 1;
  pthread_t t;
  ASSERT_EQ(pthread_create(&t, nullptr, add_one, &value), 0);
  ASSERT_EQ(pthread_join(t, nullptr), 0);
  EXPECT_EQ(value, 2);
  std::thread other([&value] { value = 7; });
  other.join();
  EXPECT_EQ(value, 7);
}

// ------------------------------------------------------------- mutexes

WEFT_TEST_WITH(UnmodifiedMutex, LockedIncrementsAreNeverLost, budget(1000)) {
  std::mutex m;
  int counter = 0;
  const auto add = [&] {
    for (int i = 0; i < 2; ++i) {
      std::lock_guard lock(m);
      const int seen = counter;
      std::this_thread::yield();
      counter = seen + 1;
    }
  };
  std::thread a(add);
  std::thread b(add);
  a.join();
  b.join();
  WEFT_ASSERT(counter == 4);
}

// try_lock fails while the other thread holds the mutex, in some schedule.
TEST(UnmodifiedMutex, TryLockFailsWhileHeld) {
  weft::expect_bug(budget(1000),
                   [] {
                     std::mutex m;
                     std::thread holder([&m] {
                       std::lock_guard lock(m);
                       std::this_thread::yield();
                     });
                     const bool got = m.try_lock();
                     if (got) m.unlock();
                     holder.join();
                     WEFT_ASSERT(got);
                   },
                   {weft::FailureKind::kAssertion});
}

WEFT_TEST_WITH(UnmodifiedMutex, RecursiveMutexRelocks, budget(200)) {
  std::recursive_mutex m;
  int depth = 0;
  std::thread t([&] {
    std::lock_guard outer(m);
    std::lock_guard inner(m);
    ++depth;
  });
  {
    std::lock_guard outer(m);
    std::lock_guard inner(m);
    ++depth;
  }
  t.join();
  WEFT_ASSERT(depth == 2);
}

// A std::mutex locked twice by one thread: weft's relock misuse, where glibc
// would hang.
TEST(UnmodifiedMutex, RelockIsReported) {
  weft::expect_bug(budget(10),
                   [] {
                     std::mutex m;
                     m.lock();
                     m.lock();
                   },
                   {weft::FailureKind::kMisuse});
}

// Every execution starts with its pthread mutexes free, even one the last
// execution ended holding (an execution may end with a thread abandoned in a
// critical section): neither the mutex's stand-in nor the cache in front of
// the table of mutexes outlives its execution.
WEFT_TEST_WITH(UnmodifiedMutex, AMutexLeftHeldIsFreeInTheNextExecution, budget(5)) {
  static std::mutex m;  // at the same address in every execution
  WEFT_ASSERT(m.try_lock());
}

TEST(UnmodifiedMutex, PassThroughOutsideExploration) {
  std::mutex m;
  long counter = 0;
  const auto add = [&] {
    for (int i = 0; i < 20000; ++i) {
      std::lock_guard lock(m);
      ++counter;
    }
  };
  std::thread a(add);
  std::thread b(add);
  a.join();
  b.join();
  EXPECT_EQ(counter, 40000);
}

// ------------------------------------------------- condition variables

// The lost wakeup: `if` instead of `while` around the wait. With a second
// consumer (or a spurious wakeup) the item is gone when it wakes.
void handoff(bool recheck) {
  std::mutex m;
  std::condition_variable cv;
  int items = 0;
  const auto consume = [&] {
    std::unique_lock lock(m);
    if (recheck) {
      while (items == 0) cv.wait(lock);
    } else if (items == 0) {
      cv.wait(lock);
    }
    WEFT_ASSERT(items > 0);
    --items;
  };
  std::thread c1(consume);
  std::thread c2(consume);
  for (int i = 0; i < 2; ++i) {
    std::lock_guard lock(m);
    ++items;
    cv.notify_all();
  }
  c1.join();
  c2.join();
}

TEST(UnmodifiedConditionVariable, IfInsteadOfWhileIsFound) {
  weft::expect_bug(budget(2000), [] { handoff(false); }, {weft::FailureKind::kAssertion});
}

WEFT_TEST_WITH(UnmodifiedConditionVariable, WhileLoopIsClean, budget(1000)) { handoff(true); }

// A wait nobody notifies: a deadlock, reported, not a hang.
TEST(UnmodifiedConditionVariable, MissingNotifyIsADeadlock) {
  weft::expect_bug(budget(10),
                   [] {
                     std::mutex m;
                     std::condition_variable cv;
                     std::unique_lock lock(m);
                     cv.wait(lock);
                   },
                   {weft::FailureKind::kDeadlock});
}

// wait_for (pthread_cond_clockwait on the steady clock, then libstdc++
// checks steady_clock::now() itself: clock_gettime is virtual too) and a
// pthread_cond_timedwait (realtime clock) time out in virtual time: an hour
// passes at once, and steady_clock says so.
WEFT_TEST_WITH(UnmodifiedConditionVariable, TimedWaitsTimeOutInVirtualTime, budget(20)) {
  std::mutex m;
  std::condition_variable cv;
  std::unique_lock lock(m);
  const auto before = std::chrono::steady_clock::now();
  WEFT_ASSERT(cv.wait_for(lock, 1h) == std::cv_status::timeout);
  WEFT_ASSERT(std::chrono::steady_clock::now() - before >= 1h);
  lock.unlock();
  pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t pc = PTHREAD_COND_INITIALIZER;
  timespec deadline{};
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 3600;
  pthread_mutex_lock(&pm);
  WEFT_ASSERT(pthread_cond_timedwait(&pc, &pm, &deadline) == ETIMEDOUT);
  pthread_mutex_unlock(&pm);
}

// notify_one (pthread_cond_signal) wakes one waiter; the other needs its
// own notify.
WEFT_TEST_WITH(UnmodifiedConditionVariable, SignalWakesOneWaiterAtATime, budget(500)) {
  std::mutex m;
  std::condition_variable cv;
  int tickets = 0;
  int served = 0;
  const auto wait_for_ticket = [&] {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return tickets > 0; });
    --tickets;
    ++served;
  };
  std::thread a(wait_for_ticket);
  std::thread b(wait_for_ticket);
  for (int i = 0; i < 2; ++i) {
    std::lock_guard lock(m);
    ++tickets;
    cv.notify_one();
  }
  a.join();
  b.join();
  WEFT_ASSERT(served == 2);
}

TEST(UnmodifiedConditionVariable, PassThroughOutsideExploration) {
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  std::thread t([&] {
    std::lock_guard lock(m);
    ready = true;
    cv.notify_one();
  });
  {
    std::unique_lock lock(m);
    EXPECT_TRUE(cv.wait_for(lock, 60s, [&] { return ready; }));
  }
  t.join();
}

// ------------------------------------------------------------- atomics

// load then store is not an increment: atomic, so no race, but the total
// is wrong when the other thread's store falls in between.
TEST(UnmodifiedAtomic, LoadThenStoreLosesAnUpdate) {
  weft::expect_bug(budget(2000),
                   [] {
                     std::atomic<int> counter{0};
                     const auto add = [&counter] { counter.store(counter.load() + 1); };
                     std::thread a(add);
                     std::thread b(add);
                     a.join();
                     b.join();
                     WEFT_ASSERT(counter.load() == 2);
                   },
                   {weft::FailureKind::kAssertion});
}

// Every read-modify-write of every size is one atomic step.
template <typename T>
void rmw_family() {
  std::atomic<T> value{0};
  std::atomic<T> bits{0};
  std::atomic<T> last{0};
  const auto work = [&](T bit) {
    value.fetch_add(3);
    value.fetch_sub(1);
    bits.fetch_or(bit);
    bits.fetch_xor(static_cast<T>(bit << 2));
    bits.fetch_and(static_cast<T>(~(bit << 4)));
    T expected = value.load();
    while (!value.compare_exchange_weak(expected, static_cast<T>(expected + 1))) {
    }
    expected = value.load(std::memory_order_acquire);
    while (!value.compare_exchange_strong(expected, static_cast<T>(expected + 1), std::memory_order_acq_rel)) {
    }
    (void)last.exchange(bit, std::memory_order_release);
  };
  std::thread a(work, T{1});
  std::thread b(work, T{2});
  a.join();
  b.join();
  WEFT_ASSERT(value.load() == 8);
  WEFT_ASSERT(bits.load() == T{(1 | 2) | ((1 | 2) << 2)});
  WEFT_ASSERT(last.load() == 1 || last.load() == 2);
}

WEFT_TEST_WITH(UnmodifiedAtomic, ReadModifyWritesOf8BitsAreAtomic, budget(300)) { rmw_family<uint8_t>(); }
WEFT_TEST_WITH(UnmodifiedAtomic, ReadModifyWritesOf16BitsAreAtomic, budget(300)) { rmw_family<uint16_t>(); }
WEFT_TEST_WITH(UnmodifiedAtomic, ReadModifyWritesOf32BitsAreAtomic, budget(300)) { rmw_family<uint32_t>(); }
WEFT_TEST_WITH(UnmodifiedAtomic, ReadModifyWritesOf64BitsAreAtomic, budget(300)) { rmw_family<uint64_t>(); }

// Message passing: data published with a release store and read after an
// acquire load is ordered; with relaxed orders it is a race.
void publish(std::memory_order store_order, std::memory_order load_order) {
  int data = 0;
  std::atomic<bool> ready{false};
  std::thread writer([&] {
    data = 42;
    ready.store(true, store_order);
  });
  if (ready.load(load_order)) WEFT_ASSERT(data == 42);
  writer.join();
}

WEFT_TEST_WITH(UnmodifiedAtomic, ReleaseAcquirePublishes, budget(500)) {
  publish(std::memory_order_release, std::memory_order_acquire);
}

TEST(UnmodifiedAtomic, RelaxedFlagDoesNotPublish) {
  weft::expect_bug(budget(2000), [] { publish(std::memory_order_relaxed, std::memory_order_relaxed); },
                   {weft::FailureKind::kDataRace});
}

// More atomics in one execution than weft keeps clocks for between
// executions (kKeptAtomicClocks, lib/weft/unmodified/control.cc): their table
// is emptied after every execution, and the cache in front of it must be too.
// A cache that outlived the table would hand `ready`, at the same address in
// every execution, its freed clock of the last execution: the writer's
// release would go there and, once the fillers have pushed `ready` out of
// the cache, the acquire to a clock of its own, so the read of `data` would
// be reported as a race.
WEFT_TEST_WITH(UnmodifiedAtomic, ClocksStartFreshAfterTheirTableIsEmptied, budget(50)) {
  constexpr size_t kMoreThanKept = 4200;
  static std::atomic<bool> ready;  // at the same address in every execution
  ready.store(false, std::memory_order_relaxed);
  const auto fillers = std::make_unique<std::atomic<int>[]>(kMoreThanKept);
  int data = 0;
  std::thread writer([&] {
    data = 42;
    ready.store(true, std::memory_order_release);
  });
  for (size_t i = 0; i < kMoreThanKept; ++i) (void)fillers[i].load(std::memory_order_relaxed);
  if (ready.load(std::memory_order_acquire)) WEFT_ASSERT(data == 42);
  writer.join();
}

TEST(UnmodifiedAtomic, PassThroughOutsideExploration) {
  std::atomic<long> counter{0};
  std::atomic<uint8_t> small{0};
  const auto add = [&] {
    for (int i = 0; i < 20000; ++i) {
      counter.fetch_add(1, std::memory_order_relaxed);
      long seen = counter.load();
      while (!counter.compare_exchange_weak(seen, seen + 1)) {
      }
      small.fetch_add(1);
    }
  };
  std::thread a(add);
  std::thread b(add);
  a.join();
  b.join();
  EXPECT_EQ(counter.load(), 80000);
  EXPECT_EQ(small.load(), static_cast<uint8_t>(40000));
}

// --------------------------------------------------------- plain memory

// A field at an odd offset of a packed struct: g++ and clang call
// __tsan_unaligned_write4 for it.
struct [[gnu::packed]] Packed {
  char tag;
  int value;
};

TEST(UnmodifiedMemory, UnalignedWritesRace) {
  weft::expect_bug(budget(500),
                   [] {
                     static Packed packed;
                     std::thread t([] { packed.value = 1; });
                     packed.value = 2;
                     t.join();
                     WEFT_ASSERT(packed.value != 0);
                   },
                   {weft::FailureKind::kDataRace});
}

// 16-byte accesses: __tsan_write16 for a 16-byte aligned struct store.
struct alignas(16) Pair {
  int64_t a;
  int64_t b;
};

TEST(UnmodifiedMemory, SixteenByteAccessesRace) {
  weft::expect_bug(budget(500),
                   [] {
                     static Pair shared;
                     // Constants: clang 14 copies one static into another
                     // with a memcpy call, which is not instrumented.
                     std::thread t([] { shared = Pair{1, 2}; });
                     shared = Pair{3, 4};
                     t.join();
                     WEFT_ASSERT(shared.a != 0);
                   },
                   {weft::FailureKind::kDataRace});
}

// Accesses on the creator's side before pthread_create and after join are
// ordered with the thread's: no report over many schedules.
WEFT_TEST_WITH(UnmodifiedMemory, CreateAndJoinOrderAccesses, budget(500)) {
  std::vector<int> values(4, 0);
  std::thread t([&values] {
    for (int& v : values) v += 1;
  });
  t.join();
  for (int& v : values) v += 1;
  WEFT_ASSERT(values[3] == 2);
}

}  // namespace
