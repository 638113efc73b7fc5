// Schedule tokens: both forms round-trip, and every malformed token is a
// Result::error whose message says what is wrong, never a crash and never a
// silent run of some other schedule.
#include "weft/report/token.h"

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "support/test_support.h"

namespace {

using weft::detail::format_token;
using weft::detail::parse_token;
using weft::detail::ScheduleToken;
using weft_test::contains;

// A decision token from raw payload bytes: varints for flags, max_steps, the
// number of runs, then (value, count) per run.
std::string decision_token(const std::string& payload) { return "w1d-" + absl::WebSafeBase64Escape(payload); }

// Replays `token` against a body that must never run; returns the error.
std::string replay_error(const std::string& token) {
  int runs = 0;
  const weft::Result r = weft::replay(token, [&runs] { ++runs; });
  EXPECT_EQ(runs, 0) << "the body ran for a bad token: " << token;
  EXPECT_FALSE(r.failure.has_value());
  EXPECT_EQ(r.error.code(), absl::StatusCode::kInvalidArgument) << token;
  return std::string(r.error.message());
}

TEST(Token, MalformedTokensAreErrorsThatSayWhy) {
  struct Case {
    std::string token;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"", "it is empty"},
      {" \n\t", "it is empty"},
      {"x1d-AKCNBgA", "starts with 'w1s-' (seed form) or 'w1d-' (decision form) or 'w1i-' (fuzzer input)"},
      {"w1x-AKCNBgA", "starts with 'w1s-'"},
      {"weft", "starts with 'w1s-'"},
      {"w2d-AKCNBgA", "newer token version"},
      {"w7s-random-5eed-0-100-0", "newer token version"},
      {"w1d-", "not base64url"},
      {"w1d-!!!!", "not base64url"},
      {"w1d-AKCN*Bg", "not base64url"},
      // Truncated payloads: cut inside max_steps, before the run count, and
      // inside a run.
      {decision_token(std::string("\x00\xa0", 2)), "truncated"},
      {decision_token(std::string("\x00\xa0\x8d\x06", 4)), "truncated"},
      {decision_token(std::string("\x00\xa0\x8d\x06\x02\x01\x05\x00", 8)), "truncated"},
      {decision_token(std::string("\x00\xa0\x8d\x06\x01\x01\x00", 7)), "corrupt"},  // a run of zero
      {decision_token(std::string("\x00\xa0\x8d\x06\x01\x01\x01\x07", 8)), "trailing data"},
      {decision_token(std::string("\x08\x0a\x00", 3)), "unknown flags"},
      {decision_token(std::string("\x00\x00\x00", 3)), "max_steps is zero"},
      {decision_token(std::string("\x00\x0a\x01\xff\xff\xff\xff\x1f\x01", 9)), "corrupt"},  // value > 2^32
      // 2^24 + 1 decisions claimed by a few bytes: refused, not allocated.
      {decision_token(std::string("\x00\x0a\x01\x00\x81\x80\x80\x08", 8)), "corrupt"},
      // Input form (a fuzzer's bytes): the options are checked, any bytes follow.
      {"w1i-!!!!", "not base64url"},
      {"w1i-", "input data is truncated"},
      {"w1i-AA", "input data is truncated"},  // flags, no max_steps
      {"w1i-CAo", "unknown flags"},
      {"w1i-AAA", "max_steps is zero"},
      // Seed form: each field checked.
      {"w1s-random-5eed-0-100", "five fields"},
      {"w1s-random-5eed-0-100-0-7", "five fields"},
      {"w1s--5eed-0-100-0", "strategy field is empty"},
      {"w1s-random-zz-0-100-0", "seed field is not a hexadecimal number"},
      {"w1s-random--0-100-0", "seed field"},
      {"w1s-random-5eed-x-100-0", "execution field is not a number"},
      {"w1s-random-5eed-0-0-0", "max_steps field is not a positive number"},
      {"w1s-random-5eed-0-many-0", "max_steps field"},
      {"w1s-random-5eed-0-100-8", "unknown flags"},
      {"w1s-random-5eed-0-100-x", "unknown flags"},
      {"w1s-random-5eed-99999999999999999999999-100-0", "execution field"},
      // Well-formed, but naming a strategy this weft cannot rebuild.
      {"w1s-bogus-5eed-0-100-0", "unknown strategy 'bogus'"},
      {"w1s-pct0k50-5eed-0-100-0", "PCT depth"},
      {"w1s-pct3k0-5eed-0-100-0", "unknown strategy"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.token);
    const std::string message = replay_error(c.token);
    EXPECT_TRUE(contains(message, "bad schedule token"));
    EXPECT_TRUE(contains(message, c.says));
  }
}

