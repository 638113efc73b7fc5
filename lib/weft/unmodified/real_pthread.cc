#include "weft/unmodified/real_pthread.h"

#include <dlfcn.h>

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
  return r;
}

}  // namespace

const RealPthread& real() {
  static const RealPthread functions = resolve_all();
  return functions;
}

}  // namespace weft::detail
