// A long execution keeps only the first and the last of its steps
// (runtime/trace_window.h): its report says how many it elided, shows the
// same steps whether the strategy kept every step or not, and its token
// still replays it exactly.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <string>

#include "support/test_support.h"
#include "weft/report/html.h"
#include "weft/report/json.h"
#include "weft/runtime/trace_window.h"

namespace {

using weft::FailureKind;
using weft::detail::RawEvent;
using weft::detail::TraceWindow;
using weft_test::contains;

constexpr int kRounds = 8000;  // about 50,000 steps: past TraceWindow::kLimit

// Locked increments for a long time, then one unlocked increment per
// thread: a lost update, tens of thousands of steps in.
void late_lost_update() {
  weft::mutex m{"m"};
  weft::var<int> x{0, "x"};
  auto work = [&] {
    for (int i = 0; i < kRounds; ++i) {
      m.lock();
      x = x + 1;
      m.unlock();
    }
    x = x + 1;
  };
  weft::thread other(work);
  work();
  other.join();
  WEFT_ASSERT(x == 2 * kRounds + 2);
}

weft::Options long_options(std::string strategy) {
  weft::Options o = weft_test::options_with(200, std::move(strategy));
  o.detect_races = false;
  o.max_steps = 1000000;
  return o;
}

void expect_elided_report(const weft::Failure& f) {
  const uint64_t steps = f.trace.size() + f.elided_steps;
  EXPECT_EQ(steps, f.step);
  EXPECT_GT(steps, TraceWindow::kLimit);
  ASSERT_EQ(f.trace.size(), TraceWindow::kHead + TraceWindow::kTail);
  EXPECT_EQ(f.trace[TraceWindow::kHead - 1].step, TraceWindow::kHead);
  EXPECT_EQ(f.trace[TraceWindow::kHead].step, TraceWindow::kHead + f.elided_steps + 1);
  EXPECT_EQ(f.trace.back().step, f.step);
  EXPECT_TRUE(contains(f.report, "Interleaving (" + std::to_string(steps) + " steps")) << f.report;
  EXPECT_TRUE(contains(f.report, std::to_string(steps - 200) + " steps not shown, " + std::to_string(f.elided_steps) +
                                     " of them elided (a long execution keeps only its first and last steps)"))
      << f.report;
  EXPECT_TRUE(contains(weft::failure_to_json(f), "\"elided_steps\":" + std::to_string(f.elided_steps)));
  EXPECT_TRUE(contains(weft::failure_to_html(f),
                       std::to_string(f.elided_steps) + " steps elided (a long execution keeps only its first"));
}

// random keeps a window of the steps; pos reads every step, so all are kept:
// the report shows the same excerpt either way, and the replay (a window
// again) repeats it byte for byte (expect_bug checks it).
TEST(LongExecution, ReportSaysWhatItElidedAndReplays) {
  for (const char* strategy : {"random", "pos"}) {
    SCOPED_TRACE(strategy);
    const std::optional<weft::Failure> f =
        weft::expect_bug(long_options(strategy), late_lost_update, {FailureKind::kAssertion});
    ASSERT_TRUE(f.has_value());
    expect_elided_report(*f);
  }
}

TEST(LongExecution, ShortExecutionsElideNothing) {
  const std::optional<weft::Failure> f = weft::expect_bug(weft_test::options_with(200, "random"),
                                                          [] {
                                                            weft::var<int> x{0, "x"};
                                                            weft::thread other([&] { x = x + 1; });
                                                            x = x + 1;
                                                            other.join();
                                                          },
                                                          {FailureKind::kDataRace});
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->elided_steps, 0u);
  EXPECT_EQ(f->trace.size(), f->step);
  EXPECT_FALSE(contains(f->report, "elided"));
  EXPECT_FALSE(contains(weft::failure_to_json(*f), "elided_steps"));
}

RawEvent numbered(uint64_t i) { return RawEvent{.value = i}; }

TEST(TraceWindow, KeepsTheFirstAndTheLastStepsInBoundedSpace) {
  TraceWindow window;
  window.start(/*keep_all=*/false);
  constexpr uint64_t kSteps = 100000;
  for (uint64_t i = 0; i < kSteps; ++i) {
    window.push_back(numbered(i));
    ASSERT_LE(window.kept().size(), TraceWindow::kLimit);
    ASSERT_EQ(window.back().value, i);
  }
  const weft::detail::TraceExcerpt shown = window.excerpt();
  ASSERT_EQ(shown.head.size(), TraceWindow::kHead);
  ASSERT_EQ(shown.tail.size(), TraceWindow::kTail);
  EXPECT_EQ(shown.elided, kSteps - TraceWindow::kHead - TraceWindow::kTail);
  for (size_t i = 0; i < shown.head.size(); ++i) ASSERT_EQ(shown.head[i].value, i);
  for (size_t i = 0; i < shown.tail.size(); ++i) ASSERT_EQ(shown.tail[i].value, kSteps - TraceWindow::kTail + i);
  EXPECT_EQ(window.last(3)[0].value, kSteps - 3);
  const uint64_t elided = shown.elided;

  window.start(/*keep_all=*/true);  // the same excerpt, from every step
  for (uint64_t i = 0; i < kSteps; ++i) window.push_back(numbered(i));
  EXPECT_EQ(window.kept().size(), kSteps);
  EXPECT_EQ(window.elided(), 0u);
  const weft::detail::TraceExcerpt all = window.excerpt();
  EXPECT_EQ(all.elided, elided);
  EXPECT_EQ(all.tail.front().value, kSteps - TraceWindow::kTail);
}

}  // namespace
