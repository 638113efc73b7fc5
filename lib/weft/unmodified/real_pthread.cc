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
  resolve(r.sched_yield, "sched_yield");
  resolve(r.clock_gettime, "clock_gettime");
  return r;
}

}  // namespace

const RealPthread& real() {
  static const RealPthread functions = resolve_all();
  return functions;
}

}  // namespace weft::detail
