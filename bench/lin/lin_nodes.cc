// The search effort of weft's checker on history files, with every reduction
// on and with the memo alone (plain Wing-Gong with memoization, what
// porcupine does): verdict, search nodes, model steps and check time, so the
// reductions can be compared with the plain search on the same input.
//
//   weft_lin_nodes --model=queue [--time_limit=5s] [--searches=full,plain] FILE...
//
// One line per file and search: file, search, verdict, nodes, steps, ms.
// Explanations off; parsing excluded from the time. A search is `full`,
// `plain`, or `no_NAME`: every reduction but NAME (a field of Reductions,
// e.g. no_greedy_read_only), to see what one reduction buys.
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "flag_args.h"
#include "weft/lin/builtin.h"
#include "weft/lin/formats/parse.h"

ABSL_FLAG(std::string, model, "", "the model, as for weft lincheck --model (cas-register, kv, queue, ...)");
ABSL_FLAG(absl::Duration, time_limit, absl::Seconds(5), "per file and search; verdict unknown after it");
ABSL_FLAG(std::vector<std::string>, searches, std::vector<std::string>({"full", "plain"}),
          "comma-separated: full, plain, or no_NAME (every reduction but NAME)");

namespace {

// The reductions a search name stands for, or none when it names nothing.
std::optional<weft::lin::Reductions> reductions_of(const std::string& name) {
  weft::lin::Reductions r;
  if (name == "full") return r;
  const std::pair<const char*, bool weft::lin::Reductions::*> fields[] = {
      {"partition", &weft::lin::Reductions::partition},
      {"memoize", &weft::lin::Reductions::memoize},
      {"greedy_read_only", &weft::lin::Reductions::greedy_read_only},
      {"canonical_identical", &weft::lin::Reductions::canonical_identical},
      {"cut_quiescent", &weft::lin::Reductions::cut_quiescent},
      {"optional_where_it_matters", &weft::lin::Reductions::optional_where_it_matters},
      {"search_required_first", &weft::lin::Reductions::search_required_first},
      {"search_in_call_order", &weft::lin::Reductions::search_in_call_order},
      {"queue_by_values", &weft::lin::Reductions::queue_by_values},
      {"kv_reads_guide_writes", &weft::lin::Reductions::kv_reads_guide_writes},
      {"register_reads_guide_writes", &weft::lin::Reductions::register_reads_guide_writes},
  };
  if (name == "plain") {  // the memo alone: Wing-Gong in call order, as porcupine
    for (const auto& [field, member] : fields) r.*member = false;
    r.memoize = true;
    r.search_in_call_order = true;
    return r;
  }
  for (const auto& [field, member] : fields) {
    if (name == std::string("no_") + field) {
      r.*member = false;
      return r;
    }
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  // Bad arguments exit 2 with a message (absl::ParseCommandLine would exit 1).
  auto args = weft::tool::parse_flag_args({argv + 1, argv + argc}, {"model", "time_limit", "searches"});
  const char* usage = "usage: weft_lin_nodes --model=NAME [--time_limit=D] [--searches=full,plain,no_NAME] FILE...\n";
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
  std::vector<std::pair<std::string, weft::lin::Reductions>> searches;
  for (const std::string& name : absl::GetFlag(FLAGS_searches)) {
    auto r = reductions_of(name);
    if (!r) {
      std::fprintf(stderr, "weft_lin_nodes: --searches: unknown search \"%s\" (full, plain, no_NAME)\n%s", name.c_str(),
                   usage);
      return 2;
    }
    searches.emplace_back(name, *r);
  }
  int bad = 0;
  std::printf("%-60s %-12s %-18s %12s %12s %10s\n", "file", "search", "verdict", "nodes", "steps", "ms");
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
      std::printf("%-60s %-12s %-18s %12llu %12llu %10.1f\n", path.c_str(), name.c_str(),
                  std::string(weft::lin::verdict_name(r.verdict)).c_str(),
                  static_cast<unsigned long long>(r.stats.nodes), static_cast<unsigned long long>(r.stats.steps),
                  absl::ToDoubleMilliseconds(r.stats.elapsed));
    }
  }
  return bad > 0 ? 2 : 0;
}
