// Unbounded recursion in a weft thread hits the guard page below its pooled
// stack and is reported as kStackOverflow, with a token that replays it; the
// process survives and goes on exploring. Skipped under AddressSanitizer,
// which owns stack-overflow reporting there.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <cstddef>

#include "support/test_support.h"
#include "weft/runtime/sanitizer_fibers.h"

namespace {

using weft::FailureKind;
using weft_test::contains;
using weft_test::options_with;

// Recurses `depth` times using about 1 KiB of stack per frame. The volatile
// buffer and the use after the call keep the compiler from turning the
// recursion into a loop.
[[gnu::noinline]] int recurse(int depth) {
  volatile char frame[1024];
  frame[0] = static_cast<char>(depth);
  if (depth == 0) return frame[0];
  return recurse(depth - 1) + frame[0];
}

// Never set: an exit the compiler cannot see through, so it neither warns
// about infinite recursion nor assumes it away.
volatile bool never = false;

// Recurses until the stack runs out.
[[gnu::noinline]] int recurse_forever(int depth) {
  volatile char frame[1024];
  frame[0] = static_cast<char>(depth);
  if (never) return frame[0];
  return recurse_forever(depth + 1) + frame[0];
}

class StackOverflow : public testing::Test {
 protected:
  void SetUp() override {
    if (weft::detail::kAddressSanitizer) GTEST_SKIP() << "AddressSanitizer reports stack overflows itself";
  }
};

TEST_F(StackOverflow, UnboundedRecursionInAThreadIsReported) {
  const weft::Options options = options_with(50);
  const weft_test::Body body = [] {
    weft::atomic<int> result{0};
    weft::thread t([&] { result.store(recurse_forever(0)); });
    t.join();
  };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kStackOverflow});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "stack overflow in thread 1"));
  EXPECT_TRUE(contains(f->message, "256 KiB"));
  EXPECT_TRUE(contains(f->message, "Options::stack_size"));
  EXPECT_EQ(f->thread, 1);
}

TEST_F(StackOverflow, UnboundedRecursionInTheBody) {
  const weft::Options options = options_with(5);
  const weft_test::Body body = [] { (void)recurse_forever(0); };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kStackOverflow});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "stack overflow in thread 0"));
}

TEST_F(StackOverflow, ExploringGoesOnAfterAnOverflow) {
  for (int round = 0; round < 3; ++round) {
    const weft::Result r = weft::explore(options_with(5), [] { (void)recurse_forever(0); });
    ASSERT_TRUE(r.failure.has_value());
    EXPECT_EQ(r.failure->kind, FailureKind::kStackOverflow);
  }
  weft::expect_no_bug(options_with(500), [] {
    weft::atomic<int> x{0};
    weft::thread t([&] { x.store(recurse(50)); });
    t.join();
  });
}

TEST_F(StackOverflow, StackSizeOptionAllowsDeeperRecursion) {
  // About 400 KiB deep: too much for the default 256 KiB, fine with 1 MiB.
  const weft_test::Body body = [] {
    weft::atomic<int> x{0};
    weft::thread t([&] { x.store(recurse(400)); });
    t.join();
  };
  const weft::Result small = weft::explore(options_with(5), body);
  ASSERT_TRUE(small.failure.has_value());
  EXPECT_EQ(small.failure->kind, FailureKind::kStackOverflow);
  weft::Options big = options_with(200);
  big.stack_size = 1024 * 1024;
  weft::expect_no_bug(big, body);
}

}  // namespace
