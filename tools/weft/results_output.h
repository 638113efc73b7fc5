// What `weft run` prints and writes at the end: the table per test, each
// bug's report with its replay command, and the --json, --junit and
// --report-dir files (formats in docs/cli.md).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "exploration.h"

namespace weft::tool {

// The report of a bug, crash or hang, ending with the replay command.
std::string outcome_report(const TestOutcome& outcome);
void print_summary(FILE* out, const std::vector<TestOutcome>& outcomes);
absl::Status write_json(const std::string& path, const std::vector<TestOutcome>& outcomes);
absl::Status write_junit(const std::string& path, const std::vector<TestOutcome>& outcomes);
// <dir>/<test>.json and, when the worker made one, <dir>/<test>.html per failing test.
absl::Status write_report_dir(const std::string& dir, const std::vector<TestOutcome>& outcomes);

}  // namespace weft::tool
