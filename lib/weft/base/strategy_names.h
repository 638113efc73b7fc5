// The strategies a user can name, and the default portfolio, defined once.
// The explorer runs the portfolio from this list; the --weft_strategy help
// lists the forms from it; tests hold docs/guide.md, README.md and weft's
// own every-strategy loops to it. A new strategy is an entry here (and its
// parser in strategy/make_strategy.cc).
//
//   for (const char* spec : weft::kSamplingStrategies) {
//     options.strategy = spec;   // "random", "pct:1", ...
//   }
#pragma once

#include <array>

namespace weft {

// What Options::strategy = "portfolio" (the default) runs: execution i uses
// kPortfolioStrategies[i % size]; a strategy named in several places is one
// instance that runs that share of the executions. Chosen from the
// bug-finding table (docs/bug-finding.md, bench/bugs/bug_table.sh): SURW in
// four places of six samples the order of the accesses to shared objects
// uniformly, random finds shallow bugs fast, PCT at depth 2 the ones that
// need a long run of one thread and one well-placed preemption.
inline constexpr std::array<const char*, 6> kPortfolioStrategies{"random", "pct:2", "surw", "surw", "surw", "surw"};

// One form of each sampling strategy, each depth of PCT the portfolio once
// used: what the every-strategy loops of tests and examples run (a fixed
// program must survive each on its own).
inline constexpr std::array<const char*, 7> kSamplingStrategies{"random", "pct:1", "pct:2", "pct:3",
                                                                "pos",    "surw",  "fuzz"};

// Every form Options::strategy takes, as help and error texts list them.
// dfs:<bound> prunes with DPOR, dfs:<bound>:nodpor does not, dpor has no bound.
inline constexpr std::array<const char*, 9> kStrategyForms{
    "portfolio", "random", "pct:<depth>", "pos", "surw", "fuzz", "dfs:<bound>", "dfs:<bound>:nodpor", "dpor"};

}  // namespace weft
