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
// bug-finding table (docs/bug-finding.md, bench/bugs/bug_table.sh): SURW
// samples the order of the accesses to shared objects uniformly, which finds
// bugs needing several preemptions at exact points; the fuzzer keeps the
// schedules that reached new reads-from pairs and conflicts, which finds the
// bugs behind long prefixes and many threads. Together they met both corpus
// targets with the widest margin of every rotation of up to six places.
inline constexpr std::array<const char*, 2> kPortfolioStrategies{"surw", "fuzz"};

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