TEST(Token, ErrorMessagesQuoteLongTokensShortened) {
  const std::string message = replay_error("w1d-" + std::string(500, '!'));
  EXPECT_TRUE(contains(message, "..."));
  EXPECT_LT(message.size(), 250u);
}

TEST(Token, DecisionFormRoundTrips) {
  std::vector<uint32_t> decisions;
  for (int i = 0; i < 1000; ++i) decisions.push_back(1);  // a long run, as PCT makes
  for (uint32_t v : {0u, 2u, 0u, UINT32_MAX, 7u, 7u}) decisions.push_back(v);
  for (const std::vector<uint32_t>& d : {std::vector<uint32_t>{}, decisions}) {
    ScheduleToken t;
    t.form = ScheduleToken::Form::kDecisions;
    t.max_steps = 123456;
    t.spurious_wakeups = true;
    t.decisions = d;
    const std::string text = format_token(t);
    EXPECT_TRUE(text.starts_with("w1d-"));
    absl::StatusOr<ScheduleToken> back = parse_token(text);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->form, ScheduleToken::Form::kDecisions);
    EXPECT_EQ(back->max_steps, 123456u);
    EXPECT_TRUE(back->spurious_wakeups);
    EXPECT_EQ(back->decisions, d);
  }
  // Run-length encoding keeps PCT's long runs short.
  ScheduleToken t;
  t.max_steps = 100000;
  t.decisions = decisions;
  EXPECT_LT(format_token(t).size(), 40u);
}

TEST(Token, SeedFormRoundTrips) {
  ScheduleToken t;
  t.form = ScheduleToken::Form::kSeed;
  t.strategy = "pct3k57";
  t.seed = UINT64_MAX;
  t.execution = 4321;
  t.max_steps = 99;
  t.spurious_wakeups = false;
  const std::string text = format_token(t);
  EXPECT_EQ(text, "w1s-pct3k57-ffffffffffffffff-4321-99-0");
  absl::StatusOr<ScheduleToken> back = parse_token(text);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->form, ScheduleToken::Form::kSeed);
  EXPECT_EQ(back->strategy, "pct3k57");
  EXPECT_EQ(back->seed, UINT64_MAX);
  EXPECT_EQ(back->execution, 4321u);
  EXPECT_EQ(back->max_steps, 99u);
  EXPECT_FALSE(back->spurious_wakeups);
}

// Explicit calls, not operators: their reports need no symbolizer, which
// keeps hundreds of replays cheap.
void lost_update_body() {
  weft::atomic<int> x{0, "x"};
  weft::thread t([&] { x.store(x.load() + 1); });
  x.store(x.load() + 1);
  t.join();
  WEFT_ASSERT(x.load() == 2);
}

TEST(Token, PastedTokensMayCarrySurroundingWhitespace) {
  const weft::Result found = weft::explore(weft_test::options_with(2000), lost_update_body);
  ASSERT_TRUE(found.failure.has_value());
  for (const std::string& token : {found.failure->token, found.failure->seed_token}) {
    const weft::Result again = weft::replay("  " + token + "\n", lost_update_body);
    ASSERT_TRUE(again.error.ok()) << again.error;
    ASSERT_TRUE(again.failure.has_value());
    EXPECT_EQ(again.failure->message, found.failure->message);
    EXPECT_EQ(again.failure->token, token);  // reported without the whitespace
  }
}

// Cheap, deterministic cousin of tests/fuzz/token: mangled real tokens are
// rejected with a message or replay some schedule; nothing crashes.
TEST(Token, MangledTokensNeverCrash) {
  const weft::Result found = weft::explore(weft_test::options_with(2000), lost_update_body);
  ASSERT_TRUE(found.failure.has_value());
  std::mt19937 rng(7);
  const std::string alphabet = "w1sd-AZaz09_-+/=!~ \x80";
  int rejected = 0;
  for (const std::string& original : {found.failure->token, found.failure->seed_token}) {
    for (int i = 0; i < 500; ++i) {
      std::string token = original;
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits && !token.empty(); ++e) {
        const size_t at = rng() % token.size();
        switch (rng() % 3) {
          case 0:
            token[at] = alphabet[rng() % alphabet.size()];
            break;
          case 1:
            token.erase(at, 1);
            break;
          default:
            token.resize(at);
            break;
        }
      }
      const weft::Result r = weft::replay(token, lost_update_body);
      if (!r.error.ok()) {
        ++rejected;
        EXPECT_TRUE(contains(r.error.message(), "bad schedule token")) << token;
      }
    }
  }
  EXPECT_GT(rejected, 0);
}

}  // namespace
