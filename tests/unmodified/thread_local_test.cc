// weft::unmodified gives each weft thread its own TLS (docs/unmodified.md,
// "Thread model"): thread_local variables, errno and pthread_self() are per
// thread, the program's thread_local variables start from their
// initializers in every thread of every execution (so a token replays the
// same values), and the OS thread's own are left alone.
//
// Compiled with -fsanitize=thread (it links weft::unmodified); std:: and
// pthread types only, as unmodified code.
#include <gtest/gtest.h>
#include <pthread.h>
#include <unistd.h>
#include <weft/gtest/expect.h>
#include <weft/weft.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "budget.h"

namespace {

thread_local int counter = 0;

void count_to_three() {
  for (int i = 0; i < 3; ++i) {
    const int seen = counter;
    std::this_thread::yield();
    counter = seen + 1;
  }
  WEFT_ASSERT(counter == 3);
}

// Shared, the counters would add up (and race); reused from the last
// execution, they would start at 3.
TEST(UnmodifiedThreadLocal, CountersArePerThreadAndFreshInEveryExecution) {
  counter = 100;
  weft::expect_no_bug(budget(300), [] {
    std::thread a(count_to_three);
    std::thread b(count_to_three);
    count_to_three();
    a.join();
    b.join();
  });
  EXPECT_EQ(counter, 100);  // the OS thread's own
}

// Dynamic initialization (a guard in TLS) runs again in each new thread.
thread_local std::vector<int> log_of_thread{7};

WEFT_TEST_WITH(UnmodifiedThreadLocal, DynamicInitializationRunsPerThread, budget(200)) {
  const auto append = [] {
    log_of_thread.push_back(1);
    std::this_thread::yield();
    WEFT_ASSERT(log_of_thread.size() == 2 && log_of_thread.front() == 7);
  };
  std::thread t(append);
  append();
  t.join();
}

// errno is per thread: a failed call in one thread does not show in another.
WEFT_TEST_WITH(UnmodifiedThreadLocal, ErrnoIsPerThread, budget(300)) {
  WEFT_ASSERT(errno == 0);  // a new thread starts with errno 0
  std::thread t([] {
    WEFT_ASSERT(errno == 0);
    WEFT_ASSERT(close(-1) == -1);
    std::this_thread::yield();
    WEFT_ASSERT(errno == EBADF);
  });
  std::this_thread::yield();
  WEFT_ASSERT(std::strtol("99999999999999999999999", nullptr, 10) == LONG_MAX);
  std::this_thread::yield();
  WEFT_ASSERT(errno == ERANGE);
  t.join();
}

// std::this_thread::get_id() in a thread is the id its std::thread has, and
// differs from its creator's; pthread_self() is the pthread_t that
// pthread_create returned.
void* report_self(void* out) {
  *static_cast<pthread_t*>(out) = pthread_self();
  return nullptr;
}

WEFT_TEST_WITH(UnmodifiedThreadLocal, ThreadIdsArePerThread, budget(100)) {
  std::thread::id seen_inside;
  std::thread t([&seen_inside] { seen_inside = std::this_thread::get_id(); });
  const std::thread::id id = t.get_id();
  t.join();
  WEFT_ASSERT(seen_inside == id);
  WEFT_ASSERT(seen_inside != std::this_thread::get_id());
  pthread_t handle;
  pthread_t self{};
  pthread_create(&handle, nullptr, report_self, &self);
  pthread_join(handle, nullptr);
  WEFT_ASSERT(pthread_equal(handle, self));
  WEFT_ASSERT(!pthread_equal(self, pthread_self()));
}

// A per-thread cache of a shared setting goes stale when another thread
// changes the setting between two reads. Found, and the token replays it:
// the cache starts empty in every execution, so the replay sees the same.
std::atomic<int> setting{1};
thread_local int cached_setting = 0;

int read_setting() {
  if (cached_setting == 0) cached_setting = setting.load();
  return cached_setting;
}

TEST(UnmodifiedThreadLocal, StaleThreadLocalCacheIsFoundAndReplayed) {
  weft::expect_bug(budget(500),
                   [] {
                     setting.store(1);
                     std::thread writer([] { setting.store(2); });
                     read_setting();
                     std::this_thread::yield();
                     WEFT_ASSERT(read_setting() == setting.load());
                     writer.join();
                   },
                   {weft::FailureKind::kAssertion});
}

// Outside an exploration a std::thread is a real thread with real TLS.
TEST(UnmodifiedThreadLocal, PassThroughOutsideExploration) {
  counter = 5;
  std::thread t([] {
    EXPECT_EQ(counter, 0);
    counter = 9;
  });
  t.join();
  EXPECT_EQ(counter, 5);
}

}  // namespace
