// The explorer benchmarks' test bodies, written once over an API struct so the
// same code runs on weft's types (WeftApi) and on std's (StdApi):
//
//   weft::explore(options, relacy_body<WeftApi, 3>);   // (b) under weft
//   relacy_body<StdApi, 3>();                          // (b) on real threads
//
// "N threads" means N threads run the work: the body is thread 0 and takes
// part, like the N threads of Relacy's test_suite<T, N>.
#pragma once

#include <array>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "weft/weft.h"

namespace weft_bench {

struct WeftApi {
  using thread = weft::thread;
  using mutex = weft::mutex;
  template <typename T>
  using atomic = weft::atomic<T>;
  template <typename T>
  using var = weft::var<T>;
  static void yield() { weft::this_thread::yield(); }
  static int peek(weft::var<int>& v) { return v.unchecked(); }
  static void check(bool ok) { WEFT_ASSERT(ok); }
};

struct StdApi {
  using thread = std::thread;
  using mutex = std::mutex;
  template <typename T>
  using atomic = std::atomic<T>;
  template <typename T>
  using var = T;  // guarded by the mutex in every body
  static void yield() { std::this_thread::yield(); }
  static int peek(int& v) { return v; }
  static void check(bool ok) {
    if (!ok) std::abort();
  }
};

// Runs work(i) for i in [0, kThreads): the calling thread is thread 0, the
// others are started and joined.
template <typename Api, int kThreads, typename F>
void run_on_threads(const F& work) {
  std::array<typename Api::thread, kThreads - 1> others;
  for (int i = 1; i < kThreads; ++i) others[i - 1] = typename Api::thread(work, i);
  work(0);
  for (auto& t : others) t.join();
}

// (a) kThreads x kLocks lock/unlock of one mutex.
template <typename Api, int kThreads, int kLocks>
void mutex_body() {
  typename Api::mutex m;
  run_on_threads<Api, kThreads>([&](int) {
    for (int i = 0; i < kLocks; ++i) {
      m.lock();
      m.unlock();
    }
  });
}

// (b) Relacy's classic shape (its test_b.cc): each thread locks a mutex,
// increments a plain shared variable, unlocks, then does a seq_cst
// fetch_add on an atomic; afterwards the variable must equal kThreads.
template <typename Api, int kThreads>
void relacy_body() {
  typename Api::mutex m;
  typename Api::template var<int> x{0};
  typename Api::template atomic<int> a{0};
  run_on_threads<Api, kThreads>([&](int) {
    m.lock();
    x = x + 1;
    m.unlock();
    a.fetch_add(1);
  });
  Api::check(Api::peek(x) == kThreads);
}

// (c) kThreads x kYields this_thread::yield().
template <typename Api, int kThreads, int kYields>
void yield_body() {
  run_on_threads<Api, kThreads>([](int) {
    for (int i = 0; i < kYields; ++i) Api::yield();
  });
}

// (d) like (c), but thread 0 yields once and then waits in join: a thread
// that yielded (PCT demoted it) blocks, and the others keep yielding past
// it, so a PCT pick steps over a blocked thread at every step.
template <typename Api, int kThreads, int kYields>
void yield_then_join_body() {
  std::array<typename Api::thread, kThreads - 1> others;
  for (auto& t : others) {
    t = typename Api::thread([] {
      for (int i = 0; i < kYields; ++i) Api::yield();
    });
  }
  Api::yield();
  for (auto& t : others) t.join();
}

}  // namespace weft_bench
