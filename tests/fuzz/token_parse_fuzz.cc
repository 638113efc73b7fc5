// libFuzzer target for schedule tokens: parse_token must turn any input into
// either a token or an error with a message, never a crash, a hang or an
// unbounded allocation. A token that parses must survive
// format -> parse unchanged, and its strategy field must be either a strategy
// replay can rebuild or a clean error (replay calls make_strategy on it).
//
//   CXX=clang++ cmake -S . -B build-fuzz -DWEFT_ENABLE_FUZZ=ON ...
//   build-fuzz/tests/fuzz/token_parse_fuzz -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "weft/report/token.h"
#include "weft/strategy/strategy.h"

namespace {

using weft::detail::ScheduleToken;

[[noreturn]] void die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "token_parse_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

bool same(const ScheduleToken& a, const ScheduleToken& b) {
  if (a.form != b.form || a.max_steps != b.max_steps || a.spurious_wakeups != b.spurious_wakeups) return false;
  if (a.form == ScheduleToken::Form::kSeed) {
    return a.strategy == b.strategy && a.seed == b.seed && a.execution == b.execution;
  }
  return a.decisions == b.decisions;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<ScheduleToken> token = weft::detail::parse_token(text);
  if (!token.ok()) {
    // Errors must say what is wrong, and name the token.
    if (token.status().message().find("bad schedule token") == absl::string_view::npos) {
      die("error without the usual prefix", std::string(token.status().message()));
    }
    return 0;
  }
  const std::string formatted = weft::detail::format_token(*token);
  const absl::StatusOr<ScheduleToken> again = weft::detail::parse_token(formatted);
  if (!again.ok()) die("a formatted token does not parse", formatted);
  if (!same(*token, *again)) die("format -> parse changed the token", formatted);
  if (token->form == ScheduleToken::Form::kSeed) {
    // Either outcome is fine; crashing or returning null is not.
    absl::StatusOr<std::unique_ptr<weft::detail::Strategy>> strategy = weft::detail::make_strategy(token->strategy);
    if (strategy.ok() && *strategy == nullptr) die("make_strategy returned null", token->strategy);
  }
  return 0;
}
