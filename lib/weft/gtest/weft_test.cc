#include "weft/gtest/weft_test.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "weft/gtest/flags.h"
#include "weft/report/token.h"
#include "weft/strategy/strategy.h"

namespace weft::gtest {
namespace {

// The --weft_* flag when given, else the WEFT_* environment variable.
std::string setting(const absl::Flag<std::string>& flag, const char* env) {
  std::string value = absl::GetFlag(flag);
  if (!value.empty()) return value;
  const char* from_env = std::getenv(env);
  return from_env != nullptr ? from_env : "";
}

absl::Status parse_count(const std::string& text, const char* what, uint64_t& out, bool allow_zero) {
  uint64_t v = 0;
  if (!absl::SimpleAtoi(text, &v) || (!allow_zero && v == 0)) {
    return absl::InvalidArgumentError(absl::StrCat(what, "='", text, "' is not a ",
                                                   allow_zero ? "non-negative" : "positive", " integer"));
  }
  out = v;
  return absl::OkStatus();
}

}  // namespace

absl::Status apply_overrides(Options& options, std::string& replay_token) {
  if (std::string v = setting(FLAGS_weft_iterations, "WEFT_ITERATIONS"); !v.empty()) {
    if (absl::Status s = parse_count(v, "WEFT_ITERATIONS", options.iterations, false); !s.ok()) return s;
  }
  if (std::string v = setting(FLAGS_weft_max_steps, "WEFT_MAX_STEPS"); !v.empty()) {
    if (absl::Status s = parse_count(v, "WEFT_MAX_STEPS", options.max_steps, false); !s.ok()) return s;
  }
  if (std::string v = setting(FLAGS_weft_seed, "WEFT_SEED"); !v.empty()) {
    if (absl::Status s = parse_count(v, "WEFT_SEED", options.seed, true); !s.ok()) return s;
  }
  if (std::string v = setting(FLAGS_weft_time_budget_ms, "WEFT_TIME_BUDGET_MS"); !v.empty()) {
    uint64_t ms = 0;
    if (absl::Status s = parse_count(v, "WEFT_TIME_BUDGET_MS", ms, true); !s.ok()) return s;
    options.time_budget = std::chrono::milliseconds(ms);
  }
  if (std::string v = setting(FLAGS_weft_strategy, "WEFT_STRATEGY"); !v.empty()) {
    if (v != "portfolio") {
      absl::StatusOr<std::unique_ptr<detail::Strategy>> s = detail::make_strategy(v);
      if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat("WEFT_STRATEGY: ", s.status().message()));
    }
    options.strategy = v;
  }
  replay_token = setting(FLAGS_weft_replay, "WEFT_REPLAY");
  if (!replay_token.empty()) {
    absl::StatusOr<detail::ScheduleToken> t = detail::parse_token(replay_token);
    if (!t.ok()) return absl::InvalidArgumentError(absl::StrCat("WEFT_REPLAY: ", t.status().message()));
  }
  return absl::OkStatus();
}

void run_test(const char* suite, const char* name, const Options& defaults, const std::function<void()>& body) {
  Options options = defaults;
  std::string replay_token;
  if (absl::Status s = apply_overrides(options, replay_token); !s.ok()) {
    // A typo in an override must not pass silently as a green test.
    std::fprintf(stderr, "weft: %s\n", std::string(s.message()).c_str());
    std::exit(2);
  }
  if (options.replay_command.empty()) {
    const bool disabled = absl::StartsWith(name, "DISABLED_");
    options.replay_command = absl::StrCat("WEFT_REPLAY={token} ", program_invocation_name, " --gtest_filter=", suite,
                                          ".", name, disabled ? " --gtest_also_run_disabled_tests" : "");
  }
  const Result result = replay_token.empty() ? explore(options, body) : replay(replay_token, body, options);
  if (!result.error.ok()) {
    FAIL() << "weft could not run the test: " << result.error.message();
  }
  if (result.failure) {
    // Point GoogleTest at the failing line of the body, not at this file.
    const Failure& f = *result.failure;
    if (f.where.known()) {
      ADD_FAILURE_AT(f.where.file.c_str(), f.where.line) << f.report << "(after " << result.executions
                                                          << " executions)";
    } else {
      ADD_FAILURE() << f.report << "(after " << result.executions << " executions)";
    }
  }
  // Races recorded without stopping (Options::stop_on_race = false) fail the test as well.
  for (const Failure& race : result.races) ADD_FAILURE() << race.report;
}

}  // namespace weft::gtest
