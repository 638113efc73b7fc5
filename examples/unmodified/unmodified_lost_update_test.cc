// A lost update in unmodified code: two std::threads increment a plain int.
// The code under test uses std:: types only; the target links
// weft::unmodified, so the compiler instruments it for ThreadSanitizer and
// weft's runtime answers.
//
// Bug: `counter = counter + 1` is a read and a write. If both threads read
//   before either writes, one increment is lost. Without a lock it is also a
//   data race, which weft's happens-before detector reports as soon as two
//   unordered accesses happen, whatever the values.
// Fix: a std::mutex around the increment (or a std::atomic fetch_add).
//
// The weft twins (weft::thread, weft::var, weft::this_thread::yield) of the
// same bodies run in the same binary, so executions-to-bug can be compared
// at the same seed and strategy (printed, and quoted in docs/unmodified.md).
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <mutex>
#include <thread>

#include "expect_bug.h"

namespace {

// std::this_thread::yield between the read and the write: a scheduling
// point (sched_yield is intercepted), so the lost update shows in the total.
// Plain memory accesses are not scheduling points.
void std_racy_increments() {
  int counter = 0;
  const auto increment = [&counter] {
    const int seen = counter;
    std::this_thread::yield();
    counter = seen + 1;
  };
  std::thread a(increment);
  std::thread b(increment);
  a.join();
  b.join();
  WEFT_ASSERT(counter == 2);
}

void std_locked_increments() {
  int counter = 0;
  std::mutex m;
  const auto increment = [&] {
    std::lock_guard lock(m);
    const int seen = counter;
    std::this_thread::yield();
    counter = seen + 1;
  };
  std::thread a(increment);
  std::thread b(increment);
  a.join();
  b.join();
  WEFT_ASSERT(counter == 2);
}

// The weft twin of std_racy_increments.
void weft_racy_increments() {
  weft::var<int> counter{0, "counter"};
  const auto increment = [&counter] {
    const int seen = counter;
    weft::this_thread::yield();
    counter = seen + 1;
  };
  weft::thread a(increment);
  weft::thread b(increment);
  a.join();
  b.join();
  WEFT_ASSERT(counter == 2);
}

// The README's example, as written there: no yield, so only the race shows.
void readme_example() {
  int counter = 0;  // a plain int
  auto add = [&counter] { counter = counter + 1; };
  std::thread a(add), b(add);
  a.join();
  b.join();
  WEFT_ASSERT(counter == 2);
}

weft::Options without_race_detector(uint64_t iterations) {
  weft::Options o = examples::budget(iterations);
  o.detect_races = false;
  return o;
}

}  // namespace

// The data race: reported in the first execution where both threads run.
TEST(UnmodifiedLostUpdate, FindsDataRace) {
  examples::expect_bug(examples::budget(2000), std_racy_increments, {weft::FailureKind::kDataRace});
}

TEST(UnmodifiedLostUpdate, ReadmeExampleFindsDataRace) {
  examples::expect_bug(examples::budget(2000), readme_example, {weft::FailureKind::kDataRace});
}

// The wrong total, with the race detector off: needs a switch between one
// thread's read and its write.
TEST(UnmodifiedLostUpdate, FindsWrongTotal) {
  examples::expect_bug(without_race_detector(2000), std_racy_increments, {weft::FailureKind::kAssertion});
}

TEST(UnmodifiedLostUpdate, WeftTwinFindsWrongTotal) {
  examples::expect_bug(without_race_detector(2000), weft_racy_increments, {weft::FailureKind::kAssertion});
}

WEFT_TEST_WITH(UnmodifiedLostUpdate, LockedIncrementsAreClean, weft::Options{.iterations = 2000}) {
  std_locked_increments();
}
