// weft::unmodified against its targets (issue 13), measured in one run:
//
//  (a) executions to the first bug of each seed pattern written with std::
//      types against its weft:: twin (examples/unmodified/seed_patterns.h),
//      same seed and strategy, each strategy on its own (target: within 20%);
//  (b) executions per second of the fixed version of each pattern, std::
//      against weft:: (target: at least 0.5x);
//  (c) nanoseconds per plain-memory access of an access-heavy body
//      (access_body.h) under weft against the same body under the real
//      ThreadSanitizer runtime, whose program (tsan_access_bench) this one
//      runs (target: within 2x).
//
// Run: weft_unmodified_twins_bench [--only=abc]   (prints the tables; docs/unmodified.md)
#include <unistd.h>
#include <weft/weft.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "access_body.h"
#include "seed_patterns.h"
#include "weft_twins.h"

namespace {

using seed::Recheck;
using seed::StdTypes;
using seed::Update;

struct Twins {
  const char* name;
  std::function<void()> std_buggy;
  std::function<void()> weft_buggy;
  std::function<void()> std_fixed;
  std::function<void()> weft_fixed;
  weft::Options options;
};

// The lost update must show in the total and the deadlock must happen,
// rather than be reported first by the race or the lock-order detector.
weft::Options without_race_detector() {
  weft::Options o;
  o.detect_races = false;
  return o;
}
weft::Options without_lock_order_detector() {
  weft::Options o;
  o.detect_lock_order = false;
  return o;
}

std::vector<Twins> twins() {
  using seed::Guard;
  using seed::Locking;
  return {
      {"lost update", seed::lost_update<StdTypes>, weft_twins::lost_update, seed::lost_update<StdTypes, Guard::kMutex>,
       weft_twins::lost_update_locked, without_race_detector()},
      {"lock-order deadlock", seed::lock_order_deadlock<StdTypes>, weft_twins::lock_order_deadlock,
       seed::lock_order_deadlock<StdTypes, Locking::kScopedLock>, weft_twins::lock_order_scoped,
       without_lock_order_detector()},
      {"lost wakeup (if, not while)", seed::lost_wakeup<StdTypes, Recheck::kIf>, weft_twins::lost_wakeup_if,
       seed::lost_wakeup<StdTypes, Recheck::kWhile>, weft_twins::lost_wakeup_while, weft::Options{}},
      {"Treiber stack ABA", seed::treiber_aba<StdTypes, seed::PointerHead>, weft_twins::treiber_aba_pointer_head,
       seed::treiber_aba<StdTypes, seed::TaggedHead>, weft_twins::treiber_aba_tagged_head, weft::Options{}},
      {"actor mailbox (get then set)", seed::actor_mailbox<StdTypes, Update::kGetThenSet>,
       weft_twins::actor_get_then_set, seed::actor_mailbox<StdTypes, Update::kOneMessage>,
       weft_twins::actor_one_message, weft::Options{}},
  };
}

constexpr uint64_t kBugBudget = 5000;

std::string executions_to_bug(const weft::Options& base, const char* strategy, const std::function<void()>& body) {
  weft::Options o = base;
  o.strategy = strategy;
  o.iterations = kBugBudget;
  const weft::Result r = weft::explore(o, body);
  if (!r.bug_found()) return "none";
  return std::to_string(r.executions);
}

double executions_per_second(const weft::Options& base, const std::function<void()>& body, uint64_t iterations) {
  weft::Options o = base;
  o.strategy = "random";
  o.iterations = iterations;
  std::vector<double> rates;
  for (int repetition = 0; repetition < 3; ++repetition) {
    const weft::Result r = weft::explore(o, body);
    if (r.bug_found()) return -1;
    rates.push_back(static_cast<double>(r.executions) / std::chrono::duration<double>(r.elapsed).count());
  }
  std::sort(rates.begin(), rates.end());
  return rates[1];
}

void print_executions_to_bug(const std::vector<Twins>& all) {
  std::printf("(a) executions to the first bug, same seed (0x5eed) and strategy, budget %llu\n\n",
              static_cast<unsigned long long>(kBugBudget));
  std::printf("%-30s %-10s %8s %8s %7s\n", "pattern", "strategy", "std::", "weft::", "ratio");
  int within = 0;
  int compared = 0;
  for (const Twins& t : all) {
    std::vector<const char*> strategies(weft::kSamplingStrategies.begin(), weft::kSamplingStrategies.end());
    strategies.push_back("portfolio");
    for (const char* strategy : strategies) {
      const std::string s = executions_to_bug(t.options, strategy, t.std_buggy);
      const std::string w = executions_to_bug(t.options, strategy, t.weft_buggy);
      std::string ratio = "-";
      if (s != "none" && w != "none") {
        const double q = std::stod(s) / std::stod(w);
        char buffer[16];
        std::snprintf(buffer, sizeof buffer, "%.2f", q);
        ratio = buffer;
        ++compared;
        if (q >= 0.8 && q <= 1.2) ++within;
      } else if (s == w) {
        ratio = "both none";
      }
      std::printf("%-30s %-10s %8s %8s %7s\n", t.name, strategy, s.c_str(), w.c_str(), ratio.c_str());
    }
  }
  std::printf("\nwithin +-20%%: %d of %d pairs where both found the bug\n\n", within, compared);
}

void print_executions_per_second(const std::vector<Twins>& all) {
  constexpr uint64_t kIterations = 2000;
  std::printf("(b) executions per second of the fixed versions, random strategy, %llu executions, median of 3\n\n",
              static_cast<unsigned long long>(kIterations));
  std::printf("%-30s %12s %12s %7s\n", "body", "std::", "weft::", "ratio");
  for (const Twins& t : all) {
    const double s = executions_per_second(t.options, t.std_fixed, kIterations);
    const double w = executions_per_second(t.options, t.weft_fixed, kIterations);
    std::printf("%-30s %12.0f %12.0f %7.2f\n", t.name, s, w, s / w);
  }
  std::printf("\n");
}

double weft_ns_per_access() {
  weft::Options o;
  o.strategy = "random";
  o.iterations = 200;
  long sink = 0;
  const auto time_runs = [&](int sweeps) {
    const weft::Result r = weft::explore(o, [&] { sink += access_bench::run(sweeps); });
    return std::chrono::duration<double, std::nano>(r.elapsed).count() / static_cast<double>(r.executions);
  };
  std::vector<double> per_access;
  for (int repetition = 0; repetition < 5; ++repetition) {
    const double with = time_runs(access_bench::kSweeps);
    const double without = time_runs(0);
    per_access.push_back((with - without) / access_bench::kAccessesPerRun);
  }
  std::sort(per_access.begin(), per_access.end());
  if (sink == 42) std::printf(" ");  // keeps `sink` alive
  return per_access[2];
}

void print_per_access(const char* tsan_program) {
  std::printf("(c) ns per plain access, access-heavy body (%zu accesses per run), median of 5\n\n",
              access_bench::kAccessesPerRun);
  const double weft_ns = weft_ns_per_access();
  std::printf("weft::unmodified (race detector on)   %8.2f\n", weft_ns);
  FILE* pipe = popen(tsan_program, "r");
  char line[256] = {};
  double tsan_ns = 0;
  if (pipe == nullptr || std::fgets(line, sizeof line, pipe) == nullptr ||
      std::sscanf(line, "ns_per_access=%lf", &tsan_ns) != 1) {
    std::printf("ThreadSanitizer                        not measured: could not run %s\n", tsan_program);
  } else {
    std::printf("ThreadSanitizer (real runtime)        %8.2f\n", tsan_ns);
    std::printf("weft / ThreadSanitizer                %8.2f\n", weft_ns / tsan_ns);
  }
  if (pipe != nullptr) pclose(pipe);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string program_flag = "--tsan_program=";
  const std::string only_flag = "--only=";
  std::string tsan_program = WEFT_TSAN_ACCESS_BENCH;
  std::string only = "abc";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind(program_flag, 0) == 0) {
      tsan_program = arg.substr(program_flag.size());
    } else if (arg.rfind(only_flag, 0) == 0 && !arg.substr(only_flag.size()).empty() &&
               arg.find_first_not_of("abc", only_flag.size()) == std::string::npos) {
      only = arg.substr(only_flag.size());
    } else {
      std::fprintf(stderr,
                   "%s: unexpected argument \"%s\"\nusage: %s [--tsan_program=PATH] [--only=PARTS]  (PATH: the "
                   "weft_tsan_access_bench program; default: the one built beside this one. PARTS: which of the "
                   "measurements a, b, c to run, e.g. --only=bc; default: all)\n",
                   argv[0], argv[i], argv[0]);
      return 2;
    }
  }
  const bool run_c = only.find('c') != std::string::npos;
  if (run_c && access(tsan_program.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "%s: --tsan_program: no program at \"%s\" (build the target weft_tsan_access_bench)\n",
                 argv[0], tsan_program.c_str());
    return 2;
  }
  const std::vector<Twins> all = twins();
  if (only.find('a') != std::string::npos) print_executions_to_bug(all);
  if (only.find('b') != std::string::npos) print_executions_per_second(all);
  if (run_c) print_per_access(tsan_program.c_str());
  return 0;
}
