// Exploring schedules of a test body: the entry point of weft.
//
//   weft::Options options;
//   options.iterations = 5000;
//   weft::Result result = weft::explore(options, [] {
//     weft::var<int> x{0};
//     weft::thread t([&] { x = x + 1; });
//     x = x + 1;
//     t.join();
//     WEFT_ASSERT(x == 2);
//   });
//   if (result.failure) std::cerr << result.failure->report;
//
//   // Later, anywhere: the same interleaving, the same failure.
//   weft::Result again = weft::replay(result.failure->token, body);
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "weft/base/strategy_names.h"
#include "weft/report/failure.h"

namespace weft {

// Told about each execution of an exploration: how a runner that splits one
// exploration across processes (the `weft` tool's workers) makes the execution
// in flight durable and counts distinct schedules. Called on the exploring
// thread; keep it cheap (it runs once per execution).
class ExecutionObserver {
 public:
  virtual ~ExecutionObserver() = default;
  // Before execution `index` runs. Its seed token is `token_prefix` + the
  // decimal index + `token_suffix`; both views stay valid until the next call
  // and change only when the strategy's replay spec does.
  virtual void starting(uint64_t index, std::string_view token_prefix, std::string_view token_suffix) = 0;
  // After it ran: the decisions that made its schedule, and its steps.
  virtual void finished(uint64_t index, const std::vector<uint32_t>& decisions, uint64_t steps) = 0;
  // The watchdog (Options::stall_timeout) found the execution stuck: `report`
  // says where and why, `token` replays it. Called on the watchdog's thread
  // just before the process ends.
  virtual void stalled(std::string_view report, std::string_view token) {
    (void)report;
    (void)token;
  }
};

struct Options {
  // One of kStrategyForms: "portfolio" (executions rotate through
  // kPortfolioStrategies; see docs/bug-finding.md), "random", "pct:<depth>"
  // (depth >= 1), "pos" (partial order sampling), "surw" (selectively
  // uniform random walk) or "dfs:<bound>" (every schedule with at most
  // <bound> preemptions, until `iterations` run out; see Result::exhausted).
  std::string strategy = "portfolio";
  uint64_t iterations = 1000;
  uint64_t seed = 0x5eed;
  // An execution longer than this many steps is reported as a livelock.
  uint64_t max_steps = 100000;
  // Stop exploring after this much real time (zero: no limit); at least one
  // execution runs.
  std::chrono::milliseconds time_budget{0};
  // Let condition_variable waits wake spuriously, as the standard allows.
  bool spurious_wakeups = false;
  // Check every weft::var access and annotated range for data races.
  bool detect_races = true;
  // A data race fails the execution and ends the exploration. When false,
  // exploration goes on (to look for assertion failures, deadlocks, ...) and
  // the first occurrence of each race (pair of source sites) is recorded in
  // Result::races instead.
  bool stop_on_race = true;
  // Report lock-order inversions (potential deadlocks) across executions.
  bool detect_lock_order = true;
  // Usable stack bytes per weft thread (guard pages come on top).
  std::size_t stack_size = 256 * 1024;
  // Printed as the replay line in reports, e.g. "WEFT_REPLAY={token} ./t".
  // "{token}" is replaced by the token. Empty: use weft::replay(token, body).
  std::string replay_command;
  // The index of the first execution. An exploration is a sequence of
  // executions numbered from 0, each a function of (seed, index); running
  // [first_execution, first_execution + iterations) in several processes
  // explores the same executions as one process (see docs/cli.md for the one
  // difference, PCT's learned k).
  uint64_t first_execution = 0;
  // Not owned; may be null.
  ExecutionObserver* observer = nullptr;
  // When one execution runs this long (wall clock) the body is stuck outside
  // weft's control (a real lock, an uncontrolled spin, blocking I/O): weft
  // prints a report with the execution's seed token, the OS thread's native
  // stack and the likely cause, then ends the process (exit code 1), since the
  // stuck thread cannot be unwound. Zero: no watchdog.
  std::chrono::milliseconds stall_timeout{10000};
};

struct Result {
  bool bug_found() const { return failure.has_value(); }
  uint64_t executions = 0;   // executions run, the failing one included
  uint64_t total_steps = 0;  // scheduling points over all executions
  std::chrono::nanoseconds elapsed{0};
  std::optional<Failure> failure;
  // Races recorded without stopping (Options::stop_on_race == false): one per
  // distinct pair of source sites, in the order found. Each token replays its
  // whole execution; replay it with stop_on_race = false to see every race.
  std::vector<Failure> races;
  // Not OK when the exploration could not run: bad options or a bad token.
  absl::Status error;
  // Exhaustive search (dfs:K, dpor) only. `exhausted`: every schedule with
  // at most K preemptions ran (with DPOR: one of each class of equivalent
  // schedules), and none failed. `schedules`: the distinct schedules run
  // (executions also counts the re-runs of each bound's pass). `classes`:
  // the Mazurkiewicz traces among them (schedules equal up to the order of
  // steps that commute). `search`: one sentence, "exhausted: no bug with <= 2
  // preemptions (340 schedules, 52 classes)", or what the search covered when
  // a bug or the budget stopped it. Empty for the sampling strategies.
  bool exhausted = false;
  uint64_t schedules = 0;
  uint64_t classes = 0;
  std::string search;
};

// Runs `body` under `options.iterations` schedules (or until the time
// budget is spent), stopping at the first failure.
Result explore(const Options& options, const std::function<void()>& body);

// Runs `body` once under the schedule `token` describes (any form).
// A token that does not parse gives Result::error; a token that no longer
// fits the program gives a kReplayDiverged failure naming the step.
Result replay(std::string_view token, const std::function<void()>& body, const Options& options = {});

// Runs `body` once with every scheduling choice and weft::choose value read
// from `input`, a fuzzer's bytes (byte b picks the (b mod n)-th enabled
// thread counted from the running one; when the bytes run out the running
// thread goes on). A failure's token is the input form (w1i-...), which
// replay() accepts. When `feedback` is not empty (4096 bytes, see
// docs/fuzzing.md), the execution's interleaving feedback is added to it:
// WEFT_FUZZ_TEST (gtest/fuzz_test.h) passes libFuzzer's extra counters.
Result run_input(std::string_view input, const std::function<void()>& body, const Options& options = {},
                 std::span<uint8_t> feedback = {});

}  // namespace weft
