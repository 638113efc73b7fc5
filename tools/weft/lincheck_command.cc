// `weft lincheck`: checks histories from files for linearizability.
//
//   weft lincheck --model cas-register jepsen/etcd_0*.log
//   weft lincheck --model kv --html_dir=reports kv/c10-bad.txt
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "command.h"
#include "flag_args.h"
#include "weft/lin/builtin.h"
#include "weft/lin/formats/parse.h"
#include "weft/lin/render.h"

ABSL_FLAG(std::string, model, "", "the sequential model: cas-register, kv, queue, stack, set or counter");
ABSL_FLAG(std::string, format, "auto", "the file format: auto, etcd, kv or jsonl");
ABSL_FLAG(absl::Duration, time_limit, absl::Seconds(60),
          "give up on a file after this long (verdict: unknown, exit 4), e.g. 500ms, 2m");
ABSL_FLAG(bool, accept_unknown, false, "exit 0 rather than 4 when a file's verdict is unknown (time limit reached)");
ABSL_FLAG(bool, explain, true,
          "on a violation, show the smallest failing sub-history and the longest "
          "linearizable prefix");
ABSL_FLAG(absl::Duration, explain_budget, absl::ZeroDuration(),
          "time for the explanation of a violation, after the verdict is printed; 0: the larger of 100ms "
          "and the check's own time. What is found by then is shown, marked if it may not be the smallest "
          "or longest");
ABSL_FLAG(bool, partition, true, "check independent parts (e.g. keys of a kv history) separately");
ABSL_FLAG(std::string, html_dir, "", "also write an HTML report per file into this directory");
ABSL_FLAG(bool, quiet, false, "print only one summary line per file");

