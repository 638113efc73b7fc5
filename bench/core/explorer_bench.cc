// Explorer benchmarks: what one scheduling step and one execution cost.
//
// Measured in the same run, so the numbers can be compared with each other:
//   - a raw Boost.Context fiber switch pair (A -> B -> A), the floor;
//   - one weft scheduling step on a two-thread weft::this_thread::yield
//     ping-pong, under pct:1 (a yield demotes the yielder, so every step
//     switches) and under random (about half the steps switch);
//   - executions per second of three small bodies under weft::explore,
//     random and pct:3, detection off and on, and the same bodies on real
//     std::thread / std::mutex / std::atomic (one run per iteration) for scale:
//       (a) 2 threads x 10 mutex lock/unlock,
//       (b) Relacy's classic shape: 3 threads each lock, increment a shared
//           variable, unlock, fetch_add an atomic,
//       (c) 100 threads x 100 yields,
//       (d) the same, but thread 0 yields once and then waits in join (a
//           blocked thread PCT steps over at every step).
//     "N threads" means N threads run the work: the body is thread 0 and
//     takes part, like the N threads of Relacy's test_suite<T, N>.
//
// After Google Benchmark's own table, a summary table gives medians over the
// repetitions and compares them with the targets (docs/performance.md). Body
// (b) against Relacy itself is bench/core/compare_relacy.sh: both built and
// run alternately in one run.
//
//   weft_core_bench                                   # 5 repetitions, summary
//   weft_core_bench --benchmark_filter=exec/b_relacy  # any Google Benchmark flag
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/context/fiber.hpp>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bodies.h"
#include "weft/weft.h"

namespace {

using weft_bench::mutex_body;
using weft_bench::relacy_body;
using weft_bench::StdApi;
using weft_bench::WeftApi;
using weft_bench::yield_body;
using weft_bench::yield_then_join_body;

// ---- benchmark functions ------------------------------------------------------

// main -> peer -> main on Boost.Context, the same primitive weft switches with.
void raw_switch_pair(benchmark::State& state) {
  namespace ctx = boost::context;
  bool stop = false;
  ctx::fiber peer([&stop](ctx::fiber&& back) {
    while (!stop) back = std::move(back).resume();
    return std::move(back);
  });
  peer = std::move(peer).resume();  // start it: it parks in its loop
  for (auto _ : state) peer = std::move(peer).resume();
  stop = true;
  peer = std::move(peer).resume();  // lets it return
}

// One weft::explore call of `batch` executions per benchmark iteration:
// what a user of explore pays, session setup included.
void explore_batch(benchmark::State& state, const std::function<void()>& body, const std::string& strategy, bool detect,
                   uint64_t batch) {
  weft::Options options;
  options.strategy = strategy;
  options.iterations = batch;
  options.detect_races = detect;
  options.detect_lock_order = detect;
  uint64_t executions = 0;
  uint64_t steps = 0;
  for (auto _ : state) {
    const weft::Result result = weft::explore(options, body);
    if (!result.error.ok() || result.bug_found() || result.executions != batch) {
      state.SkipWithError("the exploration failed: the benchmark bodies have no bug");
      break;
    }
    executions += result.executions;
    steps += result.total_steps;
  }
  state.SetItemsProcessed(static_cast<int64_t>(executions));  // items/s = executions/s
  state.counters["steps_per_exec"] = executions ? static_cast<double>(steps) / static_cast<double>(executions) : 0;
  state.counters["steps_per_iter"] = benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kAvgIterations);
}

void std_once(benchmark::State& state, void (*body)()) {
  for (auto _ : state) body();
  state.SetItemsProcessed(state.iterations());
}

struct BodyCase {
  const char* name;
  const char* label;
  void (*weft_body)();
  void (*std_body)();
  uint64_t batch;  // executions per explore call: tens of milliseconds
};

const BodyCase kBodies[] = {
    {"a_mutex_2x10", "(a) 2 threads x 10 lock/unlock", mutex_body<WeftApi, 2, 10>, mutex_body<StdApi, 2, 10>, 20000},
    {"b_relacy_3", "(b) Relacy: 3 threads lock/++/unlock/fetch_add", relacy_body<WeftApi, 3>, relacy_body<StdApi, 3>,
     20000},
    {"c_yield_100x100", "(c) 100 threads x 100 yields", yield_body<WeftApi, 100, 100>, yield_body<StdApi, 100, 100>,
     50},
    {"d_yield_then_join_100x100", "(d) (c), thread 0 yields once, then joins", yield_then_join_body<WeftApi, 100, 100>,
     yield_then_join_body<StdApi, 100, 100>, 50},
};

