// Parses strategy names ("random", "pct:3", "pos", "surw", "fuzz", "dfs:2",
// "dfs:2:nodpor", "dpor") and seed-token specs ("pct3k57", "surwp4",
// "fuzzp0r1.0.2.2.0.1", "dfs2d3x1", "dpord3x1").
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "weft/base/strategy_names.h"
#include "weft/strategy/dfs.h"
#include "weft/strategy/fuzz.h"
#include "weft/strategy/pct.h"
#include "weft/strategy/pos.h"
#include "weft/strategy/random.h"
#include "weft/strategy/strategy.h"
#include "weft/strategy/surw.h"

namespace weft::detail {
namespace {

constexpr int kMaxDepth = 64;

absl::StatusOr<int> parse_depth(absl::string_view text, absl::string_view spec) {
  int depth = 0;
  if (!absl::SimpleAtoi(text, &depth) || depth < 1 || depth > kMaxDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad strategy '", spec, "': PCT depth must be an integer in [1, ", kMaxDepth, "], e.g. pct:3"));
  }
  return depth;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Strategy>> make_strategy(absl::string_view spec) {
  if (spec == "random") return std::make_unique<RandomStrategy>();
  if (spec == "pos") return std::make_unique<PosStrategy>();
  if (spec == "surw") return std::make_unique<SurwStrategy>();
  absl::string_view rest = spec;
  if (absl::StartsWith(spec, "fuzz")) {
    absl::StatusOr<std::unique_ptr<FuzzStrategy>> fuzz = FuzzStrategy::parse(spec);
    if (!fuzz.ok()) return fuzz.status();
    return *std::move(fuzz);
  }
  if (absl::StartsWith(spec, "dfs") || absl::StartsWith(spec, "dpor")) {
    absl::StatusOr<std::unique_ptr<DfsStrategy>> dfs = DfsStrategy::parse(spec);
    if (!dfs.ok()) return dfs.status();
    return *std::move(dfs);
  }
  if (absl::ConsumePrefix(&rest, "pct:")) {
    absl::StatusOr<int> depth = parse_depth(rest, spec);
    if (!depth.ok()) return depth.status();
    return std::make_unique<PctStrategy>(*depth);
  }
  if (absl::ConsumePrefix(&rest, "pct")) {
    // Seed-token form: pct<depth>k<estimate>.
    const size_t k = rest.find('k');
    uint64_t estimate = 0;
    if (k != absl::string_view::npos && absl::SimpleAtoi(rest.substr(k + 1), &estimate) && estimate >= 1 &&
        estimate <= (uint64_t{1} << 32)) {
      absl::StatusOr<int> depth = parse_depth(rest.substr(0, k), spec);
      if (!depth.ok()) return depth.status();
      return std::make_unique<PctStrategy>(*depth, estimate);
    }
  }
  // Seed-token form: surwp<the execution that profiled the program>.
  uint64_t profile = 0;
  if (absl::ConsumePrefix(&rest, "surwp") && absl::SimpleAtoi(rest, &profile)) {
    return std::make_unique<SurwStrategy>(profile);
  }
  const auto last = kStrategyForms.end() - 1;
  return absl::InvalidArgumentError(absl::StrCat("unknown strategy '", spec, "': expected ",
                                                 absl::StrJoin(kStrategyForms.begin(), last, ", "), " or ", *last,
                                                 " (e.g. pct:3)"));
}

}  // namespace weft::detail