namespace weft::tool {
namespace {

const std::vector<absl::string_view> kFlags = {"model",          "format",    "time_limit", "accept_unknown", "explain",
                                               "explain_budget", "partition", "html_dir",   "quiet"};

std::string lincheck_usage() {
  std::string models;
  for (const auto& m : lin::builtin_models()) {
    absl::StrAppend(&models, "  ", m.name, m.aliases.empty() ? "" : absl::StrCat(" (", m.aliases, ")"), ": ",
                    m.functions, "\n");
  }
  return absl::StrCat(
      "usage: weft lincheck --model=MODEL [options] FILE...\n\n"
      "Checks each history FILE (- for standard input) for linearizability against MODEL.\n"
      "Formats: Jepsen etcd logs, kv EDN maps, weft JSON lines (docs/linearizability.md).\n"
      "Exit: 0 every file linearizable, 1 some file is not, 2 bad usage or a bad file (the\n"
      "      others are still checked), 3 internal error, 4 none is not linearizable but some\n"
      "      file's verdict is unknown (time limit reached; --accept_unknown makes that 0).\n\n"
      "Models:\n",
      models, "\nOptions:\n", describe_flags(kFlags));
}

absl::StatusOr<lin::RawHistory> read_stdin(lin::LogFormat format) {
  std::ostringstream text;
  text << std::cin.rdbuf();
  return lin::parse_history(text.str(), "<stdin>", format);
}

int lincheck_run(const std::vector<std::string>& args) {
  auto files = parse_flag_args(args, kFlags);
  if (!files.ok()) {
    std::cerr << "weft lincheck: " << files.status().message() << "\n"
              << "run `weft help lincheck` for the options\n";
    return kBadInput;
  }
  const std::string model_flag = absl::GetFlag(FLAGS_model);
  if (model_flag.empty()) {
    std::cerr << "weft lincheck: --model is required; one of cas-register, kv, queue, stack, "
                 "set, counter\n";
    return kBadInput;
  }
  auto model = lin::find_builtin_model(model_flag);
  if (!model.ok()) {
    std::cerr << "weft lincheck: " << model.status().message() << "\n";
    return kBadInput;
  }
  auto format = lin::parse_format_name(absl::GetFlag(FLAGS_format));
  if (!format.ok()) {
    std::cerr << "weft lincheck: " << format.status().message() << "\n";
    return kBadInput;
  }
  if (files->empty()) {
    std::cerr << "weft lincheck: no history files given\n" << lincheck_usage();
    return kBadInput;
  }
  const std::string html_dir = absl::GetFlag(FLAGS_html_dir);
  if (!html_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(html_dir, ec);
    if (ec) {
      std::cerr << "weft lincheck: cannot create --html_dir " << html_dir << ": " << ec.message() << "\n";
      return kBadInput;
    }
  }
  const absl::Duration time_limit = absl::GetFlag(FLAGS_time_limit);
  if (time_limit <= absl::ZeroDuration()) {
    std::cerr << "weft lincheck: --time_limit must be positive, e.g. 30s or 5m; got "
              << absl::FormatDuration(time_limit) << "\n";
    return kBadInput;
  }
  const absl::Duration explain_budget = absl::GetFlag(FLAGS_explain_budget);
  if (explain_budget < absl::ZeroDuration() || explain_budget == absl::InfiniteDuration()) {
    std::cerr << "weft lincheck: --explain_budget must be a finite duration, e.g. 2s, or 0 for the default; got "
              << absl::FormatDuration(explain_budget) << "\n";
    return kBadInput;
  }
  const bool quiet = absl::GetFlag(FLAGS_quiet);
  lin::CheckOptions options;
  options.time_limit = time_limit;
  // A quiet run shows no explanation; only an HTML report would.
  options.explain = absl::GetFlag(FLAGS_explain) && (!quiet || !html_dir.empty());
  if (explain_budget > absl::ZeroDuration()) options.explain_time_limit = explain_budget;
  options.reductions.partition = absl::GetFlag(FLAGS_partition);
  // The verdict is printed as soon as it is known; the explanation follows.
  const lin::RawVerdictCallback print_verdict = [](const lin::HistoryView& view, const lin::CheckResult& r) {
    std::cout << lin::render_summary(view, r) << std::endl;
  };

  int bad_inputs = 0, violations = 0, undecided = 0;
  for (const std::string& file : *files) {
    if (file != "-" && std::filesystem::is_directory(file)) {
      std::cerr << file << ": is a directory; expected a history file\n";
      ++bad_inputs;
      continue;
    }
    auto raw = file == "-" ? read_stdin(*format) : lin::read_history_file(file, *format);
    if (!raw.ok()) {
      std::cerr << raw.status().message() << "\n";
      ++bad_inputs;
      continue;
    }
    auto checked = lin::check_raw(*model, *raw, options, print_verdict);
    if (!checked.ok()) {
      if (checked.status().code() == absl::StatusCode::kInternal) {
        std::cerr << "weft lincheck: internal error: " << checked.status().message() << "\n";
        return kInternalError;
      }
      std::cerr << checked.status().message() << "\n";
      ++bad_inputs;
      continue;
    }
    const lin::Verdict verdict = checked->result.verdict;
    violations += verdict == lin::Verdict::kNotLinearizable;
    undecided += verdict == lin::Verdict::kUnknown;
    if (!quiet) std::cout << lin::render_explanation(checked->view, checked->result);
    if (!quiet && verdict == lin::Verdict::kNotLinearizable && files->size() > 1) std::cout << "\n";
    if (!html_dir.empty()) {
      const auto out_path =
          std::filesystem::path(html_dir) / (std::filesystem::path(file).filename().string() + ".html");
      std::ofstream out(out_path);
      out << lin::render_html(checked->view, checked->result);
      if (!out) {
        std::cerr << "weft lincheck: cannot write " << out_path.string() << "\n";
        ++bad_inputs;
      }
    }
  }
  if (files->size() > 1) {
    std::cout << absl::StrCat(files->size(), " files: ", files->size() - bad_inputs - violations - undecided,
                              " linearizable, ", violations, " not linearizable, ", undecided, " undecided, ",
                              bad_inputs, " unreadable\n");
  }
  if (bad_inputs > 0) return kBadInput;
  if (violations > 0) return kBugFound;
  return undecided > 0 && !absl::GetFlag(FLAGS_accept_unknown) ? kUndecided : kOk;
}

}  // namespace

extern const Command kLincheckCommand = {"lincheck", "check histories from files for linearizability", lincheck_usage,
                                         lincheck_run};

}  // namespace weft::tool