struct Config {
  const char* strategy;
  bool detect;
};
const Config kConfigs[] = {{"random", false}, {"random", true}, {"pct:3", false}, {"pct:3", true}};

std::string config_name(const Config& c) { return std::string(c.strategy) + (c.detect ? "/detect_on" : "/detect_off"); }

constexpr const char* kRawPair = "step/raw_switch_pair";
constexpr const char* kYieldBody = "c_yield_100x100";
constexpr const char* kStepPct = "step/yield_pingpong/pct:1";
constexpr const char* kStepRandom = "step/yield_pingpong/random";

void register_all() {
  benchmark::RegisterBenchmark(kRawPair, raw_switch_pair);
  const std::function<void()> pingpong = yield_body<WeftApi, 2, 1000>;
  for (const char* name : {kStepPct, kStepRandom}) {
    const std::string strategy = name == kStepPct ? "pct:1" : "random";
    benchmark::RegisterBenchmark(name, [=](benchmark::State& s) {
      explore_batch(s, pingpong, strategy, false, 100);
    })->Unit(benchmark::kMillisecond);
  }
  for (const BodyCase& body : kBodies) {
    for (const Config& config : kConfigs) {
      const std::string name = std::string("exec/") + body.name + "/" + config_name(config);
      const std::function<void()> fn = body.weft_body;
      const uint64_t batch = body.batch;
      benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& s) {
        explore_batch(s, fn, config.strategy, config.detect, batch);
      })->Unit(benchmark::kMillisecond);
    }
    benchmark::RegisterBenchmark((std::string("exec/") + body.name + "/std_thread").c_str(), std_once, body.std_body)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }
}

// ---- the summary --------------------------------------------------------------

