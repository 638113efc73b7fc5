// The search effort of weft's checker on history files, with every reduction
// on and with the memo alone (plain Wing-Gong with memoization, what
// porcupine does): verdict, search nodes, model steps and check time, so the
// reductions can be compared with the plain search on the same input.
//
//   weft_lin_nodes --model=queue [--time_limit=5s] FILE...
//
// One line per file and search: file, search (full, plain), verdict, nodes,
// steps, ms. Explanations off; parsing excluded from the time.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "flag_args.h"
#include "weft/lin/builtin.h"
#include "weft/lin/formats/parse.h"

ABSL_FLAG(std::string, model, "", "the model, as for weft lincheck --model (cas-register, kv, queue, ...)");
ABSL_FLAG(absl::Duration, time_limit, absl::Seconds(5), "per file and search; verdict unknown after it");

int main(int argc, char** argv) {
  // Bad arguments exit 2 with a message (absl::ParseCommandLine would exit 1).
  auto args = weft::tool::parse_flag_args({argv + 1, argv + argc}, {"model", "time_limit"});
  const char* usage = "usage: weft_lin_nodes --model=NAME [--time_limit=D] FILE...\n";
  if (!args.ok()) {
    std::fprintf(stderr, "weft_lin_nodes: %s\n%s", std::string(args.status().message()).c_str(), usage);
    return 2;
  }
  auto model = weft::lin::find_builtin_model(absl::GetFlag(FLAGS_model));
  if (!model.ok()) {
    std::fprintf(stderr, "weft_lin_nodes: --model: %s\n%s", std::string(model.status().message()).c_str(), usage);
    return 2;
  }
  const absl::Duration limit = absl::GetFlag(FLAGS_time_limit);
  if (limit <= absl::ZeroDuration() || limit == absl::InfiniteDuration()) {
    std::fprintf(stderr, "weft_lin_nodes: --time_limit must be a positive finite duration, e.g. 5s\n%s", usage);
    return 2;
  }
  if (args->empty()) {
    std::fprintf(stderr, "weft_lin_nodes: no file given\n%s", usage);
    return 2;
  }
  weft::lin::Reductions plain;  // memo only
  plain.partition = false;
  plain.greedy_read_only = false;
  plain.canonical_identical = false;
  plain.cut_quiescent = false;
  plain.optional_where_it_matters = false;
  plain.search_required_first = false;
  const std::pair<const char*, weft::lin::Reductions> searches[] = {{"full", {}}, {"plain", plain}};
  int bad = 0;
  std::printf("%-60s %-6s %-18s %12s %12s %10s\n", "file", "search", "verdict", "nodes", "steps", "ms");
  for (const std::string& path : *args) {
    auto raw = weft::lin::read_history_file(path);
    if (!raw.ok()) {
      std::fprintf(stderr, "weft_lin_nodes: %s\n", std::string(raw.status().message()).c_str());
      ++bad;
      continue;
    }
    for (const auto& [name, reductions] : searches) {
      weft::lin::CheckOptions options;
      options.explain = false;
      options.time_limit = limit;
      options.reductions = reductions;
      auto checked = weft::lin::check_raw(*model, *raw, options);
      if (!checked.ok()) {
        std::fprintf(stderr, "weft_lin_nodes: %s\n", std::string(checked.status().message()).c_str());
        ++bad;
        break;
      }
      const auto& r = checked->result;
      std::printf("%-60s %-6s %-18s %12llu %12llu %10.1f\n", path.c_str(), name,
                  std::string(weft::lin::verdict_name(r.verdict)).c_str(),
                  static_cast<unsigned long long>(r.stats.nodes), static_cast<unsigned long long>(r.stats.steps),
                  absl::ToDoubleMilliseconds(r.stats.elapsed));
    }
  }
  return bad > 0 ? 2 : 0;
}
