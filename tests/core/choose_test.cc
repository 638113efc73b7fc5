// weft::choose(n): data nondeterminism the strategies explore and the token
// records, so a failure that depends on a chosen value replays too.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <set>
#include <string>

#include "support/test_support.h"

namespace {

using weft::FailureKind;
using weft_test::contains;
using weft_test::options_with;

TEST(Choose, EveryValueComesUpAcrossExecutionsUnderEveryStrategy) {
  for (const char* strategy : {"random", "pct:1", "pct:3", "pos", "surw", "portfolio"}) {
    SCOPED_TRACE(strategy);
    std::set<uint32_t> seen;
    weft::expect_no_bug(options_with(300, strategy), [&seen] {
      const uint32_t v = weft::choose(5);
      WEFT_ASSERT(v < 5);
      seen.insert(v);
    });
    EXPECT_EQ(seen, (std::set<uint32_t>{0, 1, 2, 3, 4}));
  }
}

TEST(Choose, ChoosingAmongOneOrNoneIsZeroAndNotADecision) {
  weft::expect_no_bug(options_with(50), [] {
    WEFT_ASSERT(weft::choose(1) == 0);
    WEFT_ASSERT(weft::choose(0) == 0);
  });
}

TEST(Choose, ChoicesInsideThreadsCombineWithScheduling) {
  std::set<std::string> outcomes;
  weft::expect_no_bug(options_with(2000), [&outcomes] {
    weft::mutex m;
    std::string log;  // guarded by m
    auto pick = [&] {
      const char c = weft::choose(2) == 0 ? 'x' : 'y';
      std::lock_guard lock(m);
      log += c;
    };
    weft::thread a(pick);
    pick();
    a.join();
    outcomes.insert(log);
  });
  EXPECT_EQ(outcomes, (std::set<std::string>{"xx", "xy", "yx", "yy"}));
}

// Fails only for one combination of two choices.
void needle_body() {
  const uint32_t a = weft::choose(4);
  const uint32_t b = weft::choose(3);
  WEFT_ASSERT_MSG(!(a == 3 && b == 1), "found the needle");
}

TEST(Choose, AFailureThatDependsOnChosenValuesReplays) {
  const weft::Options options = options_with(2000, "random");
  std::optional<weft::Failure> f = weft::expect_bug(options, needle_body, {FailureKind::kAssertion});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "found the needle"));
  // The report shows the chosen values.
  EXPECT_TRUE(contains(f->report, "choose"));
  EXPECT_TRUE(contains(f->report, "-> 3"));
  EXPECT_TRUE(contains(f->report, "-> 1"));
}

}  // namespace
