// Helpers shared by the detector tests: explore under each strategy, expect
// a clean run or a failure of one kind, and check that a failure replays to
// the same report.
#pragma once

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace weft {
inline void PrintTo(FailureKind kind, std::ostream* out) { *out << failure_kind_name(kind); }
}  // namespace weft

namespace detect_test {

using Body = std::function<void()>;

// The strategies every "fixed" program must survive.
inline const std::vector<std::string>& all_strategies() {
  static const std::vector<std::string> strategies{"random", "pct:1", "pct:2", "pct:3"};
  return strategies;
}

inline weft::Options options(uint64_t iterations, std::string strategy = "portfolio") {
  weft::Options o;
  o.iterations = iterations;
  o.strategy = std::move(strategy);
  return o;
}

template <typename Text>
testing::AssertionResult contains(const Text& text_in, std::string_view part) {
  const std::string_view text(text_in.data(), text_in.size());
  if (text.find(part) != std::string_view::npos) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "'" << part << "' not found in:\n" << text;
}

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

// `iterations` schedules under each strategy, none of which may fail.
inline void expect_clean(const Body& body, uint64_t iterations, weft::Options base = {}) {
  for (const std::string& strategy : all_strategies()) {
    weft::Options o = base;
    o.iterations = iterations;
    o.strategy = strategy;
    const weft::Result r = weft::explore(o, body);
    ASSERT_TRUE(r.error.ok()) << r.error;
    EXPECT_FALSE(r.bug_found()) << "strategy " << strategy << ":\n" << r.failure->report;
    EXPECT_TRUE(r.races.empty()) << "strategy " << strategy << ":\n" << r.races.front().report;
    EXPECT_EQ(r.executions, iterations) << strategy;
  }
}

// Explores `body`; it must fail with `kind`.
inline std::optional<weft::Failure> find(const weft::Options& o, const Body& body, weft::FailureKind kind) {
  weft::Result r = weft::explore(o, body);
  if (!r.error.ok()) {
    ADD_FAILURE() << "explore could not run: " << r.error;
    return std::nullopt;
  }
  if (!r.failure) {
    ADD_FAILURE() << "no failure in " << r.executions << " executions";
    return std::nullopt;
  }
  if (r.failure->kind != kind) {
    ADD_FAILURE() << "expected " << weft::failure_kind_name(kind) << ", got:\n" << r.failure->report;
    return std::nullopt;
  }
  return std::move(r.failure);
}

// Both token forms replay `f`: same kind, message, details and highlighted steps.
inline void expect_replays(const weft::Failure& f, const Body& body, const weft::Options& o = {}) {
  std::vector<std::string> tokens{f.token};
  if (!f.seed_token.empty()) tokens.push_back(f.seed_token);
  for (const std::string& token : tokens) {
    const weft::Result again = weft::replay(token, body, o);
    ASSERT_TRUE(again.error.ok()) << again.error;
    ASSERT_TRUE(again.failure.has_value()) << "token " << token << " did not fail again";
    EXPECT_EQ(again.failure->kind, f.kind) << again.failure->report;
    EXPECT_EQ(again.failure->message, f.message);
    EXPECT_EQ(again.failure->details, f.details);
    EXPECT_EQ(highlighted(*again.failure), highlighted(f));
    EXPECT_EQ(again.failure->step, f.step);
  }
}

}  // namespace detect_test
