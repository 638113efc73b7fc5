// What weft's own tests share beyond weft/gtest/expect.h (expect_bug,
// expect_replays, expect_no_bug, which users have too): short option
// builders, substring assertions that print the text searched, and the
// every-strategy loop the detector tests hold fixed programs to.
//
//   #include "support/test_support.h"
//
//   TEST(Race, CounterUnderAMutexIsClean) {
//     weft_test::expect_clean_under_every_strategy(counter_with_mutex, 10000);
//   }
//   TEST(Race, UnsynchronizedCounterNamesTheLines) {
//     std::optional<weft::Failure> f =
//         weft::expect_bug(weft_test::options_with(1), counter_racy, {weft::FailureKind::kDataRace});
//     ASSERT_TRUE(f.has_value());
//     const weft::DataRace* race = f->evidence_if<weft::DataRace>();
//     ASSERT_NE(race, nullptr);
//     EXPECT_TRUE(weft_test::contains(race->later.where.file, "race_test.cc"));
//   }
#pragma once

#include <gtest/gtest.h>
#include <weft/gtest/expect.h>
#include <weft/weft.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace weft_test {

using Body = std::function<void()>;

inline weft::Options options_with(uint64_t iterations, std::string strategy = "portfolio") {
  weft::Options o;
  o.iterations = iterations;
  o.strategy = std::move(strategy);
  return o;
}

// `Text` is std::string, std::string_view or absl::string_view (which, in
// the Abseil this builds with, is not std::string_view).
template <typename Text>
testing::AssertionResult contains(const Text& text_in, std::string_view part) {
  const std::string_view text(text_in.data(), text_in.size());
  if (text.find(part) != std::string_view::npos) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "'" << part << "' not found in:\n" << text;
}

// True if any of `lines` contains `part`.
inline testing::AssertionResult any_contains(const std::vector<std::string>& lines, std::string_view part) {
  for (const std::string& line : lines) {
    if (line.find(part) != std::string::npos) return testing::AssertionSuccess();
  }
  testing::AssertionResult failure = testing::AssertionFailure();
  failure << "'" << part << "' not found in any of:";
  for (const std::string& line : lines) failure << "\n  " << line;
  return failure;
}

// The steps a report marks with '>'.
inline std::vector<uint64_t> highlighted(const weft::Failure& f) {
  std::vector<uint64_t> steps;
  for (const weft::TraceStep& s : f.trace) {
    if (s.highlighted) steps.push_back(s.step);
  }
  return steps;
}

// Whether deadlock `f` reports `thread` blocked in `operation` on the object
// the trace labels `object` ("" for a join), waiting for `holders` (for a
// join: the thread it joins), at a line of `file`.
inline testing::AssertionResult blocked_in(const weft::Failure& f, int thread, std::string_view operation,
                                           std::string_view object, const std::vector<int>& holders,
                                           std::string_view file = {}) {
  const weft::Deadlock* deadlock = f.evidence_if<weft::Deadlock>();
  if (deadlock == nullptr) return testing::AssertionFailure() << "not a deadlock:\n" << f.report;
  for (const weft::BlockedThread& b : deadlock->blocked) {
    if (b.thread != thread) continue;
    if (b.operation != operation || b.object.label != object || b.holders != holders ||
        b.site.file.find(file) == std::string::npos || !b.site.known()) {
      return testing::AssertionFailure() << "thread " << thread << " is blocked differently:\n" << f.report;
    }
    return testing::AssertionSuccess();
  }
  return testing::AssertionFailure() << "thread " << thread << " is not blocked:\n" << f.report;
}

// The strategies every "fixed" program must survive on its own (the
// portfolio only mixes them).
inline const std::vector<std::string>& all_strategies() {
  static const std::vector<std::string> strategies(weft::kPortfolioStrategies.begin(),
                                                   weft::kPortfolioStrategies.end());
  return strategies;
}

// weft::expect_no_bug for `iterations` schedules under each of
// all_strategies(), the other options taken from `base`.
inline void expect_clean_under_every_strategy(const Body& body, uint64_t iterations, weft::Options base = {},
                                              weft::source_location where = weft::source_location::current()) {
  for (const std::string& strategy : all_strategies()) {
    SCOPED_TRACE("strategy " + strategy);
    base.iterations = iterations;
    base.strategy = strategy;
    weft::expect_no_bug(base, body, where);
  }
}

}  // namespace weft_test
