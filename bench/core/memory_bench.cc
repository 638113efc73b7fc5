// Peak memory (RSS) of the explorer at scale, for docs/performance.md's
// memory checks: one execution of many steps, one execution of many threads,
// or many executions; prints the peak RSS before and after and, for steps,
// the bytes kept per step.
//
//   weft_memory_bench --steps=1000000        # 2 threads x lock/++/unlock, max_steps raised
//   weft_memory_bench --steps=1000000 --strategy=surw   # (default: random) two executions
//                                            # then: SURW and the fuzzer profile in their first
//   weft_memory_bench --threads=10000        # 10,000 threads in one execution, each locks once
//   weft_memory_bench --executions=1000000   # body (b), RSS after 1% and after all executions
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "bodies.h"
#include "flag_args.h"
#include "weft/weft.h"

ABSL_FLAG(uint64_t, steps, 0, "one execution of about this many steps: 2 threads x lock/++/unlock");
ABSL_FLAG(uint64_t, threads, 0, "one execution of this many threads, each locking one mutex once");
ABSL_FLAG(uint64_t, executions, 0, "this many executions of body (b)");
ABSL_FLAG(std::string, strategy, "random", "the strategy (Options::strategy)");

namespace {

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
}

// A bug found: 1; options explore refused (a bad --strategy): 2.
int fail(const weft::Result& r) {
  std::fprintf(stderr, "weft_memory_bench: %s\n",
               !r.error.ok() ? std::string(r.error.message()).c_str() : r.failure->message.c_str());
  return r.error.ok() ? 1 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  const char* usage = "usage: weft_memory_bench --steps=N | --threads=N | --executions=N [--strategy=S]\n";
  auto args = weft::tool::parse_flag_args({argv + 1, argv + argc}, {"steps", "threads", "executions", "strategy"});
  if (!args.ok()) {
    std::fprintf(stderr, "weft_memory_bench: %s\n%s", std::string(args.status().message()).c_str(), usage);
    return 2;
  }
  const uint64_t steps = absl::GetFlag(FLAGS_steps);
  const uint64_t threads = absl::GetFlag(FLAGS_threads);
  const uint64_t executions = absl::GetFlag(FLAGS_executions);
  if (!args->empty() || (steps > 0) + (threads > 0) + (executions > 0) != 1) {
    std::fprintf(stderr, "weft_memory_bench: give exactly one of --steps, --threads, --executions (positive)\n%s",
                 usage);
    return 2;
  }
  const double before = peak_rss_mib();
  weft::Options options;
  options.strategy = absl::GetFlag(FLAGS_strategy);
  options.iterations = 1;
  if (steps > 0) {
    // Two executions when the strategy's first one profiles the program.
    const bool profiles = options.strategy == "surw" || options.strategy == "fuzz" || options.strategy == "portfolio";
    if (profiles) options.iterations = 2;
    const uint64_t rounds = steps / 8 + 1;  // a round is 4 steps per thread
    options.max_steps = steps * 2 + 100;
    // One execution that may run longer than the watchdog's 10 s on a busy
    // machine (it did, before steps were windowed): not a stall.
    options.stall_timeout = std::chrono::milliseconds{0};
    const weft::Result r = weft::explore(options, [rounds] {
      weft::mutex m;
      weft::var<int> x{0};
      weft_bench::run_on_threads<weft_bench::WeftApi, 2>([&](int) {
        for (uint64_t i = 0; i < rounds; ++i) {
          m.lock();
          x = x + 1;
          m.unlock();
        }
      });
    });
    if (!r.error.ok() || r.bug_found()) return fail(r);
    const double after = peak_rss_mib();
    const uint64_t per_execution = r.total_steps / r.executions;
    std::printf("%s: %llu execution(s) of %llu steps: peak RSS %.1f MiB (%.1f MiB before): %.1f bytes per step\n",
                options.strategy.c_str(), static_cast<unsigned long long>(r.executions),
                static_cast<unsigned long long>(per_execution), after, before,
                (after - before) * 1024 * 1024 / static_cast<double>(per_execution));
  } else if (threads > 0) {
    options.max_steps = threads * 1000;  // contended wakeups retry: many steps per thread
    const weft::Result r = weft::explore(options, [threads] {
      weft::mutex m;
      std::vector<weft::thread> all;
      all.reserve(threads - 1);
      for (uint64_t i = 1; i < threads; ++i)
        all.emplace_back([&m] {
          m.lock();
          m.unlock();
        });
      for (weft::thread& t : all) t.join();
    });
    if (!r.error.ok() || r.bug_found()) return fail(r);
    std::printf("one execution of %llu threads (%llu steps): peak RSS %.1f MiB (%.1f MiB before)\n",
                static_cast<unsigned long long>(threads), static_cast<unsigned long long>(r.total_steps),
                peak_rss_mib(), before);
  } else {
    options.iterations = executions / 100 + 1;
    weft::Result r = weft::explore(options, weft_bench::relacy_body<weft_bench::WeftApi, 3>);
    if (!r.error.ok() || r.bug_found()) return fail(r);
    const double early = peak_rss_mib();
    options.iterations = executions;
    r = weft::explore(options, weft_bench::relacy_body<weft_bench::WeftApi, 3>);
    if (!r.error.ok() || r.bug_found()) return fail(r);
    std::printf("%llu executions of body (b): peak RSS %.1f MiB after %llu executions, %.1f MiB after all\n",
                static_cast<unsigned long long>(executions), early,
                static_cast<unsigned long long>(executions) / 100 + 1, peak_rss_mib());
  }
  return 0;
}
