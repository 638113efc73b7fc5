// The schedules each strategy runs on every program of the bug table, as
// one line per (program, twin, strategy, seed): how many executions ran,
// their steps, a hash of every execution's decisions, and the failure's
// token. A change to the runtime or to a strategy that must not change any
// schedule (docs/bug-finding.md's numbers depend on them) is checked by
// diffing this output before and after it.
//
//   weft_schedule_digest [--executions=200] [--seeds=3] > before.txt
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bugs/program.h"
#include "weft/base/rng.h"
#include "weft/weft.h"

ABSL_FLAG(int, executions, 200, "executions per exploration");
ABSL_FLAG(int, seeds, 3, "seeds per (program, strategy)");

namespace {

// Folds every execution's decisions into one hash.
class Digest final : public weft::ExecutionObserver {
 public:
  uint64_t hash = 0;
  uint64_t steps = 0;
  void starting(uint64_t, std::string_view, std::string_view) override {}
  void finished(uint64_t index, const std::vector<uint32_t>& decisions, uint64_t taken) override {
    // weft's own mix (absl::Hash is seeded per process): the same in every run.
    hash = weft::detail::mix64(hash ^ index);
    for (uint32_t d : decisions) hash = weft::detail::mix64(hash * 31 + d);
    steps += taken;
  }
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // a crash still leaves every line before it
  const char* strategies[] = {"random", "pct:3", "pos", "surw", "fuzz", "portfolio", "dfs:2", "dpor"};
  for (const weft_bugs::Program& p : weft_bugs::programs()) {
    for (int twin = 0; twin < 2; ++twin) {
      for (const char* strategy : strategies) {
        for (int seed = 1; seed <= absl::GetFlag(FLAGS_seeds); ++seed) {
          Digest digest;
          weft::Options base;
          base.strategy = strategy;
          base.seed = static_cast<uint64_t>(seed);
          base.iterations = static_cast<uint64_t>(absl::GetFlag(FLAGS_executions));
          base.observer = &digest;
          const weft::Result r = weft::explore(p.options(base), twin == 0 ? p.buggy : p.fixed);
          std::printf("%s %s %s %d: %llu executions, %llu steps, %016llx %s\n", p.name.c_str(),
                      twin == 0 ? "buggy" : "fixed", strategy, seed, static_cast<unsigned long long>(r.executions),
                      static_cast<unsigned long long>(digest.steps), static_cast<unsigned long long>(digest.hash),
                      r.failure ? r.failure->token.c_str() : "-");
        }
      }
    }
  }
}
