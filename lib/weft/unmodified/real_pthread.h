// The real pthread functions, for calls weft does not control: the next
// definition after weft's interposers (glibc's), found once with
// dlsym(RTLD_NEXT). The condition-variable functions are asked for by
// version: plain dlsym may return glibc's 2.2.5 compatibility versions,
// which use another layout of pthread_cond_t.
//
//   return real().mutex_lock(m);
#pragma once

#include <pthread.h>
#include <time.h>

namespace weft::detail {

struct RealPthread {
  int (*create)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  int (*join)(pthread_t, void**);
  int (*detach)(pthread_t);
  int (*mutex_lock)(pthread_mutex_t*);
  int (*mutex_trylock)(pthread_mutex_t*);
  int (*mutex_unlock)(pthread_mutex_t*);
  int (*cond_wait)(pthread_cond_t*, pthread_mutex_t*);
  int (*cond_timedwait)(pthread_cond_t*, pthread_mutex_t*, const timespec*);
  int (*cond_clockwait)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*);
  int (*cond_signal)(pthread_cond_t*);
  int (*cond_broadcast)(pthread_cond_t*);
  int (*sched_yield)();
  int (*clock_gettime)(clockid_t, timespec*);
};

// Resolved on first use (thread-safe: a function-local static).
const RealPthread& real();

}  // namespace weft::detail
