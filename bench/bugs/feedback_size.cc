// How big the interleaving feedback map must be: for every program of the
// bug table (buggy body and fixed twin), the distinct features that random
// schedules reach, and the share of them that would share a slot with
// another feature of the same program at each map size. docs/fuzzing.md
// quotes its output.
//
//   weft_feedback_size [--executions=2000]
#include <cstdio>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bugs/program.h"
#include "weft/base/rng.h"
#include "weft/runtime/execution.h"
#include "weft/runtime/stack_pool.h"
#include "weft/strategy/interleaving_feedback.h"
#include "weft/strategy/strategy.h"

ABSL_FLAG(int, executions, 2000, "random executions of each body");

namespace {

using weft::detail::ThreadId;

// A uniform random walk that keeps the features of every execution.
class Collector final : public weft::detail::Strategy {
 public:
  absl::flat_hash_set<uint64_t> seen;

  void begin_execution(uint64_t seed, uint64_t index) override {
    rng_.reseed(weft::detail::mix_seed(seed, index));
    feedback_.begin();
  }
  bool wants_steps() const override { return true; }
  void step_taken(const weft::detail::RawEvent& step) override {
    const weft::detail::StepFeatures f = feedback_.add(step);
    seen.insert(f.features.begin(), f.features.begin() + f.count);
  }
  ThreadId pick_thread(std::span<const ThreadId> enabled, ThreadId) override {
    return enabled[rng_.below(static_cast<uint32_t>(enabled.size()))];
  }
  uint32_t pick_value(uint32_t n) override { return rng_.below(n); }
  std::string name() const override { return "collector"; }
  std::string replay_spec() const override { return "collector"; }

 private:
  weft::detail::Rng rng_;
  weft::detail::InterleavingFeedback feedback_;
};

constexpr size_t kSizes[] = {256, 1024, 4096, 16384, 65536};

// The share of `features` whose slot holds another feature too.
double colliding(const absl::flat_hash_set<uint64_t>& features, size_t slots) {
  absl::flat_hash_map<size_t, int> per_slot;
  for (uint64_t f : features) ++per_slot[f % slots];
  int shared = 0;
  for (const auto& [slot, n] : per_slot) shared += n > 1 ? n : 0;
  return features.empty() ? 0 : 100.0 * shared / static_cast<double>(features.size());
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int executions = absl::GetFlag(FLAGS_executions);
  weft::detail::StackPool stacks(256 * 1024);
  std::printf(
      "| program | features | colliding at 256 | 1024 | 4096 | 16384 | 65536 |\n|---|---:|---:|---:|---:|---:|---:|\n");
  size_t most = 0;
  for (const weft_bugs::Program& p : weft_bugs::programs()) {
    Collector collector;
    weft::detail::ExecutionConfig config;
    config.detect_races = false;
    weft::detail::Execution execution(config, stacks);
    for (const auto* body : {&p.buggy, &p.fixed}) {
      for (int i = 0; i < executions; ++i) {
        collector.begin_execution(1, static_cast<uint64_t>(i));
        execution.run(*body, collector, static_cast<uint64_t>(i));
        collector.end_execution(execution.choice_points());
      }
    }
    most = std::max(most, collector.seen.size());
    std::printf("| `%s` | %zu |", p.name.c_str(), collector.seen.size());
    for (size_t slots : kSizes) std::printf(" %.1f%% |", colliding(collector.seen, slots));
    std::printf("\n");
  }
  std::printf("\nThe most features of one program: %zu.\n", most);
}
