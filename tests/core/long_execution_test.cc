// A long execution keeps only the first and the last of its steps
// (runtime/trace_window.h), under every strategy: its report says how many
// it elided, its token still replays it exactly, and its memory does not
// grow with its length (the strategies that need every step get each one as
// it is taken and keep what they need of it, not the step).
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <chrono>
#include <fstream>
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

// Under random and under pos (which needs every step): the report shows the
// excerpt, and the replay repeats it byte for byte (expect_bug checks it).
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

// The process's peak RSS (VmHWM) in KiB, or 0 if /proc does not say.
uint64_t peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

// Resets the peak to the current RSS (Linux 4.0 and later); false if it
// cannot.
bool reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.close();
  return !clear.fail();
}

constexpr uint64_t kLongRounds = 250000;  // per thread, 4 steps each: 2M steps

// Two threads increment under a lock for a long time: no bug.
void long_locked_increments() {
  weft::mutex m{"m"};
  weft::var<int> x{0, "x"};
  auto work = [&] {
    for (uint64_t i = 0; i < kLongRounds; ++i) {
      m.lock();
      x = x + 1;
      m.unlock();
    }
  };
  weft::thread other(work);
  work();
  other.join();
}

// Explores long_locked_increments for `executions` executions of up to 2M
// steps under `strategy`, and says by how many KiB the peak RSS grew.
struct Measured {
  weft::Result result;
  uint64_t grown_kib = 0;
};

Measured explore_long(const char* strategy, uint64_t executions) {
  weft::Options o = long_options(strategy);
  o.iterations = executions;
  o.max_steps = 10 * kLongRounds;
  o.stall_timeout = std::chrono::milliseconds{0};  // long, not stuck
  EXPECT_TRUE(reset_peak_rss());
  const uint64_t before = peak_rss_kib();
  Measured m{weft::explore(o, long_locked_increments)};
  m.grown_kib = peak_rss_kib() - before;
  return m;
}

// Two executions of 2M steps each (SURW's and the fuzzer's first one profiles
// the program, the second schedules by the profile), under each strategy
// that needs every step, the default among them: the peak RSS grows by a few
// MiB (the window of steps, the decisions at a byte each), not by the 70
// bytes and more per step they grew by when every step was kept for these
// strategies (about 140 MiB here, for one execution).
TEST(LongExecution, MemoryDoesNotGrowWithTheStepsUnderAnyStrategy) {
  if (!reset_peak_rss() || peak_rss_kib() == 0) GTEST_SKIP() << "no /proc/self/clear_refs or VmHWM";
  for (const char* strategy : {"random", "pos", "surw", "fuzz", "portfolio"}) {
    SCOPED_TRACE(strategy);
    const Measured m = explore_long(strategy, 2);
    ASSERT_FALSE(m.result.bug_found()) << m.result.failure->report;
    ASSERT_EQ(m.result.executions, 2u);
    EXPECT_GT(m.result.total_steps, 2 * 4 * 2 * kLongRounds);
    EXPECT_LT(m.grown_kib, 24u * 1024) << "peak RSS grew by " << m.grown_kib << " KiB over " << m.result.total_steps
                                       << " steps";
  }
}

// One execution of 2M steps under the systematic search: it keeps the
// execution's steps for the reduction (8 bytes each) and its path (8 bytes a
// decision), so the peak grows by about 16 bytes per step, not by the 195
// it grew by with a 24-byte step, a 150-byte decision and a vector clock per
// step (about 390 MiB here).
TEST(LongExecution, SystematicSearchKeepsAboutSixteenBytesPerStep) {
  if (!reset_peak_rss() || peak_rss_kib() == 0) GTEST_SKIP() << "no /proc/self/clear_refs or VmHWM";
  for (const char* strategy : {"dfs:1", "dpor"}) {
    SCOPED_TRACE(strategy);
    const Measured m = explore_long(strategy, 1);
    ASSERT_FALSE(m.result.bug_found()) << m.result.failure->report;
    ASSERT_EQ(m.result.executions, 1u);
    EXPECT_GT(m.result.total_steps, 4 * 2 * kLongRounds);
    EXPECT_LT(m.grown_kib * 1024, 24 * m.result.total_steps)
        << "peak RSS grew by " << m.grown_kib << " KiB over " << m.result.total_steps << " steps";
  }
}

RawEvent numbered(uint64_t i) { return RawEvent{.value = i}; }

TEST(TraceWindow, KeepsTheFirstAndTheLastStepsInBoundedSpace) {
  TraceWindow window;
  window.start();
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

  window.start();  // a new execution keeps nothing of the last
  window.push_back(numbered(7));
  EXPECT_EQ(window.kept().size(), 1u);
  EXPECT_EQ(window.elided(), 0u);
}

}  // namespace
