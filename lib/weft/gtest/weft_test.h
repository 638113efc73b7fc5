// GoogleTest integration: WEFT_TEST defines a test that explores its body.
//
//   WEFT_TEST(Queue, PushPopKeepsOrder) {
//     ... body using weft primitives and WEFT_ASSERT ...
//   }
//   // With options of its own:
//   WEFT_TEST_WITH(Queue, Stress, weft::Options{.iterations = 20000}) { ... }
//
// Environment variables (or --weft_* flags with weft::gtest_main) override
// the options without recompiling:
//   WEFT_ITERATIONS=50000  WEFT_STRATEGY=pct:3  WEFT_SEED=42  WEFT_MAX_STEPS=...
//   WEFT_TIME_BUDGET_MS=...  WEFT_REPLAY=<token>  (replays that one schedule)
// A found bug fails the test with the full report and the line to paste to
// replay it. A bad override value stops the binary with exit code 2.
#pragma once

#include <gtest/gtest.h>

#include <functional>

#include "weft/explore.h"
#include "weft/gtest/worker.h"

namespace weft::gtest {

// Runs the body of a WEFT_TEST: explores (or replays) it and reports.
void run_test(const char* suite, const char* name, const Options& defaults, const std::function<void()>& body);

// Applies WEFT_* environment variables and --weft_* flags to `options`.
// Returns an error naming the variable and the accepted values.
absl::Status apply_overrides(Options& options, std::string& replay_token);

}  // namespace weft::gtest

#define WEFT_TEST_WITH(Suite, Name, options)                                                            \
  static void weft_body_##Suite##_##Name();                                                             \
  [[maybe_unused]] static const bool weft_registered_##Suite##_##Name = ::weft::gtest::register_test(   \
      #Suite, #Name, []() -> ::weft::Options { return (options); }, &weft_body_##Suite##_##Name);       \
  TEST(Suite, Name) { ::weft::gtest::run_test(#Suite, #Name, (options), &weft_body_##Suite##_##Name); } \
  static void weft_body_##Suite##_##Name()

#define WEFT_TEST(Suite, Name) WEFT_TEST_WITH(Suite, Name, ::weft::Options{})
