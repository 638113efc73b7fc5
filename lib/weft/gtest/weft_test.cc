#include "weft/gtest/weft_test.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "weft/gtest/flags.h"
#include "weft/report/html.h"
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
    return absl::InvalidArgumentError(
        absl::StrCat(what, "='", text, "' is not a ", allow_zero ? "non-negative" : "positive", " integer"));
  }
  out = v;
  return absl::OkStatus();
}

// WEFT_HTML_DIR / --weft_html_dir: an existing directory, or empty.
absl::StatusOr<std::string> html_dir_setting() {
  std::string dir = setting(FLAGS_weft_html_dir, "WEFT_HTML_DIR");
  std::error_code error;
  if (!dir.empty() && !std::filesystem::is_directory(dir, error)) {
    return absl::InvalidArgumentError(absl::StrCat("WEFT_HTML_DIR='", dir, "' is not a directory"));
  }
  return dir;
}

// Writes the failure's HTML view as <dir>/<suite>.<name>.html; says where,
// or why not, in one line for the test's failure message.
std::string write_html(const std::string& dir, const char* suite, const char* name, const Failure& failure) {
  const std::filesystem::path path = std::filesystem::path(dir) / absl::StrCat(suite, ".", name, ".html");
  std::ofstream out(path);
  out << failure_to_html(failure);
  out.close();
  if (!out) return absl::StrCat("could not write the HTML view to ", path.string(), "\n");
  return absl::StrCat("HTML view: ", path.string(), "\n");
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
  absl::StatusOr<std::string> html_dir = html_dir_setting();
  absl::Status status = html_dir.ok() ? apply_overrides(options, replay_token) : html_dir.status();
  if (!status.ok()) {
    // A typo in an override must not pass silently as a green test.
    std::fprintf(stderr, "weft: %s\n", std::string(status.message()).c_str());
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
  // A bounded exhaustive search (dfs:K) says what it covered: the
  // difference between "no bug in these schedules" and "no bug at all
  // within the bound" is the point of running one.
  if (!result.search.empty()) std::printf("[ weft     ] %s\n", result.search.c_str());
  if (result.failure) {
    // Point GoogleTest at the failing line of the body, not at this file.
    const Failure& f = *result.failure;
    const std::string html = html_dir->empty() ? "" : write_html(*html_dir, suite, name, f);
    if (f.where.known()) {
      ADD_FAILURE_AT(f.where.file.c_str(), f.where.line)
          << f.report << html << "(after " << result.executions << " executions)";
    } else {
      ADD_FAILURE() << f.report << html << "(after " << result.executions << " executions)";
    }
  }
  // Races recorded without stopping (Options::stop_on_race = false) fail the test as well.
  for (size_t i = 0; i < result.races.size(); ++i) {
    const std::string html =
        html_dir->empty() ? ""
                          : write_html(*html_dir, suite, absl::StrCat(name, ".race", i + 1).c_str(), result.races[i]);
    ADD_FAILURE() << result.races[i].report << html;
  }
}

}  // namespace weft::gtest
