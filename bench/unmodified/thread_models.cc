// How should a weft thread running unmodified code get its own thread_local,
// errno and pthread_self? Three ways of switching from one weft thread to
// another, measured in the same run (docs/unmodified.md, "Thread model"):
//
//   fiber          a raw Boost.Context switch pair (A -> B -> A): what weft
//                  pays today, with every fiber sharing the OS thread's TLS;
//   fiber+fsbase   the same switch pair, and each side also points the thread
//                  pointer (FS base) at its own TLS block: the TCB of a real
//                  pthread parked for the purpose, so thread_local, errno,
//                  pthread_self and glibc's own per-thread state are that
//                  thread's. wrfsbase when the kernel enables FSGSBASE
//                  (AT_HWCAP2), else arch_prctl(ARCH_SET_FS); both are run
//                  when both are available;
//   OS baton       one OS thread per weft thread, exactly one running, the
//                  turn handed over with a futex (and with a
//                  std::condition_variable, for comparison).
//
// Before timing, the fiber+fsbase model is checked: on each fiber,
// thread_local and errno are private, pthread_self() is the borrowed
// thread's, and malloc/snprintf/strtol/exceptions work. The program exits 1
// if any check fails.
//
//   weft_thread_models_bench            # prints one table
//   weft_thread_models_bench 2000000    # switch pairs per measurement
#include <asm/prctl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "weft/runtime/fiber_jump.h"

