// A partitioned-log consumer (Kafka-like) losing its partition in a
// rebalance: where the commit goes decides between loss and duplicates.
//
// Pattern: a partition holds messages at offsets 0, 1, 2, ...; the group
//   stores the partition's committed offset. Consumer A owns the partition:
//   it reads the committed offset, processes that message (applies its
//   effect) and commits the next offset. A rebalance takes the partition
//   away (A's session expired): A notices at its next step and stops, and
//   consumer B resumes from the committed offset.
// Bug 1 (at most once): A commits, then processes. Revoked in between, A
//   never processes a message B will never read: a message is lost.
// Bug 2 (at least once): A processes, then commits. Revoked in between, B
//   reads the uncommitted message again: its effect is applied twice.
// Fix: process, then commit (nothing lost), with an idempotent effect (keyed
//   by offset, applied once however often it is delivered).
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <array>
#include <mutex>

#include "bugs/program.h"
#include "expect_bug.h"

namespace {

constexpr int kMessages = 3;

enum class Order { kCommitThenProcess, kProcessThenCommit };

template <Order kOrder, bool kIdempotent>
void consumer_loses_its_partition() {
  weft::atomic<int> committed{0, "committed"};
  weft::atomic<bool> a_owns{true, "a_owns"};
  weft::mutex effects_m{"effects"};
  std::array<int, kMessages> applied{};  // how often each message's effect took place
  std::array<bool, kMessages> seen{};    // the idempotent effect's record of offsets
  auto process = [&](int offset) {
    std::scoped_lock lock(effects_m);
    if (kIdempotent && seen[offset]) return;  // delivered again: no second effect
    seen[offset] = true;
    ++applied[offset];
  };
  // One consumer's loop; `owns` is null for the consumer that keeps the partition.
  auto consume = [&](weft::atomic<bool>* owns) {
    auto revoked = [&] { return owns != nullptr && !owns->load(); };
    while (!revoked()) {
      const int offset = committed.load();
      if (offset == kMessages) return;
      if constexpr (kOrder == Order::kCommitThenProcess) {
        committed.store(offset + 1);
        if (revoked()) return;
        process(offset);
      } else {
        process(offset);
        if (revoked()) return;
        committed.store(offset + 1);
      }
    }
  };
  weft::thread a([&] { consume(&a_owns); });
  weft::thread rebalance([&] { a_owns.store(false); });
  rebalance.join();
  a.join();
  consume(nullptr);  // B takes over from the committed offset
  for (int n : applied) {
    WEFT_ASSERT_MSG(n >= 1, "a message was lost in the rebalance");
    WEFT_ASSERT_MSG(n <= 1, "a message's effect was applied twice");
  }
}

}  // namespace

// Budget 2,000 each; the executions to the bug are printed by the tests.
TEST(ConsumerGroup, FindsAMessageLostByCommittingFirst) {
  examples::expect_bug(examples::budget(2000), consumer_loses_its_partition<Order::kCommitThenProcess, true>,
                       {weft::FailureKind::kAssertion}, "lost in the rebalance");
}

TEST(ConsumerGroup, FindsADuplicateEffectByProcessingFirst) {
  examples::expect_bug(examples::budget(2000), consumer_loses_its_partition<Order::kProcessThenCommit, false>,
                       {weft::FailureKind::kAssertion}, "applied twice");
}

WEFT_TEST_WITH(ConsumerGroup, ProcessingFirstWithAnIdempotentEffectIsExactlyOnce, weft::Options{.iterations = 2000}) {
  consumer_loses_its_partition<Order::kProcessThenCommit, true>();
}

WEFT_BUG_PROGRAM(consumer_commit_first, {.name = "examples/consumer_commit_first",
                                         .what = "a consumer commits before processing: a message lost on rebalance",
                                         .buggy = consumer_loses_its_partition<Order::kCommitThenProcess, true>,
                                         .fixed = consumer_loses_its_partition<Order::kProcessThenCommit, true>,
                                         .kinds = {weft::FailureKind::kAssertion}});
WEFT_BUG_PROGRAM(consumer_process_first,
                 {.name = "examples/consumer_process_first",
                  .what = "a consumer processes before committing, effect not idempotent: a duplicate",
                  .buggy = consumer_loses_its_partition<Order::kProcessThenCommit, false>,
                  .fixed = consumer_loses_its_partition<Order::kProcessThenCommit, true>,
                  .kinds = {weft::FailureKind::kAssertion}});

WEFT_TEST(ConsumerGroup, DISABLED_CommitThenProcess) {
  consumer_loses_its_partition<Order::kCommitThenProcess, true>();
}
