// The --weft_* flags, parsed by weft::gtest_main (absl::ParseCommandLine).
// Each has a WEFT_* environment variable twin; an empty flag defers to it.
#pragma once

#include <string>

#include "absl/flags/declare.h"

ABSL_DECLARE_FLAG(std::string, weft_iterations);
ABSL_DECLARE_FLAG(std::string, weft_strategy);
ABSL_DECLARE_FLAG(std::string, weft_seed);
ABSL_DECLARE_FLAG(std::string, weft_max_steps);
ABSL_DECLARE_FLAG(std::string, weft_time_budget_ms);
ABSL_DECLARE_FLAG(std::string, weft_replay);
ABSL_DECLARE_FLAG(std::string, weft_html_dir);
