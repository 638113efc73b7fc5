// The worker side of the `weft` tool's protocol (docs/cli.md): every
// WEFT_TEST registers itself here as well as with GoogleTest, and a binary
// started with WEFT_WORKER set serves the tool's requests (list the tests,
// explore a slice of one, replay a token) instead of running its tests. It
// takes over in GoogleTest's OnTestProgramStart, so it works with
// GTest::gtest_main, weft::gtest_main or any main() that calls RUN_ALL_TESTS.
//
//   // What WEFT_TEST_WITH expands to, besides the TEST:
//   static const bool registered = weft::gtest::register_test("Bank", "Transfer", options_fn, &body);
#pragma once

#include "weft/explore.h"

namespace weft::gtest {

// Records a WEFT_TEST; `options` is called when the test runs (not during
// static initialization). Returns true.
bool register_test(const char* suite, const char* name, Options (*options)(), void (*body)());

}  // namespace weft::gtest
