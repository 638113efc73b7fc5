// Parses a subcommand's arguments: `--name=value`, `--name value`, `--flag`,
// `--noflag` for the flags the subcommand accepts (defined with ABSL_FLAG),
// anything else is a positional argument; `--` ends the flags. Unlike
// absl::ParseCommandLine, a bad flag is a Status (so the tool can exit 2 with
// a message) rather than a process exit.
//
//   auto files = parse_flag_args(args, {"model", "format"});
//   if (!files.ok()) { print(files.status()); return kBadInput; }
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace weft::tool {

absl::StatusOr<std::vector<std::string>> parse_flag_args(const std::vector<std::string>& args,
                                                         const std::vector<absl::string_view>& accepted);

// "  --name=<default>  help" lines for a usage text.
std::string describe_flags(const std::vector<absl::string_view>& names);

}  // namespace weft::tool
