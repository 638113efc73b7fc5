// The clocks unmodified code reads on a weft thread: weft's virtual time,
// seen through each clock's epoch, so a deadline computed from a clock
// reading is a point in virtual time and a timed wait or sleep takes none
// of the real kind.
//
//   if (is_virtual(clock)) ns = clock_epoch_ns(clock) + ex.now();
//   int64_t deadline = virtual_deadline(ex, clock, abstime);  // for ex.block
#pragma once

#include <time.h>

#include <algorithm>
#include <cstdint>

#include "weft/runtime/execution.h"

namespace weft::detail {

inline constexpr int64_t kNsPerSecond = 1000000000;

// The steady clocks (std::chrono::steady_clock) and the realtime clock
// (std::chrono::system_clock, time(), gettimeofday) are virtual; CPU-time
// clocks are not.
inline bool is_steady_clock(clockid_t clock) {
  return clock == CLOCK_MONOTONIC || clock == CLOCK_MONOTONIC_RAW || clock == CLOCK_MONOTONIC_COARSE ||
         clock == CLOCK_BOOTTIME;
}
inline bool is_realtime_clock(clockid_t clock) {
  return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_TAI;
}
inline bool is_virtual(clockid_t clock) { return is_steady_clock(clock) || is_realtime_clock(clock); }

// What each virtual clock reads at virtual time zero. Fixed, so that a
// replay reads the same values: the steady clocks stand a day after boot
// (code subtracting hours from now() stays positive), the realtime clock
// at 2025-01-01 00:00:00 UTC.
inline int64_t clock_epoch_ns(clockid_t clock) {
  return is_steady_clock(clock) ? int64_t{86400} * kNsPerSecond : int64_t{1735689600} * kNsPerSecond;
}

inline int64_t to_ns(const timespec& t) { return static_cast<int64_t>(t.tv_sec) * kNsPerSecond + t.tv_nsec; }
inline timespec to_timespec(int64_t ns) {
  return {.tv_sec = static_cast<time_t>(ns / kNsPerSecond), .tv_nsec = static_cast<long>(ns % kNsPerSecond)};
}

// The virtual time at which `clock` reads `abstime` (never before now).
// A clock that is not virtual is measured from its real reading now.
int64_t virtual_deadline(const Execution& ex, clockid_t clock, const timespec& abstime);

// A relative timeout from now, in virtual ns.
inline int64_t deadline_in(const Execution& ex, const timespec& relative) {
  return ex.now() + std::max<int64_t>(to_ns(relative), 0);
}

}  // namespace weft::detail
