// access_body.h under the real ThreadSanitizer runtime (this target is
// compiled and linked with -fsanitize=thread, without weft): prints the
// nanoseconds per instrumented access (the run with its sweeps minus the
// same run without them, over the accesses), for twins_bench.cc to put
// beside weft's figure. Run directly it prints the same line.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "access_body.h"

int main() {
  constexpr int kRuns = 200;
  constexpr int kRepetitions = 5;
  std::vector<double> per_access;
  long sink = 0;
  const auto time_runs = [&](int sweeps) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kRuns; ++i) sink += access_bench::run(sweeps);
    const std::chrono::duration<double, std::nano> elapsed = std::chrono::steady_clock::now() - start;
    return elapsed.count() / kRuns;
  };
  for (int r = 0; r < kRepetitions; ++r) {
    const double with = time_runs(access_bench::kSweeps);
    const double without = time_runs(0);
    per_access.push_back((with - without) / access_bench::kAccessesPerRun);
  }
  std::sort(per_access.begin(), per_access.end());
  std::printf("ns_per_access=%.3f (median of %d; sink %ld)\n", per_access[kRepetitions / 2], kRepetitions, sink);
  return 0;
}
