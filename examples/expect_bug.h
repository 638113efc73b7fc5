// Shared by the examples: explore a buggy body, check that weft finds the
// bug we planted (of the kind we expect), then replay the token and check
// that the replay fails the same way. Each example's "finds" tests are one
// call:
//
//   TEST(Bank, FindsLostUpdate) {
//     weft::Options o = examples::budget(2000);
//     examples::expect_bug(o, lost_update_body, {weft::FailureKind::kAssertion});
//   }
//
// The executions weft needed are printed, so the numbers quoted in the
// examples' comments can be checked with one run. WEFT_EXAMPLES_REPORT=1
// prints each found bug's full report; WEFT_EXAMPLES_COMPARE=1 also prints
// what random, pct:1, pct:2 and pct:3 each need on their own.
#pragma once

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <string>
#include <vector>

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
  for (const char* strategy : {"random", "pct:1", "pct:2", "pct:3"}) {
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

// Explores `body` under `options`; expects a failure whose kind is one of
// `kinds` (and whose message contains `message_part`, when given); replays
// its token and expects the same kind and message. Returns the exploration.
inline weft::Result expect_bug(const weft::Options& options, const std::function<void()>& body,
                               std::initializer_list<weft::FailureKind> kinds, std::string message_part = {}) {
  const weft::Result found = weft::explore(options, body);
  EXPECT_TRUE(found.error.ok()) << found.error.message();
  EXPECT_TRUE(found.bug_found()) << "no bug in " << found.executions << " executions of " << options.strategy;
  if (!found.bug_found()) return found;
  const weft::Failure& f = *found.failure;
  std::cout << "[ weft     ] found " << weft::failure_kind_name(f.kind) << " after " << found.executions
            << " executions (" << options.strategy << "; seed token " << f.seed_token << "): " << f.message
            << "\n";
  if (std::getenv("WEFT_EXAMPLES_REPORT") != nullptr) std::cout << f.report;
  if (std::getenv("WEFT_EXAMPLES_COMPARE") != nullptr) compare_strategies(options, body);
  const std::vector<weft::FailureKind> wanted(kinds);
  EXPECT_NE(std::find(wanted.begin(), wanted.end(), f.kind), wanted.end())
      << "unexpected kind " << weft::failure_kind_name(f.kind) << "\n" << f.report;
  if (!message_part.empty()) {
    EXPECT_NE(f.message.find(message_part), std::string::npos) << f.report;
  }

  // The full-decision token replays the same interleaving...
  const weft::Result again = weft::replay(f.token, body, options);
  EXPECT_TRUE(again.error.ok()) << again.error.message();
  EXPECT_TRUE(again.bug_found()) << "replay of " << f.token << " passed";
  if (again.bug_found()) {
    EXPECT_EQ(again.failure->kind, f.kind) << again.failure->report;
    EXPECT_EQ(again.failure->message, f.message) << again.failure->report;
  }
  // ...and so does the short seed form.
  const weft::Result by_seed = weft::replay(f.seed_token, body, options);
  EXPECT_TRUE(by_seed.bug_found()) << "replay of " << f.seed_token << " passed";
  if (by_seed.bug_found()) {
    EXPECT_EQ(by_seed.failure->kind, f.kind) << by_seed.failure->report;
    EXPECT_EQ(by_seed.failure->message, f.message) << by_seed.failure->report;
  }
  return found;
}

// Explores `body` under `options` and expects every schedule to pass.
inline void expect_no_bug(const weft::Options& options, const std::function<void()>& body) {
  const weft::Result r = weft::explore(options, body);
  EXPECT_TRUE(r.error.ok()) << r.error.message();
  EXPECT_FALSE(r.bug_found()) << r.failure->report;
  EXPECT_EQ(r.executions, options.iterations);
}

}  // namespace examples
