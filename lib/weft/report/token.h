// Schedule tokens: short printable strings that replay one execution.
//
// Two forms, both versioned ("w1"):
//   seed form      w1s-<strategy>-<seed hex>-<execution>-<max_steps>-<flags>
//                  e.g. w1s-pct3k57-5eed-17-100000-0: rebuilds the strategy
//                  of execution 17 and lets it choose again.
//   decision form  w1d-<base64url>: every recorded decision (thread picks and
//                  choose() values, run-length encoded varints) plus the
//                  options that change what a schedule means. Replays
//                  without the strategy, and detects divergence at the
//                  first decision that no longer fits the program.
//   input form     w1i-<base64url>: the options and the bytes of a fuzzer's
//                  input, which decide every choice as InputStrategy
//                  (strategy/input_bytes.h) reads them.
//
//   absl::StatusOr<ScheduleToken> t = parse_token(text);
//   if (!t.ok()) { std::cerr << t.status().message(); return 2; }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace weft::detail {

struct ScheduleToken {
  enum class Form { kSeed, kDecisions, kInput };
  Form form = Form::kDecisions;
  // Options that change what a schedule means or what it reports: a replay
  // takes them from the token, not from the caller.
  uint64_t max_steps = 0;
  bool spurious_wakeups = false;
  bool detect_races = true;
  bool detect_lock_order = true;
  // Seed form.
  std::string strategy;
  uint64_t seed = 0;
  uint64_t execution = 0;
  // Decision form.
  std::vector<uint32_t> decisions;
  // Input form.
  std::string input;
};

std::string format_token(const ScheduleToken& token);
absl::StatusOr<ScheduleToken> parse_token(absl::string_view text);

}  // namespace weft::detail
