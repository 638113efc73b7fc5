#include "weft/gtest/flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "weft/base/strategy_names.h"

namespace {

// "portfolio, random or pct:<depth>": the forms weft::kStrategyForms lists.
std::string strategy_forms() {
  const auto last = weft::kStrategyForms.end() - 1;
  return absl::StrCat(absl::StrJoin(weft::kStrategyForms.begin(), last, ", "), " or ", *last);
}

}  // namespace

// Strings, not integers: the flag and its environment twin share one parser
// and one error message (see weft_test.cc).
ABSL_FLAG(std::string, weft_iterations, "", "executions per WEFT_TEST (env WEFT_ITERATIONS)");
ABSL_FLAG(std::string, weft_strategy, "", absl::StrCat(strategy_forms(), " (env WEFT_STRATEGY)"));
ABSL_FLAG(std::string, weft_seed, "", "exploration seed (env WEFT_SEED)");
ABSL_FLAG(std::string, weft_max_steps, "", "steps before an execution is a livelock (env WEFT_MAX_STEPS)");
ABSL_FLAG(std::string, weft_time_budget_ms, "", "stop exploring a test after this long (env WEFT_TIME_BUDGET_MS)");
ABSL_FLAG(std::string, weft_replay, "", "replay this schedule token instead of exploring (env WEFT_REPLAY)");
ABSL_FLAG(std::string, weft_html_dir, "", "write an HTML view of each failure into this directory (env WEFT_HTML_DIR)");
