// Decisions are kept a byte each under 128 (runtime/decision_log.h) and
// decode to the same values: small ones, thread ids past 127, and the
// largest choose() values; a token of an execution with 200 threads, whose
// decisions need two bytes, replays it.
#include "weft/runtime/decision_log.h"

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <vector>

#include "support/test_support.h"

namespace {

using weft::detail::DecisionLog;

TEST(DecisionLog, KeepsSmallDecisionsInOneByteAndDecodesEveryValue) {
  DecisionLog log;
  const std::vector<uint32_t> values{0, 1, 127, 128, 255, 300, 16383, 16384, 2097152, UINT32_MAX, 5};
  for (uint32_t v : values) log.push_back(v);
  EXPECT_EQ(log.size(), values.size());
  // 1 + 1 + 1 + 2 + 2 + 2 + 2 + 3 + 4 + 5 + 1
  EXPECT_EQ(log.bytes(), 24u);
  EXPECT_EQ(log.decoded(), values);
  log.clear();
  for (int i = 0; i < 1000; ++i) log.push_back(static_cast<uint32_t>(i % 2));
  EXPECT_EQ(log.bytes(), 1000u);
  EXPECT_EQ(log.decoded().size(), 1000u);
  EXPECT_EQ(log.decoded()[999], 1u);
}

// 200 threads store what they loaded: a lost update.
void two_hundred_increments() {
  weft::atomic<int> x{0, "x"};
  std::vector<weft::thread> threads;
  for (int i = 0; i < 199; ++i) threads.emplace_back([&] { x.store(x.load() + 1); });
  x.store(x.load() + 1);
  for (weft::thread& t : threads) t.join();
  WEFT_ASSERT(x.load() == 200);
}

// Thread ids up to 199: the lost update is found, and its decision-form
// token replays it (expect_bug checks the replay).
TEST(DecisionLog, ATokenWithThreadIdsPast127Replays) {
  const std::optional<weft::Failure> f =
      weft::expect_bug(weft_test::options_with(500, "random"), two_hundred_increments, {weft::FailureKind::kAssertion});
  ASSERT_TRUE(f.has_value());
}

}  // namespace
