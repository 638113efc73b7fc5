// `weft run` and `weft list`: explore the WEFT_TESTs of test binaries in
// worker processes (docs/cli.md).
//
//   weft run build/examples/bank_test --time 20s
//   weft run build/tests/core_mutex_test 'Mutex.*' --iterations 100000 --jobs 2 --junit results.xml
//   weft list build/examples/bank_test
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "command.h"
#include "exploration.h"
#include "flag_args.h"
#include "progress.h"
#include "results_output.h"
#include "test_selection.h"
#include "weft/base/strategy_names.h"
#include "weft/strategy/strategy.h"
#include "worker_process.h"

ABSL_FLAG(std::string, strategy, "",
          absl::StrCat("one of ", absl::StrJoin(weft::kStrategyForms, ", "), " (default: each test's own)"));
ABSL_FLAG(uint64_t, iterations, 0, "executions per test (default: each test's own, unless --time is given)");
ABSL_FLAG(absl::Duration, time, absl::ZeroDuration(),
          "explore for this long in all, shared by the selected tests, e.g. 20s, 10m");
ABSL_FLAG(std::string, seed, "", "the exploration seed, decimal or 0x-hex (default: each test's own)");
ABSL_FLAG(int, jobs, 0, "worker processes (default: one per core)");
ABSL_FLAG(std::string, shard, "",
          "I/N: explore the I-th of N disjoint shards of every test's executions (default: from "
          "GTEST_TOTAL_SHARDS/GTEST_SHARD_INDEX, TEST_TOTAL_SHARDS/TEST_SHARD_INDEX or "
          "JOB_COMPLETION_INDEX with WEFT_TOTAL_SHARDS)");
ABSL_FLAG(std::string, junit, "", "write JUnit XML results to this file");
ABSL_FLAG(std::string, json, "", "write the results (and each bug's structured failure) as JSON to this file");
ABSL_FLAG(std::string, report_dir, "", "write <test>.json and <test>.html per failing test into this directory");
ABSL_FLAG(bool, keep_going, false, "run every test even after one found a bug (default: stop at the first)");
ABSL_FLAG(bool, also_run_disabled, false, "also run DISABLED_ tests");
ABSL_FLAG(bool, check_determinism, false,
          "replay every bug found three times and report when the replays differ (a body that depends on "
          "something outside weft's control)");
ABSL_FLAG(absl::Duration, stall_timeout, absl::Seconds(10),
          "an execution running this long is stuck outside weft's control: report it and go on (0: never)");

