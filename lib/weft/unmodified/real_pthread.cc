#include "weft/unmodified/real_pthread.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace weft::detail {
namespace {

template <typename F>
void resolve(F*& out, const char* name, const char* version = nullptr) {
  void* symbol = version != nullptr ? dlvsym(RTLD_NEXT, name, version) : dlsym(RTLD_NEXT, name);
  if (symbol == nullptr) {
    std::fprintf(stderr, "weft::unmodified: cannot find the real %s (%s)\n", name, dlerror());
    std::abort();
  }
  out = reinterpret_cast<F*>(symbol);
}

RealPthread resolve_all() {
  RealPthread r{};
  resolve(r.create, "pthread_create");
  resolve(r.join, "pthread_join");
  resolve(r.detach, "pthread_detach");
  resolve(r.once, "pthread_once");
  resolve(r.mutex_lock, "pthread_mutex_lock");
  resolve(r.mutex_trylock, "pthread_mutex_trylock");
  resolve(r.mutex_unlock, "pthread_mutex_unlock");
  resolve(r.mutex_timedlock, "pthread_mutex_timedlock");
  resolve(r.mutex_clocklock, "pthread_mutex_clocklock");
#if defined(__x86_64__)
  // The current pthread_cond_t ABI; GLIBC_2.2.5 is the old one.
  constexpr const char* kCondVersion = "GLIBC_2.3.2";
#else
  constexpr const char* kCondVersion = nullptr;
#endif
  resolve(r.cond_wait, "pthread_cond_wait", kCondVersion);
  resolve(r.cond_timedwait, "pthread_cond_timedwait", kCondVersion);
  resolve(r.cond_signal, "pthread_cond_signal", kCondVersion);
  resolve(r.cond_broadcast, "pthread_cond_broadcast", kCondVersion);
  resolve(r.cond_clockwait, "pthread_cond_clockwait");
  resolve(r.rwlock_rdlock, "pthread_rwlock_rdlock");
  resolve(r.rwlock_tryrdlock, "pthread_rwlock_tryrdlock");
  resolve(r.rwlock_timedrdlock, "pthread_rwlock_timedrdlock");
  resolve(r.rwlock_clockrdlock, "pthread_rwlock_clockrdlock");
  resolve(r.rwlock_wrlock, "pthread_rwlock_wrlock");
  resolve(r.rwlock_trywrlock, "pthread_rwlock_trywrlock");
  resolve(r.rwlock_timedwrlock, "pthread_rwlock_timedwrlock");
  resolve(r.rwlock_clockwrlock, "pthread_rwlock_clockwrlock");
  resolve(r.rwlock_unlock, "pthread_rwlock_unlock");
  resolve(r.rwlock_destroy, "pthread_rwlock_destroy");
  resolve(r.sem_init, "sem_init");
  resolve(r.sem_destroy, "sem_destroy");
  resolve(r.sem_post, "sem_post");
  resolve(r.sem_wait, "sem_wait");
  resolve(r.sem_trywait, "sem_trywait");
  resolve(r.sem_timedwait, "sem_timedwait");
  resolve(r.sem_clockwait, "sem_clockwait");
  resolve(r.sem_getvalue, "sem_getvalue");
  resolve(r.sched_yield, "sched_yield");
  resolve(r.clock_gettime, "clock_gettime");
  resolve(r.time, "time");
  resolve(r.gettimeofday, "gettimeofday");
  resolve(r.nanosleep, "nanosleep");
  resolve(r.clock_nanosleep, "clock_nanosleep");
  resolve(r.usleep, "usleep");
  resolve(r.sleep, "sleep");
  resolve(r.syscall, "syscall");
  resolve(r.guard_acquire, "__cxa_guard_acquire");
  resolve(r.guard_release, "__cxa_guard_release");
  resolve(r.thread_atexit_impl, "__cxa_thread_atexit_impl");
  resolve(r.key_create, "pthread_key_create");
  resolve(r.key_delete, "pthread_key_delete");
  resolve(r.exit, "pthread_exit");
  resolve(r.tryjoin, "pthread_tryjoin_np");
  resolve(r.timedjoin, "pthread_timedjoin_np");
  resolve(r.clockjoin, "pthread_clockjoin_np");
  resolve(r.spin_init, "pthread_spin_init");
  resolve(r.spin_destroy, "pthread_spin_destroy");
  resolve(r.spin_lock, "pthread_spin_lock");
  resolve(r.spin_trylock, "pthread_spin_trylock");
  resolve(r.spin_unlock, "pthread_spin_unlock");
  resolve(r.barrier_init, "pthread_barrier_init");
  resolve(r.barrier_destroy, "pthread_barrier_destroy");
  resolve(r.barrier_wait, "pthread_barrier_wait");
  return r;
}

// Not a function-local static: its guard is __cxa_guard_acquire, which is
// interposed too and needs these functions.
RealPthread resolved{};
std::atomic<int> resolve_state{0};  // 0: not yet, 1: being resolved, 2: done

const RealPthread& resolve_real() {
  int expected = 0;
  if (resolve_state.compare_exchange_strong(expected, 1, std::memory_order_acquire)) {
    resolved = resolve_all();
    resolve_state.store(2, std::memory_order_release);
  } else {
    // Another thread resolves (before main: constructors run on one thread).
    while (resolve_state.load(std::memory_order_acquire) != 2) __builtin_ia32_pause();
  }
  return resolved;
}

}  // namespace

const RealPthread& real() {
  if (resolve_state.load(std::memory_order_acquire) == 2) [[likely]]
    return resolved;
  return resolve_real();
}

}  // namespace weft::detail
