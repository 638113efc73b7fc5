// Helpers shared by the core tests: explore a body expecting one kind of
// failure (or none at all), and check that a failure replays exactly, from
// both token forms. Every detector test goes through expect_replays, so
// "found" always also means "reproducible".
#pragma once

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace weft {
// Lets GoogleTest print kinds by name in EXPECT_EQ messages.
inline void PrintTo(FailureKind kind, std::ostream* out) { *out << failure_kind_name(kind); }
}  // namespace weft

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

// Explores `body`; the exploration must find a failure of `kind`, which is
// returned. Adds a test failure (and returns nothing) otherwise.
inline std::optional<weft::Failure> find_failure(const weft::Options& options, const Body& body,
                                                 weft::FailureKind kind) {
  weft::Result result = weft::explore(options, body);
  if (!result.error.ok()) {
    ADD_FAILURE() << "explore could not run: " << result.error;
    return std::nullopt;
  }
  if (!result.failure) {
    ADD_FAILURE() << "expected a " << weft::failure_kind_name(kind) << ", but " << result.executions
                  << " executions found nothing";
    return std::nullopt;
  }
  if (result.failure->kind != kind) {
    ADD_FAILURE() << "expected a " << weft::failure_kind_name(kind) << ", found:\n" << result.failure->report;
    return std::nullopt;
  }
  EXPECT_FALSE(result.failure->token.empty());
  EXPECT_FALSE(result.failure->seed_token.empty());
  EXPECT_TRUE(contains(result.failure->report, result.failure->token));
  return result.failure;
}

// Explores `body` for all of options.iterations: nothing may be found.
inline void expect_clean(const weft::Options& options, const Body& body) {
  weft::Result result = weft::explore(options, body);
  ASSERT_TRUE(result.error.ok()) << result.error;
  ASSERT_FALSE(result.failure.has_value()) << result.failure->report;
  EXPECT_EQ(result.executions, options.iterations);
}

// The interleaving of `b` is the interleaving of `a`: same threads doing the
// same operations on the same objects, with the same preemptions.
inline void expect_same_trace(const weft::Failure& a, const weft::Failure& b) {
  ASSERT_EQ(a.trace.size(), b.trace.size()) << "original:\n" << a.report << "replay:\n" << b.report;
  for (size_t i = 0; i < a.trace.size(); ++i) {
    const weft::TraceStep& x = a.trace[i];
    const weft::TraceStep& y = b.trace[i];
    ASSERT_TRUE(x.thread == y.thread && x.op == y.op && x.object == y.object && x.preempted == y.preempted &&
                x.highlighted == y.highlighted)
        << "step " << x.step << " differs: thread " << x.thread << " " << x.op << " " << x.object << " vs thread "
        << y.thread << " " << y.op << " " << y.object;
  }
}

// The same failure, found again: kind, message, details, thread and step.
inline void expect_same_failure(const weft::Failure& original, const weft::Failure& again) {
  EXPECT_EQ(again.kind, original.kind);
  EXPECT_EQ(again.message, original.message);
  EXPECT_EQ(again.details, original.details);
  EXPECT_EQ(again.thread, original.thread);
  EXPECT_EQ(again.step, original.step);
  EXPECT_EQ(again.where.line, original.where.line);
  expect_same_trace(original, again);
}

// Replays `failure` from its decision token twice and from its seed token:
// each run must reproduce it, and the two decision replays must render
// byte-identical reports. `options` must be the ones it was found with
// (tokens carry max_steps and spurious wakeups; detectors are options).
inline void expect_replays(const weft::Failure& failure, const Body& body, const weft::Options& options = {}) {
  const weft::Result first = weft::replay(failure.token, body, options);
  const weft::Result second = weft::replay(failure.token, body, options);
  ASSERT_TRUE(first.error.ok()) << first.error;
  ASSERT_TRUE(second.error.ok()) << second.error;
  ASSERT_TRUE(first.failure.has_value()) << "the token " << failure.token << " did not reproduce:\n"
                                         << failure.report;
  ASSERT_TRUE(second.failure.has_value());
  EXPECT_EQ(first.executions, 1u);
  expect_same_failure(failure, *first.failure);
  EXPECT_EQ(first.failure->report, second.failure->report) << "two replays of one token rendered differently";
  EXPECT_EQ(first.failure->token, failure.token);

  const weft::Result from_seed = weft::replay(failure.seed_token, body, options);
  ASSERT_TRUE(from_seed.error.ok()) << from_seed.error;
  ASSERT_TRUE(from_seed.failure.has_value()) << "the seed token " << failure.seed_token << " did not reproduce:\n"
                                             << failure.report;
  expect_same_failure(failure, *from_seed.failure);
}

}  // namespace weft_test
