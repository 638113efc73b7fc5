// Three more seed bug patterns in unmodified std:: code, each found and
// replayed, each with its fixed version clean over many schedules, and each
// next to its weft:: twin (the same code over weft's types, seed_patterns.h,
// compiled without instrumentation in weft_twins.cc):
//
// - lost wakeup: `if` instead of `while` around std::condition_variable::wait;
// - Treiber stack ABA with std::atomic: a bare-pointer head against a
//   tagged one;
// - an actor mailbox (std::mutex, std::condition_variable, std::deque): an
//   update split into two messages against one message.
//
// The lost update and the lock-order deadlock are in their own files.
// WEFT_EXAMPLES_COMPARE=1 prints what each strategy needs on its own;
// bench/unmodified/twins_bench.cc compares the twins' executions to the bug
// and executions per second.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include "expect_bug.h"
#include "seed_patterns.h"
#include "weft_twins.h"

namespace {

using seed::Recheck;
using seed::StdTypes;
using seed::Update;

}  // namespace

// Consumer A waits; the producer pushes and notifies A; before A gets the
// mutex back, B pops the item; A pops from the empty buffer.
TEST(UnmodifiedLostWakeup, FindsIfInsteadOfWhile) {
  examples::expect_bug(examples::budget(3000), seed::lost_wakeup<StdTypes, Recheck::kIf>,
                       {weft::FailureKind::kAssertion}, "popped from an empty buffer");
}

TEST(UnmodifiedLostWakeup, WeftTwinFindsIfInsteadOfWhile) {
  examples::expect_bug(examples::budget(3000), weft_twins::lost_wakeup_if, {weft::FailureKind::kAssertion},
                       "popped from an empty buffer");
}

WEFT_TEST_WITH(UnmodifiedLostWakeup, WhileIsClean, weft::Options{.iterations = 2000}) {
  seed::lost_wakeup<StdTypes, Recheck::kWhile>();
}

// Thread 1 must be preempted between reading `next` and its CAS while
// thread 2 runs three whole operations.
TEST(UnmodifiedTreiberStack, FindsAba) {
  examples::expect_bug(examples::budget(5000), seed::treiber_aba<StdTypes, seed::PointerHead>,
                       {weft::FailureKind::kAssertion});
}

TEST(UnmodifiedTreiberStack, WeftTwinFindsAba) {
  examples::expect_bug(examples::budget(5000), weft_twins::treiber_aba_pointer_head, {weft::FailureKind::kAssertion});
}

WEFT_TEST_WITH(UnmodifiedTreiberStack, TaggedHeadIsClean, weft::Options{.iterations = 3000}) {
  seed::treiber_aba<StdTypes, seed::TaggedHead>();
}

// Alice's Set overwrites Bob's (or the reverse) when both Get before either Sets.
TEST(UnmodifiedActor, FindsLostUpdateAcrossGetThenSet) {
  examples::expect_bug(examples::budget(3000), seed::actor_mailbox<StdTypes, Update::kGetThenSet>,
                       {weft::FailureKind::kAssertion}, "an update sent to the actor was lost");
}

TEST(UnmodifiedActor, WeftTwinFindsLostUpdateAcrossGetThenSet) {
  examples::expect_bug(examples::budget(3000), weft_twins::actor_get_then_set, {weft::FailureKind::kAssertion},
                       "an update sent to the actor was lost");
}

WEFT_TEST_WITH(UnmodifiedActor, OneMessageUpdateIsClean, weft::Options{.iterations = 2000}) {
  seed::actor_mailbox<StdTypes, Update::kOneMessage>();
}
