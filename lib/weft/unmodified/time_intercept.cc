// Clocks, sleeps and sched_yield, interposed: on a weft thread the steady
// and realtime clocks read weft's virtual time (virtual_time.h) and a sleep
// is weft::this_thread::sleep_for, which blocks until the scheduler lets
// virtual time reach its end. Anywhere else they are glibc's.
//
// glibc's sleep() and usleep() call nanosleep internally, not through the
// symbol, and time()/gettimeofday() read the vDSO: each is interposed on its
// own.
#include <errno.h>
#include <sched.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "weft/sync/thread.h"
#include "weft/unmodified/control.h"
#include "weft/unmodified/real_pthread.h"
#include "weft/unmodified/virtual_time.h"

namespace weft::detail {

int64_t virtual_deadline(const Execution& ex, clockid_t clock, const timespec& abstime) {
  int64_t remaining = 0;
  if (is_virtual(clock)) {
    remaining = to_ns(abstime) - clock_epoch_ns(clock) - ex.now();
  } else {
    timespec now{};
    real().clock_gettime(clock, &now);
    remaining = to_ns(abstime) - to_ns(now);
  }
  return ex.now() + std::max<int64_t>(remaining, 0);
}

namespace {

bool valid(const timespec& t) { return t.tv_sec >= 0 && t.tv_nsec >= 0 && t.tv_nsec < kNsPerSecond; }

}  // namespace
}  // namespace weft::detail

using weft::detail::controlling_execution;
using weft::detail::Execution;
using weft::detail::real;

// NOLINTBEGIN(readability-inconsistent-declaration-parameter-name)
extern "C" {

int clock_gettime(clockid_t clock, timespec* now) {
  Execution* ex = controlling_execution();
  if (ex == nullptr || !weft::detail::is_virtual(clock)) return real().clock_gettime(clock, now);
  *now = weft::detail::to_timespec(weft::detail::clock_epoch_ns(clock) + ex->now());
  return 0;
}

time_t time(time_t* out) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().time(out);
  const time_t seconds = (weft::detail::clock_epoch_ns(CLOCK_REALTIME) + ex->now()) / weft::detail::kNsPerSecond;
  if (out != nullptr) *out = seconds;
  return seconds;
}

int gettimeofday(timeval* tv, void* tz) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().gettimeofday(tv, tz);
  const int64_t ns = weft::detail::clock_epoch_ns(CLOCK_REALTIME) + ex->now();
  tv->tv_sec = static_cast<time_t>(ns / weft::detail::kNsPerSecond);
  tv->tv_usec = static_cast<suseconds_t>(ns % weft::detail::kNsPerSecond / 1000);
  return 0;
}

// std::this_thread::sleep_for (libstdc++ calls nanosleep).
int nanosleep(const timespec* request, timespec* remaining) {
  if (controlling_execution() == nullptr) return real().nanosleep(request, remaining);
  if (!weft::detail::valid(*request)) {
    errno = EINVAL;
    return -1;
  }
  weft::detail::sleep_ns(weft::detail::to_ns(*request), {});
  if (remaining != nullptr) *remaining = {};
  return 0;
}

// std::this_thread::sleep_until on the steady clock (TIMER_ABSTIME).
int clock_nanosleep(clockid_t clock, int flags, const timespec* request, timespec* remaining) {
  Execution* ex = controlling_execution();
  if (ex == nullptr || !weft::detail::is_virtual(clock))
    return real().clock_nanosleep(clock, flags, request, remaining);
  if (!weft::detail::valid(*request)) return EINVAL;
  if ((flags & TIMER_ABSTIME) != 0) {
    weft::detail::sleep_until_ns(weft::detail::virtual_deadline(*ex, clock, *request), {});
  } else {
    weft::detail::sleep_ns(weft::detail::to_ns(*request), {});
    if (remaining != nullptr) *remaining = {};
  }
  return 0;
}

int usleep(useconds_t microseconds) {
  if (controlling_execution() == nullptr) return real().usleep(microseconds);
  weft::detail::sleep_ns(int64_t{microseconds} * 1000, {});
  return 0;
}

unsigned sleep(unsigned seconds) {
  if (controlling_execution() == nullptr) return real().sleep(seconds);
  weft::detail::sleep_ns(int64_t{seconds} * weft::detail::kNsPerSecond, {});
  return 0;
}

// std::this_thread::yield: weft::this_thread::yield (PCT takes it as
// evidence of a spin loop).
int sched_yield() {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().sched_yield();
  ex->yield_point({});
  return 0;
}

}  // extern "C"
// NOLINTEND(readability-inconsistent-declaration-parameter-name)
