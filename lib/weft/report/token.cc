#include "weft/report/token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace weft::detail {
namespace {

constexpr uint64_t kFlagSpuriousWakeups = 1;
constexpr uint64_t kFlagNoRaceDetection = 2;
constexpr uint64_t kFlagNoLockOrderDetection = 4;
constexpr uint64_t kKnownFlags = kFlagSpuriousWakeups | kFlagNoRaceDetection | kFlagNoLockOrderDetection;
// Decisions are expanded from their runs, so the count a token claims is
// memory spent: a 20-byte token must not cost a gigabyte. 16M decisions is
// far beyond any token a person pastes.
constexpr size_t kMaxDecisions = size_t{1} << 24;

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_varint(absl::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

absl::Status bad(absl::string_view text, absl::string_view why) {
  std::string shown(text.substr(0, 60));
  if (text.size() > 60) shown += "...";
  return absl::InvalidArgumentError(absl::StrCat("bad schedule token '", shown, "': ", why));
}

uint64_t flags_of(const ScheduleToken& t) {
  return (t.spurious_wakeups ? kFlagSpuriousWakeups : 0) | (t.detect_races ? 0 : kFlagNoRaceDetection) |
         (t.detect_lock_order ? 0 : kFlagNoLockOrderDetection);
}

void set_flags(ScheduleToken& t, uint64_t flags) {
  t.spurious_wakeups = (flags & kFlagSpuriousWakeups) != 0;
  t.detect_races = (flags & kFlagNoRaceDetection) == 0;
  t.detect_lock_order = (flags & kFlagNoLockOrderDetection) == 0;
}

absl::StatusOr<ScheduleToken> parse_seed_form(absl::string_view text, absl::string_view body) {
  const std::vector<absl::string_view> parts = absl::StrSplit(body, '-');
  if (parts.size() != 5) {
    return bad(text, "a seed token has five fields after 'w1s-': strategy-seed-execution-max_steps-flags");
  }
  ScheduleToken t;
  t.form = ScheduleToken::Form::kSeed;
  t.strategy = std::string(parts[0]);
  uint64_t flags = 0;
  if (t.strategy.empty()) return bad(text, "the strategy field is empty");
  if (!absl::SimpleHexAtoi(parts[1], &t.seed)) return bad(text, "the seed field is not a hexadecimal number");
  if (!absl::SimpleAtoi(parts[2], &t.execution)) return bad(text, "the execution field is not a number");
  if (!absl::SimpleAtoi(parts[3], &t.max_steps) || t.max_steps == 0) {
    return bad(text, "the max_steps field is not a positive number");
  }
  if (!absl::SimpleAtoi(parts[4], &flags) || (flags & ~kKnownFlags) != 0) return bad(text, "unknown flags");
  set_flags(t, flags);
  return t;
}

absl::StatusOr<ScheduleToken> parse_decision_form(absl::string_view text, absl::string_view body) {
  std::string bytes;
  if (body.empty() || !absl::WebSafeBase64Unescape(body, &bytes)) {
    return bad(text, "the data after 'w1d-' is not base64url (was the token cut or wrapped when copied?)");
  }
  absl::string_view in(bytes);
  ScheduleToken t;
  t.form = ScheduleToken::Form::kDecisions;
  uint64_t flags = 0, runs = 0;
  if (!get_varint(in, flags) || !get_varint(in, t.max_steps) || !get_varint(in, runs)) {
    return bad(text, "the decision data is truncated");
  }
  if ((flags & ~kKnownFlags) != 0) return bad(text, "unknown flags (made by a newer weft?)");
  if (t.max_steps == 0) return bad(text, "max_steps is zero");
  set_flags(t, flags);
  for (uint64_t r = 0; r < runs; ++r) {
    uint64_t value = 0, count = 0;
    if (!get_varint(in, value) || !get_varint(in, count)) return bad(text, "the decision data is truncated");
    if (value > UINT32_MAX || count == 0 || count > kMaxDecisions - t.decisions.size()) {
      return bad(text, "the decision data is corrupt");
    }
    t.decisions.insert(t.decisions.end(), count, static_cast<uint32_t>(value));
  }
  if (!in.empty()) return bad(text, "trailing data after the decisions");
  return t;
}

absl::StatusOr<ScheduleToken> parse_input_form(absl::string_view text, absl::string_view body) {
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(body, &bytes)) {
    return bad(text, "the data after 'w1i-' is not base64url (was the token cut or wrapped when copied?)");
  }
  absl::string_view in(bytes);
  ScheduleToken t;
  t.form = ScheduleToken::Form::kInput;
  uint64_t flags = 0;
  if (!get_varint(in, flags) || !get_varint(in, t.max_steps)) return bad(text, "the input data is truncated");
  if ((flags & ~kKnownFlags) != 0) return bad(text, "unknown flags (made by a newer weft?)");
  if (t.max_steps == 0) return bad(text, "max_steps is zero");
  set_flags(t, flags);
  t.input = std::string(in);
  return t;
}

}  // namespace

std::string format_token(const ScheduleToken& t) {
  if (t.form == ScheduleToken::Form::kSeed) {
    return absl::StrCat("w1s-", t.strategy, "-", absl::Hex(t.seed), "-", t.execution, "-", t.max_steps, "-",
                        flags_of(t));
  }
  std::string bytes;
  put_varint(bytes, flags_of(t));
  put_varint(bytes, t.max_steps);
  if (t.form == ScheduleToken::Form::kInput) return absl::StrCat("w1i-", absl::WebSafeBase64Escape(bytes + t.input));
  // Run-length encoding: PCT runs one thread for long stretches.
  std::vector<std::pair<uint32_t, uint64_t>> runs;
  for (uint32_t d : t.decisions) {
    if (!runs.empty() && runs.back().first == d) {
      ++runs.back().second;
    } else {
      runs.emplace_back(d, 1);
    }
  }
  put_varint(bytes, runs.size());
  for (auto [value, count] : runs) {
    put_varint(bytes, value);
    put_varint(bytes, count);
  }
  return absl::StrCat("w1d-", absl::WebSafeBase64Escape(bytes));
}

absl::StatusOr<ScheduleToken> parse_token(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return bad(text, "it is empty");
  absl::string_view body = text;
  if (absl::ConsumePrefix(&body, "w1s-")) return parse_seed_form(text, body);
  if (absl::ConsumePrefix(&body, "w1d-")) return parse_decision_form(text, body);
  if (absl::ConsumePrefix(&body, "w1i-")) return parse_input_form(text, body);
  if (text.size() > 1 && text[0] == 'w' && absl::ascii_isdigit(static_cast<unsigned char>(text[1])) && text[1] != '1') {
    return bad(text, "it is a newer token version than this weft understands (it reads w1 tokens)");
  }
  return bad(text,
             "a weft schedule token starts with 'w1s-' (seed form) or 'w1d-' (decision form) or 'w1i-' (fuzzer input)");
}

}  // namespace weft::detail
