// What happens at a weft thread's end and start in weft::unmodified, as
// glibc does it for a real thread (docs/unmodified.md, "Thread model"):
// thread_local destructors, then pthread_key destructors, run when the
// thread ends (before a join returns), in glibc's order; the next thread on
// the same TLS starts with fresh thread_local variables of every module but
// glibc's, and with no pthread_key values, even when the thread before it
// was abandoned by a failed execution.
//
// Compiled with -fsanitize=thread (it links weft::unmodified); std:: and
// pthread types only, as unmodified code.
#include <gtest/gtest.h>
#include <pthread.h>
#include <weft/gtest/expect.h>
#include <weft/weft.h>

#include <atomic>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "budget.h"

namespace {

// ------------------------------------------------ destructors, counted

std::atomic<int> constructed{0};
std::atomic<int> destroyed{0};
std::atomic<int> key_destroyed{0};

struct Counted {
  Counted() { constructed.fetch_add(1); }
  ~Counted() { destroyed.fetch_add(1); }
  Counted(const Counted&) = delete;
  Counted& operator=(const Counted&) = delete;
  int value = 7;
};

thread_local Counted counted;

pthread_key_t counted_key;
void count_key_value(void* value) {
  WEFT_ASSERT(value == &counted_key);
  key_destroyed.fetch_add(1);
}

void* use_counted(void*) {
  WEFT_ASSERT(counted.value == 7);  // constructed afresh in this thread
  counted.value = 8;
  pthread_setspecific(counted_key, &counted_key);
  return nullptr;
}

// Three threads per execution use the thread_local (std::thread, a pthread
// and the body's own): each constructs it, and its destructor runs when the
// thread ends, before a join of it returns. Over the whole exploration every
// construction has its destruction.
TEST(UnmodifiedThreadEnd, ThreadLocalAndKeyDestructorsRunAtEveryThreadsEnd) {
  ASSERT_EQ(pthread_key_create(&counted_key, count_key_value), 0);
  constructed = 0;
  destroyed = 0;
  key_destroyed = 0;
  const weft::Result result = weft::expect_no_bug(budget(200), [] {
    const int destroyed_before = destroyed.load();
    const int keys_before = key_destroyed.load();
    std::thread t([] { use_counted(nullptr); });
    t.join();
    WEFT_ASSERT(destroyed.load() == destroyed_before + 1);
    WEFT_ASSERT(key_destroyed.load() == keys_before + 1);
    pthread_t p;
    pthread_create(&p, nullptr, use_counted, nullptr);
    pthread_join(p, nullptr);
    WEFT_ASSERT(destroyed.load() == destroyed_before + 2);
    use_counted(nullptr);  // destroyed when the body's thread ends
  });
  const int threads = 3 * static_cast<int>(result.executions);
  EXPECT_EQ(constructed.load(), threads);
  EXPECT_EQ(destroyed.load(), threads);
  EXPECT_EQ(key_destroyed.load(), threads);
  pthread_key_delete(counted_key);
}

// ------------------------------------------------ glibc's order

// What a thread's end did, in order: the same list from a real thread
// (glibc's start_thread) and from a weft thread.
std::vector<std::string>* end_log = nullptr;
pthread_key_t first_key;
pthread_key_t second_key;

struct Logged {
  explicit Logged(const char* name) : name(name) {}
  ~Logged() {
    // (g++ constructs every dynamic thread_local of this file at the first
    // use of any: other tests' threads destroy these too, unlogged.)
    if (end_log == nullptr) return;
    end_log->push_back(std::string("thread_local ") + name);
    // A value set by a thread_local destructor is destroyed by the key round.
    if (std::string(name) == "a") pthread_setspecific(second_key, const_cast<char*>("from a"));
  }
  Logged(const Logged&) = delete;
  Logged& operator=(const Logged&) = delete;
  const char* name;
};

thread_local Logged logged_a{"a"};
thread_local Logged logged_b{"b"};

void log_first_key(void* value) {
  if (end_log != nullptr) end_log->push_back(std::string("key 1: ") + static_cast<const char*>(value));
}

void log_second_key(void* value) {
  if (end_log == nullptr) return;
  end_log->push_back(std::string("key 2: ") + static_cast<const char*>(value));
  // Sets the first key again: a second round destroys it.
  if (std::string(static_cast<const char*>(value)) == "from a") {
    pthread_setspecific(first_key, const_cast<char*>("again"));
  }
}

void touch_everything() {
  (void)logged_a.name;  // constructed first: destroyed last
  (void)logged_b.name;
  pthread_setspecific(second_key, const_cast<char*>("set"));
  pthread_setspecific(first_key, const_cast<char*>("set"));
}

TEST(UnmodifiedThreadEnd, DestructorsRunInGlibcsOrder) {
  ASSERT_EQ(pthread_key_create(&first_key, log_first_key), 0);
  ASSERT_EQ(pthread_key_create(&second_key, log_second_key), 0);
  ASSERT_LT(first_key, second_key);
  std::vector<std::string> by_glibc;
  end_log = &by_glibc;
  std::thread real_thread(touch_everything);  // outside an exploration: a real thread
  real_thread.join();
  ASSERT_EQ(by_glibc.size(), 5u);  // b, a, key 1, key 2 ("from a"), key 1 again

  std::vector<std::string> by_weft;
  end_log = &by_weft;
  weft::expect_no_bug(budget(50), [&by_weft] {
    by_weft.clear();
    std::thread t(touch_everything);
    t.join();
  });
  EXPECT_EQ(by_weft, by_glibc);
  end_log = nullptr;
  pthread_key_delete(first_key);
  pthread_key_delete(second_key);
}

// ------------------------------------------------ a bug they reveal

// A per-thread statistic flushed into a global total by a thread_local's
// destructor, as thread-exit hooks do. Unlocked, two threads' flushes race:
// found only because the destructors run, and replayed.
int flushed_total = 0;
std::mutex flush_lock;
bool flush_locked = false;

struct StatsFlusher {
  int count = 0;
  ~StatsFlusher() {
    if (flush_locked) {
      std::lock_guard<std::mutex> guard(flush_lock);
      flushed_total += count;
    } else {
      flushed_total += count;
    }
  }
};

thread_local StatsFlusher stats;

void two_threads_flush_at_exit() {
  flushed_total = 0;
  std::thread a([] { stats.count = 1; });
  std::thread b([] { stats.count = 2; });
  a.join();
  b.join();
  WEFT_ASSERT(flushed_total == 3);
}

TEST(UnmodifiedThreadEnd, UnlockedFlushAtThreadExitRacesAndIsReplayed) {
  flush_locked = false;
  weft::expect_bug(budget(500), two_threads_flush_at_exit, {weft::FailureKind::kDataRace});
}

TEST(UnmodifiedThreadEnd, LockedFlushAtThreadExitIsClean) {
  flush_locked = true;
  weft::expect_no_bug(budget(500), two_threads_flush_at_exit);
}

// ------------------------------------------------ fresh after an abandoned thread

// A thread abandoned while an exception unwinds it (a destructor blocks on
// a lock its joiner holds: a deadlock in every schedule) leaves its TLS as
// it was: libstdc++'s count of uncaught exceptions at 1, a pthread_key
// value set. The next thread on the same TLS must see neither.
std::mutex held_by_joiner;
pthread_key_t leftover_key;

struct LocksInDestructor {
  ~LocksInDestructor() { std::lock_guard<std::mutex> guard(held_by_joiner); }
};

void abandoned_while_unwinding() {
  pthread_setspecific(leftover_key, &leftover_key);
  try {
    LocksInDestructor locks;
    throw 1;
  } catch (int) {
  }
}

TEST(UnmodifiedThreadEnd, AThreadAbandonedMidUnwindLeavesNothingToTheNext) {
  ASSERT_EQ(pthread_key_create(&leftover_key, nullptr), 0);
  weft::expect_bug(budget(50),
                   [] {
                     std::unique_lock<std::mutex> hold(held_by_joiner);
                     std::thread t(abandoned_while_unwinding);
                     t.join();
                   },
                   {weft::FailureKind::kDeadlock});
  weft::expect_no_bug(budget(50), [] {
    std::thread t([] {
      WEFT_ASSERT(std::uncaught_exceptions() == 0);
      WEFT_ASSERT(pthread_getspecific(leftover_key) == nullptr);
    });
    t.join();
  });
  pthread_key_delete(leftover_key);
}

// ------------------------------------------------ pthread_exit

namespace exit_tests {

int exit_marker = 0;
std::atomic<int> unwound_frames{0};
std::atomic<int> rethrown{0};

struct CountsUnwinding {
  ~CountsUnwinding() { unwound_frames.fetch_add(1); }
};

void exit_from_deep(int depth) {
  CountsUnwinding frame;
  if (depth < 0) return;
  if (depth == 0) pthread_exit(&exit_marker);
  exit_from_deep(depth - 1);
}

void* exits_early(void*) {
  counted.value = 9;  // a thread_local: destroyed at the thread's end
  pthread_setspecific(counted_key, &counted_key);
  try {
    exit_from_deep(2);
  } catch (...) {  // sees the unwinding, as under glibc, and must rethrow
    rethrown.fetch_add(1);
    throw;
  }
  WEFT_ASSERT_MSG(false, "pthread_exit returned");
  return nullptr;
}

// pthread_exit three calls deep: every frame's destructors run, a catch
// (...) on the way sees it and rethrows, the thread's thread_local and key
// destructors run, and the joiner gets the value. Also from a std::thread
// (through libstdc++'s uninstrumented thread routine).
TEST(UnmodifiedPthreadExit, UnwindsRunsThreadEndAndGivesTheJoinerItsValue) {
  ASSERT_EQ(pthread_key_create(&counted_key, count_key_value), 0);
  weft::expect_no_bug(budget(200), [] {
    const int frames = unwound_frames.load();
    const int caught = rethrown.load();
    const int destroyed_before = destroyed.load();
    const int keys_before = key_destroyed.load();
    pthread_t p;
    pthread_create(&p, nullptr, exits_early, nullptr);
    void* result = nullptr;
    pthread_join(p, &result);
    WEFT_ASSERT(result == &exit_marker);
    WEFT_ASSERT(unwound_frames.load() == frames + 3);
    WEFT_ASSERT(rethrown.load() == caught + 1);
    WEFT_ASSERT(destroyed.load() == destroyed_before + 1);
    WEFT_ASSERT(key_destroyed.load() == keys_before + 1);
    std::thread t([] { exits_early(nullptr); });
    t.join();
    WEFT_ASSERT(unwound_frames.load() == frames + 6);
    WEFT_ASSERT(destroyed.load() == destroyed_before + 2);
  });
  pthread_key_delete(counted_key);
}

// The body's own thread may exit too: the threads it started run on, and
// the execution ends when they do.
std::atomic<int> orphans_finished{0};
std::atomic<int> body_went_on{0};

TEST(UnmodifiedPthreadExit, TheBodysThreadExitsAndTheOthersRunOn) {
  orphans_finished = 0;
  body_went_on = 0;
  const weft::Result result = weft::expect_no_bug(budget(100), [] {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t p;
    pthread_create(
        &p, &attr,
        [](void*) -> void* {
          std::this_thread::yield();
          orphans_finished.fetch_add(1);
          return nullptr;
        },
        nullptr);
    pthread_attr_destroy(&attr);
    pthread_exit(nullptr);
    body_went_on.fetch_add(1);
  });
  EXPECT_EQ(orphans_finished.load(), static_cast<int>(result.executions));
  EXPECT_EQ(body_went_on.load(), 0);
}

// C-style locking around an early pthread_exit leaves the mutex locked for
// good: the creator's next lock deadlocks, found and replayed. With a
// lock_guard the unwinding unlocks it: clean.
std::mutex exit_lock;
bool exit_with_guard = false;

void* exits_inside_critical_section(void*) {
  if (exit_with_guard) {
    std::lock_guard<std::mutex> guard(exit_lock);
    pthread_exit(nullptr);
  }
  exit_lock.lock();
  pthread_exit(nullptr);
  exit_lock.unlock();  // never reached
  return nullptr;
}

void creator_locks_after_the_exit() {
  pthread_t p;
  pthread_create(&p, nullptr, exits_inside_critical_section, nullptr);
  pthread_join(p, nullptr);
  std::lock_guard<std::mutex> guard(exit_lock);
}

TEST(UnmodifiedPthreadExit, ExitInsideACStyleCriticalSectionDeadlocksAndIsReplayed) {
  exit_with_guard = false;
  weft::expect_bug(budget(100), creator_locks_after_the_exit, {weft::FailureKind::kDeadlock});
}

TEST(UnmodifiedPthreadExit, ExitInsideALockGuardIsClean) {
  exit_with_guard = true;
  weft::expect_no_bug(budget(100), creator_locks_after_the_exit);
}

// A catch (...) that ends the unwinding: glibc aborts the process ("FATAL:
// exception not rethrown"); weft reports it, and replays it.
void* swallows_its_exit(void*) {
  try {
    pthread_exit(nullptr);
  } catch (...) {
    std::this_thread::yield();
  }
  return nullptr;
}

TEST(UnmodifiedPthreadExit, SwallowingTheUnwindIsReportedAndReplayed) {
  weft::expect_bug(
      budget(20),
      [] {
        pthread_t p;
        pthread_create(&p, nullptr, swallows_its_exit, nullptr);
        pthread_join(p, nullptr);
      },
      {weft::FailureKind::kMisuse}, "did not rethrow");
}

}  // namespace exit_tests

// Outside an exploration pthread_exit is glibc's, on a real thread.
TEST(UnmodifiedPthreadExit, PassThroughOutsideExploration) {
  pthread_t p;
  pthread_create(
      &p, nullptr, [](void*) -> void* { pthread_exit(&exit_tests::exit_marker); }, nullptr);
  void* result = nullptr;
  ASSERT_EQ(pthread_join(p, &result), 0);
  EXPECT_EQ(result, &exit_tests::exit_marker);
}

}  // namespace