namespace {

using weft::detail::FiberContext;
using weft::detail::FiberTransfer;
using weft::detail::jump_to;
namespace ctx = boost::context::detail;

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

bool kernel_enables_fsgsbase() { return (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0; }

uintptr_t read_fs_base() {
  uintptr_t base;
  asm volatile("rdfsbase %0" : "=r"(base));
  return base;
}
uintptr_t fs_base_by_syscall() {
  unsigned long base = 0;
  syscall(SYS_arch_prctl, ARCH_GET_FS, &base);
  return base;
}
[[gnu::always_inline]] inline void set_fs_wrfsbase(uintptr_t base) {
  asm volatile("wrfsbase %0" ::"r"(base) : "memory");
}
[[gnu::always_inline]] inline void set_fs_syscall(uintptr_t base) { syscall(SYS_arch_prctl, ARCH_SET_FS, base); }

// A pthread that lends its TCB: it records its FS base and sleeps on a futex
// until released. While it sleeps in the kernel it touches none of its TLS,
// so a fiber may run on it.
class TlsDonor {
 public:
  TlsDonor() {
    thread_ = std::thread([this] {
      fs_base_.store(fs_base_by_syscall());
      while (released_.load() == 0) syscall(SYS_futex, &released_, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
    });
    while (fs_base_.load() == 0) std::this_thread::yield();
  }
  ~TlsDonor() {
    released_.store(1);
    syscall(SYS_futex, &released_, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
    thread_.join();
  }
  uintptr_t fs_base() const { return fs_base_.load(); }

 private:
  std::atomic<uintptr_t> fs_base_{0};
  std::atomic<int> released_{0};
  std::thread thread_;
};

constexpr std::size_t kStackSize = 256 * 1024;

struct Stack {
  std::unique_ptr<char[]> memory{new char[kStackSize]};
  void* top() const { return memory.get() + kStackSize; }
};

// ---- the checks ----------------------------------------------------------

thread_local int tls_counter = 0;

struct CheckResult {
  int counter = 0;
  int error = 0;
  pthread_t self{};
  std::string formatted;
  bool caught = false;
};

struct CheckFiber {
  uintptr_t fs_base;
  int id;
  CheckResult result;
  FiberContext back = nullptr;
};

// Runs on a fiber with its own FS base: writes its id into thread_local and
// errno, yields to the main context (which runs the other fiber), then reads
// them back, and uses glibc and libstdc++ per-thread machinery.
void check_fiber_entry(FiberTransfer from) {
  auto* self = static_cast<CheckFiber*>(from.data);
  self->back = from.fctx;
  set_fs_wrfsbase(self->fs_base);
  tls_counter = self->id * 100;
  errno = self->id;
  self->back = jump_to(self->back, nullptr).fctx;  // the other fiber runs here
  set_fs_wrfsbase(self->fs_base);
  self->result.counter = tls_counter;
  self->result.error = errno;
  self->result.self = pthread_self();
  char* heap = static_cast<char*>(std::malloc(64));
  std::snprintf(heap, 64, "fiber %ld", std::strtol(std::to_string(self->id).c_str(), nullptr, 10));
  self->result.formatted = heap;
  std::free(heap);
  try {
    throw std::runtime_error("per-thread exception globals");
  } catch (const std::runtime_error&) {
    self->result.caught = true;
  }
  jump_to(self->back, nullptr);
  std::abort();  // never resumed
}

bool check_per_fiber_tls() {
  TlsDonor a;
  TlsDonor b;
  const uintptr_t own = read_fs_base();
  Stack sa;
  Stack sb;
  CheckFiber fa{a.fs_base(), 1, {}, nullptr};
  CheckFiber fb{b.fs_base(), 2, {}, nullptr};
  tls_counter = 7;
  errno = 0;
  FiberContext ca = ctx::make_fcontext(sa.top(), kStackSize, check_fiber_entry);
  FiberContext cb = ctx::make_fcontext(sb.top(), kStackSize, check_fiber_entry);
  ca = jump_to(ca, &fa).fctx;
  set_fs_wrfsbase(own);
  cb = jump_to(cb, &fb).fctx;
  set_fs_wrfsbase(own);
  jump_to(ca, nullptr);
  set_fs_wrfsbase(own);
  jump_to(cb, nullptr);
  set_fs_wrfsbase(own);
  const pthread_t main_self = pthread_self();
  bool ok = true;
  const auto expect = [&ok](bool holds, const char* what) {
    std::printf("  %-58s %s\n", what, holds ? "yes" : "NO");
    ok = ok && holds;
  };
  std::printf("fiber+fsbase correctness (two fibers on two borrowed TCBs):\n");
  expect(fa.result.counter == 100 && fb.result.counter == 200 && tls_counter == 7,
         "thread_local is per fiber (and the OS thread's is untouched)");
  expect(fa.result.error == 1 && fb.result.error == 2 && errno == 0, "errno is per fiber");
  expect(!pthread_equal(fa.result.self, fb.result.self) && !pthread_equal(fa.result.self, main_self),
         "pthread_self differs per fiber");
  expect(fa.result.formatted == "fiber 1" && fb.result.formatted == "fiber 2", "malloc/snprintf/strtol work");
  expect(fa.result.caught && fb.result.caught, "throw/catch works (per-thread __cxa globals)");
  return ok;
}

// ---- the timings ----------------------------------------------------------

using Clock = std::chrono::steady_clock;

double ns_per(Clock::duration d, long n) { return std::chrono::duration<double, std::nano>(d).count() / n; }

enum class FsSwitch { kNone, kWrfsbase, kArchPrctl };

struct PingPong {
  long pairs;
  FsSwitch fs;
  uintptr_t main_base;
  uintptr_t fiber_base;
  FiberContext back = nullptr;
};

template <FsSwitch kFs>
[[gnu::always_inline]] inline void set_fs(uintptr_t base) {
  if constexpr (kFs == FsSwitch::kWrfsbase) set_fs_wrfsbase(base);
  if constexpr (kFs == FsSwitch::kArchPrctl) set_fs_syscall(base);
}

template <FsSwitch kFs>
void pingpong_entry(FiberTransfer from) {
  auto* p = static_cast<PingPong*>(from.data);
  FiberContext back = from.fctx;
  while (true) {
    set_fs<kFs>(p->fiber_base);
    set_fs<kFs>(p->main_base);  // as the switch back would: see the loop below
    back = jump_to(back, nullptr).fctx;
  }
}

// Each pair: main switches FS to the fiber's TLS and jumps, the fiber
// switches FS back and jumps back: two FS writes and two jumps, what a weft
// step between two threads with their own TLS costs.
template <FsSwitch kFs>
double fiber_pair_ns(long pairs, uintptr_t fiber_base) {
  Stack stack;
  PingPong p{pairs, kFs, read_fs_base(), fiber_base};
  FiberContext fiber = ctx::make_fcontext(stack.top(), kStackSize, pingpong_entry<kFs>);
  fiber = jump_to(fiber, &p).fctx;  // warm up
  const Clock::time_point start = Clock::now();
  for (long i = 0; i < pairs; ++i) fiber = jump_to(fiber, &p).fctx;
  return ns_per(Clock::now() - start, pairs);
}

// Two OS threads, one running at a time: `turn` says whose it is; the other
// sleeps in FUTEX_WAIT. A pair is A -> B -> A.
double futex_baton_pair_ns(long pairs) {
  std::atomic<int> turn{0};
  const auto pass_to = [&turn](int next) {
    turn.store(next);
    syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  };
  const auto wait_for = [&turn](int mine) {
    int seen;
    while ((seen = turn.load()) != mine) syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr, 0);
  };
  std::thread other([&] {
    for (long i = 0; i <= pairs; ++i) {
      wait_for(1);
      pass_to(0);
    }
  });
  pass_to(1);  // warm up
  wait_for(0);
  const Clock::time_point start = Clock::now();
  for (long i = 0; i < pairs; ++i) {
    pass_to(1);
    wait_for(0);
  }
  const double ns = ns_per(Clock::now() - start, pairs);
  other.join();
  return ns;
}

double condvar_baton_pair_ns(long pairs) {
  std::mutex m;
  std::condition_variable cv;
  int turn = 0;
  std::thread other([&] {
    std::unique_lock lock(m);
    for (long i = 0; i <= pairs; ++i) {
      cv.wait(lock, [&] { return turn == 1; });
      turn = 0;
      cv.notify_all();
    }
  });
  std::unique_lock lock(m);
  const auto pair = [&] {
    turn = 1;
    cv.notify_all();
    cv.wait(lock, [&] { return turn == 0; });
  };
  pair();  // warm up
  const Clock::time_point start = Clock::now();
  for (long i = 0; i < pairs; ++i) pair();
  const double ns = ns_per(Clock::now() - start, pairs);
  lock.unlock();
  other.join();
  return ns;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const long pairs = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 1000000;
  if (pairs <= 0) {
    std::fprintf(stderr, "usage: %s [switch pairs per measurement, > 0]\n", argv[0]);
    return 2;
  }
  const bool fsgsbase = kernel_enables_fsgsbase();
  std::printf("kernel enables FSGSBASE (AT_HWCAP2): %s\n", fsgsbase ? "yes" : "no");
  if (fsgsbase && !check_per_fiber_tls()) return 1;

  TlsDonor donor;
  constexpr int kRepetitions = 5;
  const long os_pairs = std::max(1L, pairs / 20);  // each costs microseconds
  std::vector<double> raw, wr, ap, fb, cv;
  for (int r = 0; r < kRepetitions; ++r) {
    raw.push_back(fiber_pair_ns<FsSwitch::kNone>(pairs, 0));
    if (fsgsbase) wr.push_back(fiber_pair_ns<FsSwitch::kWrfsbase>(pairs, donor.fs_base()));
    ap.push_back(fiber_pair_ns<FsSwitch::kArchPrctl>(pairs / 10, donor.fs_base()));
    fb.push_back(futex_baton_pair_ns(os_pairs));
    cv.push_back(condvar_baton_pair_ns(os_pairs));
  }
  const double base = median(raw);
  std::printf("\nmedian of %d repetitions, ns per switch pair (A -> B -> A); %u hardware threads\n", kRepetitions,
              std::thread::hardware_concurrency());
  std::printf("%-40s %12s %10s\n", "model", "ns/pair", "x fiber");
  const auto row = [base](const char* name, double ns) { std::printf("%-40s %12.1f %10.1f\n", name, ns, ns / base); };
  row("fiber (Boost.Context, shared TLS)", base);
  if (fsgsbase) row("fiber + FS base via wrfsbase", median(wr));
  row("fiber + FS base via arch_prctl", median(ap));
  row("OS thread baton, futex", median(fb));
  row("OS thread baton, condition_variable", median(cv));
  return 0;
}
