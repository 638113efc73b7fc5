// weft's side of the same-run comparison with Relacy (compare_relacy.sh):
// body (b) of bodies.h, the shape of Relacy's test_b.cc, explored
// `--executions` times in one weft::explore call under one strategy, with
// detection on (races and lock order, weft's defaults) or off.
//
//   weft_relacy_b --strategy=pct:3 --detect=false --executions=1000000
//
// Prints one line with the executions and the time they took; exits 1 if
// the exploration found a bug (the body has none), 2 on bad arguments.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "bodies.h"
#include "flag_args.h"
#include "weft/weft.h"

ABSL_FLAG(std::string, strategy, "random", "the strategy (random, pct:3, ...)");
ABSL_FLAG(bool, detect, true, "race and lock-order detection");
ABSL_FLAG(uint64_t, executions, 1000000, "executions in the one weft::explore call");

int main(int argc, char** argv) {
  const char* usage = "usage: weft_relacy_b [--strategy=S] [--detect=true|false] [--executions=N]\n";
  auto args = weft::tool::parse_flag_args({argv + 1, argv + argc}, {"strategy", "detect", "executions"});
  if (!args.ok()) {
    std::fprintf(stderr, "weft_relacy_b: %s\n%s", std::string(args.status().message()).c_str(), usage);
    return 2;
  }
  if (!args->empty()) {
    std::fprintf(stderr, "weft_relacy_b: unexpected argument \"%s\"\n%s", args->front().c_str(), usage);
    return 2;
  }
  weft::Options options;
  options.strategy = absl::GetFlag(FLAGS_strategy);
  options.iterations = absl::GetFlag(FLAGS_executions);
  options.detect_races = absl::GetFlag(FLAGS_detect);
  options.detect_lock_order = options.detect_races;
  if (options.iterations == 0) {
    std::fprintf(stderr, "weft_relacy_b: --executions must be at least 1\n%s", usage);
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const weft::Result result = weft::explore(options, weft_bench::relacy_body<weft_bench::WeftApi, 3>);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!result.error.ok()) {
    std::fprintf(stderr, "weft_relacy_b: %s\n%s", std::string(result.error.message()).c_str(), usage);
    return 2;
  }
  const bool ok = !result.bug_found() && result.executions == options.iterations;
  std::printf("weft (b) %s, detection %s: %llu executions in %.3f s = %.0f exec/s (%s)\n", options.strategy.c_str(),
              options.detect_races ? "on" : "off", static_cast<unsigned long long>(result.executions), seconds,
              static_cast<double>(result.executions) / seconds, ok ? "ok" : "FAIL");
  if (!ok && result.failure) std::fputs(result.failure->report.c_str(), stderr);
  return ok ? 0 : 1;
}
