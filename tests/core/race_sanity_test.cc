// Data races, basic sanity only (tests/detect/ covers the detector in
// depth): an unsynchronized increment of a weft::var is a kDataRace naming
// the variable, with both accesses listed and highlighted in the trace; the
// mutex-protected version is clean; the report replays byte for byte.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <algorithm>
#include <mutex>

#include "support/test_support.h"

namespace {

using weft::FailureKind;
using weft_test::contains;
using weft_test::options_with;

void increment_body(bool locked) {
  weft::var<int> hits{0, "hits"};
  weft::mutex m{"m"};
  auto increment = [&] {
    if (locked) {
      std::lock_guard lock(m);
      hits += 1;
    } else {
      hits += 1;
    }
  };
  weft::thread t(increment);
  increment();
  t.join();
}

TEST(RaceSanity, UnsynchronizedIncrementIsADataRace) {
  const weft::Options options = options_with(1000);
  const weft_test::Body body = [] { increment_body(false); };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kDataRace});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "data race on 'hits'"));
  EXPECT_TRUE(contains(f->message, "thread 0"));
  EXPECT_TRUE(contains(f->message, "thread 1"));
  // Both accesses are listed with their source lines.
  const weft::DataRace* race = f->evidence_if<weft::DataRace>();
  ASSERT_NE(race, nullptr);
  EXPECT_TRUE(contains(race->earlier.where.file, "race_sanity_test.cc"));
  EXPECT_TRUE(contains(race->later.where.file, "race_sanity_test.cc"));
  EXPECT_TRUE(contains(f->report, "earlier: thread "));
  EXPECT_TRUE(contains(f->report, "later:   thread "));
  // Both accesses are marked in the interleaving, on different threads.
  std::vector<const weft::TraceStep*> marked;
  for (const weft::TraceStep& s : f->trace) {
    if (s.highlighted) marked.push_back(&s);
  }
  ASSERT_EQ(marked.size(), 2u) << f->report;
  EXPECT_NE(marked[0]->thread, marked[1]->thread);
  for (const weft::TraceStep* s : marked) {
    EXPECT_TRUE(s->op == "read" || s->op == "write") << s->op;
    EXPECT_EQ(s->object, "hits");
  }
  EXPECT_TRUE(std::any_of(marked.begin(), marked.end(), [](const weft::TraceStep* s) { return s->op == "write"; }));
  EXPECT_TRUE(contains(f->report, "\n>"));  // highlighted rows start with '>'
}

TEST(RaceSanity, TheMutexProtectedIncrementIsClean) {
  weft::expect_no_bug(options_with(3000), [] { increment_body(true); });
}

TEST(RaceSanity, RacesAreNotReportedWhenDetectionIsOff) {
  weft::Options options = options_with(1000);
  options.detect_races = false;
  weft::expect_no_bug(options, [] { increment_body(false); });
}

}  // namespace
