// The real pthread (and clock, sleep, semaphore, syscall) functions, for
// calls weft does not control: the next
// definition after weft's interposers (glibc's), found once with
// dlsym(RTLD_NEXT). The condition-variable functions are asked for by
// version: plain dlsym may return glibc's 2.2.5 compatibility versions,
// which use another layout of pthread_cond_t.
//
//   return real().mutex_lock(m);
#pragma once

#include <pthread.h>
#include <semaphore.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>

namespace weft::detail {

struct RealPthread {
  int (*create)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  int (*join)(pthread_t, void**);
  int (*detach)(pthread_t);
  int (*once)(pthread_once_t*, void (*)());
  int (*mutex_lock)(pthread_mutex_t*);
  int (*mutex_trylock)(pthread_mutex_t*);
  int (*mutex_unlock)(pthread_mutex_t*);
  int (*mutex_timedlock)(pthread_mutex_t*, const timespec*);
  int (*mutex_clocklock)(pthread_mutex_t*, clockid_t, const timespec*);
  int (*cond_wait)(pthread_cond_t*, pthread_mutex_t*);
  int (*cond_timedwait)(pthread_cond_t*, pthread_mutex_t*, const timespec*);
  int (*cond_clockwait)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*);
  int (*cond_signal)(pthread_cond_t*);
  int (*cond_broadcast)(pthread_cond_t*);
  int (*rwlock_rdlock)(pthread_rwlock_t*);
  int (*rwlock_tryrdlock)(pthread_rwlock_t*);
  int (*rwlock_timedrdlock)(pthread_rwlock_t*, const timespec*);
  int (*rwlock_clockrdlock)(pthread_rwlock_t*, clockid_t, const timespec*);
  int (*rwlock_wrlock)(pthread_rwlock_t*);
  int (*rwlock_trywrlock)(pthread_rwlock_t*);
  int (*rwlock_timedwrlock)(pthread_rwlock_t*, const timespec*);
  int (*rwlock_clockwrlock)(pthread_rwlock_t*, clockid_t, const timespec*);
  int (*rwlock_unlock)(pthread_rwlock_t*);
  int (*rwlock_destroy)(pthread_rwlock_t*);
  int (*sem_init)(sem_t*, int, unsigned);
  int (*sem_destroy)(sem_t*);
  int (*sem_post)(sem_t*);
  int (*sem_wait)(sem_t*);
  int (*sem_trywait)(sem_t*);
  int (*sem_timedwait)(sem_t*, const timespec*);
  int (*sem_clockwait)(sem_t*, clockid_t, const timespec*);
  int (*sem_getvalue)(sem_t*, int*);
  int (*sched_yield)();
  int (*clock_gettime)(clockid_t, timespec*);
  time_t (*time)(time_t*);
  int (*gettimeofday)(timeval*, void*);
  int (*nanosleep)(const timespec*, timespec*);
  int (*clock_nanosleep)(clockid_t, int, const timespec*, timespec*);
  int (*usleep)(useconds_t);
  unsigned (*sleep)(unsigned);
  long (*syscall)(long, ...);
  int (*guard_acquire)(int64_t*);
  void (*guard_release)(int64_t*);
  int (*thread_atexit_impl)(void (*)(void*), void*, void*);
  int (*key_create)(pthread_key_t*, void (*)(void*));
  int (*key_delete)(pthread_key_t);
  void (*exit)(void*);  // never returns
  int (*tryjoin)(pthread_t, void**);
  int (*timedjoin)(pthread_t, void**, const timespec*);
  int (*clockjoin)(pthread_t, void**, clockid_t, const timespec*);
  int (*spin_init)(pthread_spinlock_t*, int);
  int (*spin_destroy)(pthread_spinlock_t*);
  int (*spin_lock)(pthread_spinlock_t*);
  int (*spin_trylock)(pthread_spinlock_t*);
  int (*spin_unlock)(pthread_spinlock_t*);
  int (*barrier_init)(pthread_barrier_t*, const pthread_barrierattr_t*, unsigned);
  int (*barrier_destroy)(pthread_barrier_t*);
  int (*barrier_wait)(pthread_barrier_t*);
};

// Resolved on first use (thread-safe).
const RealPthread& real();

}  // namespace weft::detail
