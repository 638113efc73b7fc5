// Shared by the examples: each example's "finds" tests are one call of
// weft::expect_bug (weft/gtest/expect.h: finds the planted bug, checks its
// kind, prints "found <kind> after N executions", replays both tokens), plus
// the strategy comparison behind the numbers in docs/examples.md:
//
//   TEST(Bank, FindsLostUpdate) {
//     weft::Options o = examples::budget(2000);
//     examples::expect_bug(o, lost_update_body, {weft::FailureKind::kAssertion});
//   }
//
// The executions weft needed are printed, so the numbers quoted in the
// examples' comments can be checked with one run. WEFT_REPORT_FOUND_BUGS=1
// prints each found bug's full report; WEFT_EXAMPLES_COMPARE=1 also prints
// what each strategy of the portfolio (weft::kPortfolioStrategies) needs on its own.
#pragma once

#include <gtest/gtest.h>
#include <weft/gtest/expect.h>
#include <weft/weft.h>

#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <string>
#include <string_view>

namespace examples {

inline weft::Options budget(uint64_t iterations, std::string strategy = "portfolio") {
  weft::Options o;
  o.iterations = iterations;
  o.strategy = std::move(strategy);
  return o;
}

// With WEFT_EXAMPLES_COMPARE set: how many executions each strategy needs
// on its own (same budget and seed), for the numbers in docs/examples.md.
inline void compare_strategies(const weft::Options& options, const std::function<void()>& body) {
  if (std::getenv("WEFT_EXAMPLES_COMPARE") == nullptr) return;
  for (const char* strategy : weft::kPortfolioStrategies) {
    weft::Options o = options;
    o.strategy = strategy;
    const weft::Result r = weft::explore(o, body);
    std::cout << "[ weft     ]   " << strategy << ": ";
    if (r.bug_found()) {
      std::cout << weft::failure_kind_name(r.failure->kind) << " after " << r.executions << " executions\n";
    } else {
      std::cout << "nothing in " << r.executions << " executions\n";
    }
  }
}

// weft::expect_bug, then the comparison when asked for.
inline void expect_bug(const weft::Options& options, const std::function<void()>& body,
                       std::initializer_list<weft::FailureKind> kinds, std::string_view message_part = {},
                       weft::source_location where = weft::source_location::current()) {
  if (weft::expect_bug(options, body, kinds, message_part, where)) compare_strategies(options, body);
}

}  // namespace examples
