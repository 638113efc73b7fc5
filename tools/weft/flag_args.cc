#include "flag_args.h"

#include <algorithm>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace weft::tool {

absl::StatusOr<std::vector<std::string>> parse_flag_args(const std::vector<std::string>& args,
                                                         const std::vector<absl::string_view>& accepted) {
  std::vector<std::string> positional;
  auto is_accepted = [&](absl::string_view name) {
    return std::find(accepted.begin(), accepted.end(), name) != accepted.end();
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg == "--") {
      positional.insert(positional.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (!absl::ConsumePrefix(&arg, "--") && !absl::ConsumePrefix(&arg, "-")) {
      positional.emplace_back(arg);
      continue;
    }
    if (arg.empty()) {  // a lone "-" is a positional argument (stdin)
      positional.emplace_back(args[i]);
      continue;
    }
    std::string name_storage(arg);
    std::string value;
    bool has_value = false;
    if (auto eq = arg.find('='); eq != absl::string_view::npos) {
      name_storage = std::string(arg.substr(0, eq));
      value = std::string(arg.substr(eq + 1));
      has_value = true;
    }
    // --keep-going is --keep_going: flag names cannot hold a dash.
    std::replace(name_storage.begin(), name_storage.end(), '-', '_');
    const absl::string_view name = name_storage;
    absl::CommandLineFlag* flag = is_accepted(name) ? absl::FindCommandLineFlag(name) : nullptr;
    bool negated = false;
    if (flag == nullptr && absl::StartsWith(name, "no") && is_accepted(name.substr(2))) {
      flag = absl::FindCommandLineFlag(name.substr(2));
      negated = flag != nullptr && flag->IsOfType<bool>() && !has_value;
      if (!negated) flag = nullptr;
    }
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown option --", name, "; expected ", accepted.empty() ? "none" : "",
          absl::StrJoin(accepted, ", ", [](std::string* out, absl::string_view n) { absl::StrAppend(out, "--", n); })));
    }
    if (negated) {
      value = "false";
    } else if (!has_value) {
      if (flag->IsOfType<bool>()) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("option --", name, " needs a value"));
      }
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat("bad value \"", value, "\" for --", name, ": ", error));
    }
  }
  return positional;
}

std::string describe_flags(const std::vector<absl::string_view>& names) {
  std::string out;
  for (absl::string_view name : names) {
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) continue;
    absl::StrAppend(&out, "  --", name, " (default: ", flag->DefaultValue(), ")\n      ", flag->Help(), "\n");
  }
  return out;
}

}  // namespace weft::tool