namespace weft::tool {
namespace {

const std::vector<absl::string_view> kRunFlags = {"strategy",
                                                  "iterations",
                                                  "time",
                                                  "seed",
                                                  "jobs",
                                                  "shard",
                                                  "junit",
                                                  "json",
                                                  "report_dir",
                                                  "keep_going",
                                                  "also_run_disabled",
                                                  "stall_timeout",
                                                  "check_determinism"};

std::string run_usage() {
  return absl::StrCat(
      "usage: weft run BINARY... [TEST_FILTER] [options]\n\n"
      "Explores every WEFT_TEST of each test BINARY (or those TEST_FILTER selects, GoogleTest\n"
      "syntax: 'Bank.*:-*Slow*') in worker processes. Each test stops at its first bug; a\n"
      "crash or a hang kills only its worker and is reported with the schedule that caused it.\n"
      "Exit: 0 no bug, 1 a bug (or crash or hang) found, 2 bad usage or input, 3 internal error.\n\n"
      "Options (--name value, --name=value; - and _ are the same in names):\n",
      describe_flags(kRunFlags));
}

std::string list_usage() {
  return "usage: weft list BINARY...\n\nLists the WEFT_TESTs of each test binary, one Suite.Name per line\n"
         "(DISABLED_ tests marked). Exit: 0, or 2 for a missing or non-weft binary.\n";
}

int bad_usage(absl::string_view command, absl::string_view message) {
  std::cerr << "weft " << command << ": " << message << "\n";
  return kBadInput;
}

// BINARY... [TEST_FILTER]: the last argument is the filter when it is no file
// and no path.
void split_positional(std::vector<std::string> args, std::vector<std::string>& binaries, std::string& filter) {
  if (args.size() >= 2 && !std::filesystem::exists(args.back()) && args.back().find('/') == std::string::npos) {
    filter = args.back();
    args.pop_back();
  }
  binaries = std::move(args);
}

std::string weft_invocation() { return program_invocation_name; }

int list_run(const std::vector<std::string>& args) {
  auto binaries = parse_flag_args(args, {});
  if (!binaries.ok()) return bad_usage("list", binaries.status().message());
  if (binaries->empty()) return bad_usage("list", "no test binary given; usage: weft list BINARY...");
  for (const std::string& binary : *binaries) {
    absl::StatusOr<std::vector<TestInfo>> tests = list_tests(binary);
    if (!tests.ok()) {
      std::cerr << "weft list: " << tests.status().message() << "\n";
      return tests.status().code() == absl::StatusCode::kInvalidArgument ? kBadInput : kInternalError;
    }
    if (binaries->size() > 1) std::cout << binary << ":\n";
    for (const TestInfo& t : *tests) {
      std::cout << (binaries->size() > 1 ? "  " : "") << t.name << (t.disabled ? "  (disabled)" : "") << "\n";
    }
  }
  return kOk;
}

int run_run(const std::vector<std::string>& args) {
  auto positional = parse_flag_args(args, kRunFlags);
  if (!positional.ok()) {
    return bad_usage("run", absl::StrCat(positional.status().message(), "; run `weft help run` for the options"));
  }
  std::vector<std::string> binaries;
  std::string filter;
  split_positional(*positional, binaries, filter);
  if (binaries.empty()) return bad_usage("run", "no test binary given; usage: weft run BINARY... [TEST_FILTER]");

  ExploreSettings settings;
  settings.weft_binary = weft_invocation();
  if (std::string s = absl::GetFlag(FLAGS_strategy); !s.empty()) {
    if (s != "portfolio") {
      if (auto made = detail::make_strategy(s); !made.ok())
        return bad_usage("run", absl::StrCat("--strategy: ", made.status().message()));
    }
    settings.strategy = s;
  }
  settings.check_determinism = absl::GetFlag(FLAGS_check_determinism);
  if (uint64_t n = absl::GetFlag(FLAGS_iterations); n > 0) settings.iterations = n;
  const absl::Duration time = absl::GetFlag(FLAGS_time);
  if (time < absl::ZeroDuration()) return bad_usage("run", "--time must not be negative");
  settings.time = absl::ToChronoMilliseconds(time);
  if (std::string s = absl::GetFlag(FLAGS_seed); !s.empty()) {
    uint64_t seed = 0;
    const bool hex = s.size() > 2 && (s.substr(0, 2) == "0x" || s.substr(0, 2) == "0X");
    if (!(hex ? absl::SimpleHexAtoi(s.substr(2), &seed) : absl::SimpleAtoi(s, &seed))) {
      return bad_usage("run", absl::StrCat("--seed='", s, "' is not a non-negative integer (decimal or 0x-hex)"));
    }
    settings.seed = seed;
  }
  const int jobs = absl::GetFlag(FLAGS_jobs);
  if (jobs < 0) return bad_usage("run", "--jobs must be at least 1 (0: one per core)");
  settings.jobs = jobs > 0 ? jobs : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  absl::StatusOr<Shard> shard = resolve_shard(absl::GetFlag(FLAGS_shard));
  if (!shard.ok()) return bad_usage("run", shard.status().message());
  settings.shard = *shard;
  const absl::Duration stall = absl::GetFlag(FLAGS_stall_timeout);
  if (stall < absl::ZeroDuration()) return bad_usage("run", "--stall_timeout must not be negative");
  settings.stall_timeout = absl::ToChronoMilliseconds(stall);
  settings.keep_going = absl::GetFlag(FLAGS_keep_going);
  const std::string report_dir = absl::GetFlag(FLAGS_report_dir);
  if (!report_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(report_dir, ec);
    if (ec) return bad_usage("run", absl::StrCat("cannot create --report_dir ", report_dir, ": ", ec.message()));
    settings.html = true;
  }

  // Every binary is checked and listed before anything runs: a typo fails fast.
  std::vector<std::vector<TestInfo>> selected;
  std::vector<std::unique_ptr<WorkerProcess>> workers;  // each binary's listing worker, reused
  size_t total = 0;
  for (const std::string& binary : binaries) {
    absl::StatusOr<std::vector<TestInfo>> tests = list_tests(binary, &workers.emplace_back());
    if (!tests.ok()) {
      std::cerr << "weft run: " << tests.status().message() << "\n";
      return tests.status().code() == absl::StatusCode::kInvalidArgument ? kBadInput : kInternalError;
    }
    std::vector<TestInfo> chosen;
    for (const TestInfo& t : *tests) {
      if (t.disabled && !absl::GetFlag(FLAGS_also_run_disabled)) continue;
      if (matches_filter(t.name, filter)) chosen.push_back(t);
    }
    total += chosen.size();
    selected.push_back(std::move(chosen));
  }
  if (total == 0) {
    return bad_usage("run", absl::StrCat("no test matches '", filter.empty() ? "*" : filter,
                                         "'; `weft list BINARY` shows the tests (DISABLED_ ones need "
                                         "--also_run_disabled)"));
  }

  Progress progress(stderr, static_cast<int>(total));
  std::vector<TestOutcome> outcomes;
  const auto start = std::chrono::steady_clock::now();
  size_t done = 0;
  for (size_t i = 0; i < binaries.size(); ++i) {
    ExploreSettings for_binary = settings;
    if (settings.time.count() > 0) {
      // The time left, shared by the tests left.
      const auto left = settings.time -
                        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
      for_binary.time = std::max(std::chrono::milliseconds(1),
                                 left * static_cast<int64_t>(selected[i].size()) / static_cast<int64_t>(total - done));
    }
    done += selected[i].size();
    bool stop = false;
    if (!settings.keep_going) {
      for (const TestOutcome& o : outcomes) stop |= o.status != TestOutcome::Status::kPassed;
    }
    if (stop) {
      for (const TestInfo& t : selected[i]) outcomes.push_back({.binary = binaries[i], .test = t.name});
      continue;
    }
    absl::Status s = explore_binary(binaries[i], selected[i], for_binary, progress, outcomes, std::move(workers[i]));
    if (!s.ok()) {
      progress.finish();
      std::cerr << "weft run: " << s.message() << "\n";
      return s.code() == absl::StatusCode::kInvalidArgument ? kBadInput : kInternalError;
    }
  }
  progress.finish();
  print_summary(stdout, outcomes);
  std::fflush(stdout);
  int code = kOk;
  for (const TestOutcome& o : outcomes) {
    if (o.status == TestOutcome::Status::kError) code = std::max<int>(code, kBadInput);
    if (o.status == TestOutcome::Status::kBug || o.status == TestOutcome::Status::kCrash ||
        o.status == TestOutcome::Status::kHang) {
      code = std::max<int>(code, kBugFound);
    }
  }
  for (const auto& [flag, write] :
       {std::pair{absl::GetFlag(FLAGS_json), &write_json}, std::pair{absl::GetFlag(FLAGS_junit), &write_junit},
        std::pair{report_dir, &write_report_dir}}) {
    if (flag.empty()) continue;
    if (absl::Status s = write(flag, outcomes); !s.ok()) {
      std::cerr << "weft run: " << s.message() << "\n";
      code = kBadInput;
    }
  }
  return code;
}

}  // namespace

extern const Command kRunCommand{"run", "explore the WEFT_TESTs of test binaries in worker processes", run_usage,
                                 run_run};
extern const Command kListCommand{"list", "list the WEFT_TESTs of test binaries", list_usage, list_run};

}  // namespace weft::tool