struct Measure {
  double ns = 0;              // time per benchmark iteration (see ReportRuns)
  double per_second = 0;      // items (executions) per second
  double steps_per_iter = 0;  // scheduling steps per benchmark iteration
  double steps_per_exec = 0;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double to_ns(double value, benchmark::TimeUnit unit) {
  switch (unit) {
    case benchmark::kNanosecond:
      return value;
    case benchmark::kMicrosecond:
      return value * 1e3;
    case benchmark::kMillisecond:
      return value * 1e6;
    case benchmark::kSecond:
      return value * 1e9;
  }
  return value;
}

// Google Benchmark's console table, plus the medians it needs for the summary.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const std::string name = run.run_name.function_name;
      auto counter = [&](const char* key) {
        auto it = run.counters.find(key);
        return it == run.counters.end() ? 0.0 : static_cast<double>(it->second);
      };
      // weft runs every fiber on the calling thread, so its CPU time is what
      // an idle core would take, even while other jobs share the machine;
      // std::thread bodies run elsewhere, so they are timed in real time
      // (items/s follows the same choice: UseRealTime() is set for them).
      const double t = run.run_name.time_type.empty() ? run.GetAdjustedCPUTime() : run.GetAdjustedRealTime();
      Measure m{to_ns(t, run.time_unit), counter("items_per_second"), counter("steps_per_iter"),
                counter("steps_per_exec")};
      if (run.run_type == Run::RT_Aggregate) {
        if (run.aggregate_name == "median") medians_[name] = m;
      } else {
        samples_[name].push_back(m);
      }
    }
  }

  // Median over repetitions: Google Benchmark's own when it computed one.
  bool get(const std::string& name, Measure& out) const {
    if (auto it = medians_.find(name); it != medians_.end()) {
      out = it->second;
      return true;
    }
    auto it = samples_.find(name);
    if (it == samples_.end() || it->second.empty()) return false;
    std::vector<double> ns, rate, spi, spe;
    for (const Measure& m : it->second) {
      ns.push_back(m.ns);
      rate.push_back(m.per_second);
      spi.push_back(m.steps_per_iter);
      spe.push_back(m.steps_per_exec);
    }
    out = {median(ns), median(rate), median(spi), median(spe)};
    return true;
  }

  void print_summary() const {
    std::printf(
        "\nweft explorer summary: medians over repetitions; weft in CPU time (one OS thread),\n"
        "std::thread in real time\n\n");
    Measure raw, pct, rnd;
    const bool have_raw = get(kRawPair, raw);
    std::printf("%-58s %10s %12s\n", "scheduling step, 2 threads x 1000 yields", "ns", "x raw pair");
    if (have_raw) std::printf("%-58s %10.1f %12s\n", "raw Boost.Context switch pair A->B->A", raw.ns, "1.00");
    for (auto [name, label, m] : {std::tuple{kStepPct, "weft step, pct:1 (every step switches)", &pct},
                                  std::tuple{kStepRandom, "weft step, random (about half the steps switch)", &rnd}}) {
      if (!get(name, *m) || m->steps_per_iter == 0) continue;
      const double ns = m->ns / m->steps_per_iter;
      if (have_raw) {
        std::printf("%-58s %10.1f %12.2f\n", label, ns, ns / raw.ns);
      } else {
        std::printf("%-58s %10.1f %12s\n", label, ns, "-");
      }
    }
    std::printf("\n%-48s %10s", "executions per second", "steps/exec");
    for (const Config& c : kConfigs) std::printf(" %18s", config_name(c).c_str());
    std::printf(" %12s\n", "std::thread");
    for (const BodyCase& body : kBodies) {
      std::printf("%-48s", body.label);
      Measure first;
      const std::string prefix = std::string("exec/") + body.name + "/";
      if (get(prefix + config_name(kConfigs[0]), first)) {
        std::printf(" %10.1f", first.steps_per_exec);
      } else {
        std::printf(" %10s", "-");
      }
      for (const Config& c : kConfigs) {
        Measure m;
        if (get(prefix + config_name(c), m)) {
          std::printf(" %18s", rate(m.per_second).c_str());
        } else {
          std::printf(" %18s", "-");
        }
      }
      Measure s;
      std::printf(" %12s\n", get(prefix + "std_thread", s) ? rate(s.per_second).c_str() : "-");
    }

    std::printf("\ntargets\n");
    if (have_raw && pct.steps_per_iter > 0) {
      const double ratio = pct.ns / pct.steps_per_iter / raw.ns;
      std::printf("  step (pct:1, always switching) <= 2x raw switch pair: %.2fx -> %s\n", ratio,
                  ratio <= 2.0 ? "met" : "NOT met");
    }
    for (const char* detect : {"detect_off", "detect_on"}) {
      Measure rnd_c, pct_c;
      const std::string prefix = std::string("exec/") + kYieldBody + "/";
      if (!get(prefix + "random/" + detect, rnd_c) || !get(prefix + "pct:3/" + detect, pct_c)) continue;
      if (rnd_c.per_second <= 0 || pct_c.per_second <= 0) continue;
      const double ratio = rnd_c.per_second / pct_c.per_second;
      std::printf("  (c) pct:3 <= 1.3x random's time per execution, %-10s: %.2fx -> %s\n", detect, ratio,
                  ratio <= 1.3 ? "met" : "NOT met");
    }
    std::printf(
        "  (b) against Relacy: measured in the same run by bench/core/compare_relacy.sh RELACY_DIR\n"
        "      (docs/performance.md, section Explorer)\n");
  }

 private:
  static std::string rate(double per_second) {
    char buf[32];
    if (per_second >= 1e6) {
      std::snprintf(buf, sizeof buf, "%.2fM/s", per_second / 1e6);
    } else if (per_second >= 1e3) {
      std::snprintf(buf, sizeof buf, "%.1fk/s", per_second / 1e3);
    } else {
      std::snprintf(buf, sizeof buf, "%.0f/s", per_second);
    }
    return buf;
  }

  std::map<std::string, Measure> medians_;
  std::map<std::string, std::vector<Measure>> samples_;
};

}  // namespace

int main(int argc, char** argv) {
  // Defaults that make the summary a median: any flag given wins.
  std::vector<char*> args(argv, argv + argc);
  std::string reps = "--benchmark_repetitions=5";
  std::string display = "--benchmark_display_aggregates_only=true";
  std::string min_time = "--benchmark_min_time=0.2";
  auto given = [&](const char* flag) {
    for (int i = 1; i < argc; ++i) {
      if (std::string(argv[i]).rfind(flag, 0) == 0) return true;
    }
    return false;
  };
  if (!given("--benchmark_repetitions")) args.push_back(reps.data());
  if (!given("--benchmark_display_aggregates_only") && !given("--benchmark_report_aggregates_only")) {
    args.push_back(display.data());
  }
  if (!given("--benchmark_min_time")) args.push_back(min_time.data());
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 2;
  register_all();
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_summary();
  benchmark::Shutdown();
  return 0;
}
