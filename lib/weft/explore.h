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
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "weft/base/strategy_names.h"
#include "weft/report/failure.h"

namespace weft {

struct Options {
  // One of kStrategyForms: "portfolio" (executions rotate through
  // kPortfolioStrategies), "random", or "pct:<depth>" (depth >= 1).
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
};

// Runs `body` under `options.iterations` schedules (or until the time
// budget is spent), stopping at the first failure.
Result explore(const Options& options, const std::function<void()>& body);

// Runs `body` once under the schedule `token` describes (either form).
// A token that does not parse gives Result::error; a token that no longer
// fits the program gives a kReplayDiverged failure naming the step.
Result replay(std::string_view token, const std::function<void()>& body, const Options& options = {});

}  // namespace weft
