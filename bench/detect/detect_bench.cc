// Detection overhead: the time of one execution with the race detector and
// the lock-order detector on, next to the same execution with both off.
//
// Bodies (4 threads each: the body is thread 0 and takes part):
//   locked_counter  each thread 500 x { lock; counter = counter + 1; unlock }:
//                   1,000 var accesses and 1,000 lock operations per thread
//   batched         each thread 100 x { lock; 5 x a[k] = a[k] + 1; unlock }:
//                   1,000 var accesses and 200 lock operations per thread
//   private         each thread 1,000 accesses to its own var: the access
//                   path alone
//   annotated       each thread writes its 64-byte slice of a buffer as four
//                   16-byte annotated writes, then one 64-byte write, then
//                   reads it whole: the byte-range (split / merge) path
// Configurations: off (detect_races and detect_lock_order false), races
// only, lock order only, both on (the default). Strategies random and pct:3.
//
// After Google Benchmark's table, a summary gives the median time per
// execution of each configuration and the ratio of "both on" to "off"
// (the target is at most 2x).
//
//   weft_detect_bench                                   # 3 repetitions + summary
//   weft_detect_bench --benchmark_filter=locked_counter # any Google Benchmark flag
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "weft/weft.h"

namespace {

constexpr int kThreads = 4;

template <typename Work>
void on_threads(Work work) {
  std::array<weft::thread, kThreads - 1> others;
  for (int t = 1; t < kThreads; ++t) others[t - 1] = weft::thread([&work, t] { work(t); });
  work(0);
  for (weft::thread& t : others) t.join();
}

void locked_counter() {
  weft::var<int> counter{0, "counter"};
  weft::mutex m{"m"};
  on_threads([&](int) {
    for (int i = 0; i < 500; ++i) {
      std::lock_guard l(m);
      counter = counter + 1;
    }
  });
}

void batched() {
  std::array<weft::var<int>, 5> a;
  weft::mutex m{"m"};
  on_threads([&](int) {
    for (int i = 0; i < 100; ++i) {
      std::lock_guard l(m);
      for (weft::var<int>& v : a) v = v + 1;
    }
  });
}

void private_vars() {
  std::array<weft::var<int>, kThreads> mine;
  on_threads([&](int t) {
    for (int i = 0; i < 500; ++i) mine[t] = mine[t] + 1;
  });
}

void annotated() {
  alignas(64) unsigned char buffer[kThreads * 64] = {};
  on_threads([&](int t) {
    unsigned char* slice = buffer + 64 * t;
    for (int i = 0; i < 50; ++i) {
      for (int k = 0; k < 4; ++k) weft::annotate_write(slice + 16 * k, 16);
      weft::annotate_write(slice, 64);
      weft::annotate_read(slice, 64);
    }
  });
}

struct Body {
  const char* name;
  void (*fn)();
  uint64_t batch;  // executions per explore call
};
const Body kBodies[] = {
    {"locked_counter", locked_counter, 20},
    {"batched", batched, 20},
    {"private", private_vars, 20},
    {"annotated", annotated, 40},
};

struct Config {
  const char* name;
  bool races;
  bool lock_order;
};
const Config kConfigs[] = {
    {"off", false, false}, {"races", true, false}, {"lock_order", false, true}, {"both", true, true}};
const char* const kStrategies[] = {"random", "pct:3"};

std::string bench_name(const Body& b, const char* strategy, const Config& c) {
  return std::string(b.name) + "/" + strategy + "/" + c.name;
}

void run(benchmark::State& state, const Body& body, const char* strategy, const Config& config) {
  weft::Options options;
  options.strategy = strategy;
  options.iterations = body.batch;
  options.detect_races = config.races;
  options.detect_lock_order = config.lock_order;
  uint64_t executions = 0, steps = 0;
  for (auto _ : state) {
    const weft::Result r = weft::explore(options, body.fn);
    if (!r.error.ok() || r.bug_found() || r.executions != body.batch) {
      state.SkipWithError(r.bug_found() ? r.failure->report.c_str() : "the exploration did not run");
      break;
    }
    executions += r.executions;
    steps += r.total_steps;
  }
  state.SetItemsProcessed(static_cast<int64_t>(executions));
  state.counters["us_per_exec"] = benchmark::Counter(static_cast<double>(executions) / 1e6,
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["steps_per_exec"] = executions ? static_cast<double>(steps) / static_cast<double>(executions) : 0;
}

// Google Benchmark's table, plus the medians the summary needs.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred || run.run_type == Run::RT_Aggregate) continue;
      auto us = run.counters.find("us_per_exec");
      auto steps = run.counters.find("steps_per_exec");
      if (us == run.counters.end()) continue;
      auto& m = samples_[run.run_name.function_name];
      m.us.push_back(us->second);
      if (steps != run.counters.end()) m.steps = steps->second;
    }
  }

  void print_summary() const {
    std::printf("\nweft detection overhead: median microseconds per execution (CPU time, one OS thread)\n\n");
    std::printf("%-30s %10s", "body / strategy", "steps");
    for (const Config& c : kConfigs) std::printf(" %11s", c.name);
    std::printf(" %11s\n", "both / off");
    for (const Body& b : kBodies) {
      for (const char* s : kStrategies) {
        std::printf("%-30s", (std::string(b.name) + " / " + s).c_str());
        double off = 0, both = 0, steps = 0;
        std::vector<double> cols;
        for (const Config& c : kConfigs) {
          auto it = samples_.find(bench_name(b, s, c));
          const double us = it == samples_.end() ? 0 : median(it->second.us);
          if (it != samples_.end()) steps = it->second.steps;
          if (std::string(c.name) == "off") off = us;
          if (std::string(c.name) == "both") both = us;
          cols.push_back(us);
        }
        std::printf(" %10.0f", steps);
        for (double us : cols) std::printf(" %11.1f", us);
        if (off > 0 && both > 0) {
          std::printf(" %10.2fx\n", both / off);
        } else {
          std::printf(" %11s\n", "-");
        }
      }
    }
  }

 private:
  struct Samples {
    std::vector<double> us;
    double steps = 0;
  };
  static double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
  std::map<std::string, Samples> samples_;
};

}  // namespace

int main(int argc, char** argv) {
  for (const Body& b : kBodies) {
    for (const char* s : kStrategies) {
      for (const Config& c : kConfigs) {
        benchmark::RegisterBenchmark(bench_name(b, s, c).c_str(), [&b, s, &c](benchmark::State& state) {
          run(state, b, s, c);
        })->Unit(benchmark::kMillisecond);
      }
    }
  }
  // Three repetitions unless the command line says otherwise.
  std::vector<char*> args(argv, argv + argc);
  std::string repetitions = "--benchmark_repetitions=3";
  bool has_repetitions = false;
  for (int i = 1; i < argc; ++i) has_repetitions |= std::string(argv[i]).starts_with("--benchmark_repetitions");
  if (!has_repetitions) args.push_back(repetitions.data());
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 2;
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_summary();
  benchmark::Shutdown();
  return 0;
}
