// The strategies a user can name, and the default portfolio, defined once.
// The explorer runs the portfolio from this list; the --weft_strategy help
// lists the forms from it; tests hold docs/guide.md, README.md and weft's
// own every-strategy loops to it. A new strategy is an entry here (and its
// parser in strategy/make_strategy.cc).
//
//   for (const char* spec : weft::kPortfolioStrategies) {
//     options.strategy = spec;   // "random", "pct:1", ...
//   }
#pragma once

#include <array>

namespace weft {

// What Options::strategy = "portfolio" (the default) runs: execution i uses
// kPortfolioStrategies[i % size]. Random finds shallow bugs fast; PCT at
// depths 1-3 finds the ones that need a long run of one thread or a few
// well-placed preemptions.
inline constexpr std::array<const char*, 4> kPortfolioStrategies{"random", "pct:1", "pct:2", "pct:3"};

// Every form Options::strategy takes, as help and error texts list them.
inline constexpr std::array<const char*, 3> kStrategyForms{"portfolio", "random", "pct:<depth>"};

}  // namespace weft
