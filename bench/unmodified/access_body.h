// The access-heavy body of the per-access benchmark, compiled into two
// programs: twins_bench.cc (instrumented, run under weft through
// weft::unmodified) and tsan_access_bench.cc (instrumented, linked with the
// real ThreadSanitizer runtime, run on real threads). Two threads each sweep
// their own array several times, reading and writing every element: plain
// memory, no races, no synchronization inside the loop, so the time is the
// accesses' cost.
#pragma once

#include <cstddef>
#include <thread>
#include <vector>

namespace access_bench {

constexpr std::size_t kElements = 1024;
constexpr int kSweeps = 16;
constexpr int kThreads = 2;
// Each sweep reads and writes every element: two instrumented accesses.
constexpr std::size_t kAccessesPerRun = std::size_t{kThreads} * kSweeps * kElements * 2;

// [[gnu::noinline]]: the loop stays one instrumented function in both programs.
[[gnu::noinline]] inline void sweep(long* data, int sweeps) {
  for (int s = 0; s < sweeps; ++s) {
    for (std::size_t i = 0; i < kElements; ++i) data[i] = data[i] + static_cast<long>(i);
  }
}

// One run: two std::threads, each over its own array. Returns a value that
// depends on every access, so nothing is optimized away. With `sweeps` = 0
// it is the same run without the accesses: the difference is their cost.
inline long run(int sweeps) {
  std::vector<long> a(kElements), b(kElements);
  std::thread ta([&] { sweep(a.data(), sweeps); });
  std::thread tb([&] { sweep(b.data(), sweeps); });
  ta.join();
  tb.join();
  return a[kElements - 1] + b[kElements / 2];
}

}  // namespace access_bench
