// What per-thread TLS costs weft's scheduler: the same bodies explored with
// every weft thread on the OS thread's TLS (what weft:: tests get) and on
// TLS of its own (what a target linking weft::unmodified gets: each thread
// runs on a parked pthread's TCB and every switch moves the FS base,
// docs/unmodified.md "Thread model"). The two settings alternate within one
// run; the table gives medians over the repetitions of the exploring
// thread's CPU time per step and executions per CPU second.
//
//   weft_fiber_tls_bench        # 5 repetitions
//   weft_fiber_tls_bench 9      # 9 repetitions
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../core/bodies.h"
#include "weft/runtime/thread_storage.h"
#include "weft/unmodified/tls_donors.h"
#include "weft/weft.h"

namespace {

// CPU time of the exploring thread (the donors only sleep): on a machine
// shared with builds, wall time mostly measures the wait for a core.
double thread_cpu_ns() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}

struct Case {
  const char* name;
  const char* strategy;
  std::function<void()> body;
  uint64_t executions;
};

struct Timing {
  double ns_per_execution;
  double ns_per_step;
};

Timing measure(const Case& c) {
  weft::Options options;
  options.strategy = c.strategy;
  options.iterations = c.executions;
  options.detect_races = false;
  options.detect_lock_order = false;
  const double start = thread_cpu_ns();
  const weft::Result result = weft::explore(options, c.body);
  const double ns = thread_cpu_ns() - start;
  if (!result.error.ok() || result.bug_found() || result.executions != c.executions) {
    std::fprintf(stderr, "the exploration of %s failed: the bodies have no bug\n", c.name);
    std::exit(1);
  }
  return {ns / static_cast<double>(result.executions), ns / static_cast<double>(result.total_steps)};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int repetitions = 5;
  if (argc > 2) {
    std::fprintf(stderr, "weft_fiber_tls_bench: one argument at most (the repetitions), got %d\n", argc - 1);
    return 2;
  }
  if (argc == 2) {
    const std::string_view arg = argv[1];
    const auto [end, error] = std::from_chars(arg.data(), arg.data() + arg.size(), repetitions);
    if (error != std::errc() || end != arg.data() + arg.size() || repetitions < 1) {
      std::fprintf(stderr, "weft_fiber_tls_bench: the repetitions must be a positive integer, got \"%s\"\n", argv[1]);
      return 2;
    }
  }
  using weft_bench::WeftApi;
  const std::vector<Case> cases = {
      {"yield ping-pong 2x1000", "pct:1", weft_bench::yield_body<WeftApi, 2, 1000>, 50},
      {"(a) 2 threads x 10 mutex", "random", weft_bench::mutex_body<WeftApi, 2, 10>, 5000},
      {"(b) relacy 3 threads", "random", weft_bench::relacy_body<WeftApi, 3>, 5000},
  };
  std::printf("%-28s %10s %14s %14s %14s %14s %8s\n", "body", "strategy", "shared ns/step", "own ns/step",
              "shared exec/s", "own exec/s", "own/shared");
  for (const Case& c : cases) {
    std::vector<double> shared_step, own_step, shared_exec, own_exec;
    measure(c);  // warm-up: stacks and TLS donors allocated
    weft::detail::install_tls_donors();
    measure(c);
    for (int r = 0; r < repetitions; ++r) {
      weft::detail::set_thread_storage(nullptr);
      Timing t = measure(c);
      shared_step.push_back(t.ns_per_step);
      shared_exec.push_back(1e9 / t.ns_per_execution);
      weft::detail::install_tls_donors();
      t = measure(c);
      own_step.push_back(t.ns_per_step);
      own_exec.push_back(1e9 / t.ns_per_execution);
    }
    std::printf("%-28s %10s %14.1f %14.1f %14.0f %14.0f %8.2f\n", c.name, c.strategy, median(shared_step),
                median(own_step), median(shared_exec), median(own_exec), median(own_exec) / median(shared_exec));
  }
  return 0;
}
