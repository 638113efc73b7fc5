// WEFT_FUZZ_TEST: one test body, two ways to run it. Built as usual it is a
// WEFT_TEST (GoogleTest explores it). Built with -DWEFT_FUZZ_TARGET and
// clang's -fsanitize=fuzzer it is a libFuzzer target: each input's bytes
// decide every scheduling choice and weft::choose value (weft::run_input,
// explore.h), and each execution's interleaving feedback (reads-from pairs,
// back-to-back conflicts) goes to libFuzzer as extra counters beside its code
// coverage, so inputs reaching new interleavings join its corpus. A failure
// prints weft's report with the input-form token (w1i-...) and aborts, which
// libFuzzer saves as a crash file; `weft replay BINARY Suite.Name CRASH_FILE`
// and WEFT_REPLAY=w1i-... replay it in the test binary, and libFuzzer's
// -minimize_crash shrinks it (fewer bytes: fewer preemptions).
//
//   WEFT_FUZZ_TEST(Counter, TwoIncrements) {
//     weft::atomic<int> n{0};
//     weft::thread a([&] { n.store(n.load() + 1); });
//     n.store(n.load() + 1);
//     a.join();
//     WEFT_ASSERT(n.load() == 2);
//   }
//
// One WEFT_FUZZ_TEST per fuzz target binary (libFuzzer has one entry point);
// docs/fuzzing.md has the build lines (weft_fuzz_target in CMake).
#pragma once

#include "weft/explore.h"

#if defined(WEFT_FUZZ_TARGET)

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

namespace weft::fuzzing {

// libFuzzer's extra counters: the interleaving feedback map.
inline constexpr size_t kFeedbackBytes = 4096;

// Runs `body` under `input`; on a failure prints the report and aborts.
inline int run_one_input(const uint8_t* data, size_t size, void (*body)(), std::span<uint8_t> counters,
                         const char* test) {
  const Result r = run_input(std::string_view(reinterpret_cast<const char*>(data), size), body, Options{}, counters);
  if (!r.error.ok()) {
    std::fprintf(stderr, "weft: %s\n", std::string(r.error.message()).c_str());
    std::abort();
  }
  if (!r.failure) return 0;
  std::fprintf(stderr, "%s\nweft: replay it with WEFT_REPLAY=%s, or weft replay BINARY %s CRASH_FILE\n",
               r.failure->report.c_str(), r.failure->token.c_str(), test);
  std::abort();  // libFuzzer saves the input as a crash
}

}  // namespace weft::fuzzing

#define WEFT_FUZZ_TEST(Suite, Name)                                                               \
  static void weft_fuzz_body_##Suite##_##Name();                                                  \
  __attribute__((section("__libfuzzer_extra_counters"))) static uint8_t                           \
      weft_fuzz_counters_##Suite##_##Name[::weft::fuzzing::kFeedbackBytes];                       \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {                       \
    return ::weft::fuzzing::run_one_input(data, size, &weft_fuzz_body_##Suite##_##Name,           \
                                          weft_fuzz_counters_##Suite##_##Name, #Suite "." #Name); \
  }                                                                                               \
  static void weft_fuzz_body_##Suite##_##Name()

#else

#include "weft/gtest/weft_test.h"

#define WEFT_FUZZ_TEST(Suite, Name) WEFT_TEST(Suite, Name)

#endif
