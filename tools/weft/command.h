// The subcommands of the `weft` tool. Each is a name, a one-line summary, a
// usage text and a function from its arguments (after the subcommand name) to
// an exit code: 0 no bug found, 1 a bug was found, 2 bad usage or bad input,
// 3 weft's own internal error (docs/guide.md, "Exit codes").
#pragma once

#include <span>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace weft::tool {

enum ExitCode : int { kOk = 0, kBugFound = 1, kBadInput = 2, kInternalError = 3 };

struct Command {
  absl::string_view name;
  absl::string_view summary;
  std::string (*usage)();
  int (*run)(const std::vector<std::string>& args);
};

// All subcommands, in the order `weft help` lists them.
std::span<const Command> commands();

}  // namespace weft::tool
