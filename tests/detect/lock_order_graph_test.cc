// LockOrder on its own, without an execution: the detector is fed
// acquisitions and releases as arguments, as the lock types' hooks feed it,
// and its cycles are checked field by field. Cycles of two to five locks
// (a search that gave up after three edges would miss the last two), gate
// locks, shared modes, try_lock, and locks known by creation across
// executions.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "weft/detect/lock_order.h"

namespace {

using weft::detail::CycleEdge;
using weft::detail::Hold;
using weft::detail::LockCycle;
using weft::detail::LockOrder;

// A stand-in for a lock object: only its address and name matter.
struct Lock {
  std::string name;
  uint32_t node = LockOrder::kUnregistered;
};

// Feeds one exploration's acquisitions to a LockOrder, numbering steps.
class Feed {
 public:
  Feed() { order.begin_execution(); }

  // A lock constructed by `thread` in this execution.
  Lock make(int thread, std::string name) { return Lock{std::move(name), order.created(thread)}; }

  void lock(int thread, const Lock& l, Hold mode = Hold::kExclusive, bool blocking = true,
            weft::source_location where = weft::source_location::current()) {
    order.acquired(thread, &l, l.node, l.name.c_str(), where, nullptr, ++step, blocking, mode);
  }
  void unlock(int thread, const Lock& l) { order.released(thread, &l); }

  // `thread` takes `outer` then `inner`, then lets both go.
  void nested(int thread, const Lock& outer, const Lock& inner, Hold outer_mode = Hold::kExclusive,
              Hold inner_mode = Hold::kExclusive) {
    lock(thread, outer, outer_mode);
    lock(thread, inner, inner_mode);
    unlock(thread, inner);
    unlock(thread, outer);
  }

  void next_execution() {
    order.begin_execution();
    step = 0;
  }

  LockOrder order;
  uint64_t step = 0;
};

// The names of the locks along the cycle, starting with the first edge's held lock.
std::vector<std::string> cycle_names(const LockCycle& cycle) {
  std::vector<std::string> names{cycle.edges.front().held.name};
  for (const CycleEdge& e : cycle.edges) names.push_back(e.taken.name);
  return names;
}

TEST(LockOrderGraph, OneOrderIsNoCycle) {
  Feed f;
  const Lock a = f.make(0, "a"), b = f.make(0, "b");
  f.nested(1, a, b);
  f.nested(2, a, b);
  f.nested(1, a, b);
  EXPECT_FALSE(f.order.take_cycle().has_value());
}

TEST(LockOrderGraph, TwoLocksInOppositeOrdersAreACycleWithBothSitesOfEachEdge) {
  Feed f;
  const Lock a = f.make(0, "a"), b = f.make(0, "b");
  const int line = __LINE__ + 1;
  f.lock(1, a);  // step 1
  f.lock(1, b);  // step 2: the edge a -> b
  f.unlock(1, b);
  f.unlock(1, a);
  EXPECT_FALSE(f.order.take_cycle().has_value());
  f.lock(2, b);                                       // step 3
  f.lock(2, a, Hold::kExclusive, /*blocking=*/true);  // step 4: b -> a closes the cycle
  const std::optional<LockCycle> cycle = f.order.take_cycle();
  ASSERT_TRUE(cycle.has_value());
  ASSERT_EQ(cycle->edges.size(), 2u);

  const CycleEdge& closing = cycle->edges[0];
  EXPECT_EQ(closing.thread, 2);
  EXPECT_EQ(closing.held.name, "b");
  EXPECT_EQ(closing.taken.name, "a");
  EXPECT_EQ(closing.held.node, b.node);
  EXPECT_EQ(closing.taken.node, a.node);
  EXPECT_EQ(closing.held.address, &b);  // both taken in this execution
  EXPECT_EQ(closing.taken.address, &a);
  EXPECT_EQ(closing.held_at.where.line(), static_cast<unsigned>(line + 5));
  EXPECT_EQ(closing.taken_at.where.line(), static_cast<unsigned>(line + 6));
  EXPECT_EQ(closing.held_step, 3u);
  EXPECT_EQ(closing.taken_step, 4u);
  EXPECT_EQ(closing.held_mode, Hold::kExclusive);
  EXPECT_EQ(closing.taken_mode, Hold::kExclusive);
  EXPECT_FALSE(closing.earlier_execution.has_value());

  const CycleEdge& earlier = cycle->edges[1];
  EXPECT_EQ(earlier.thread, 1);
  EXPECT_EQ(earlier.held.name, "a");
  EXPECT_EQ(earlier.taken.name, "b");
  EXPECT_EQ(earlier.held_at.where.line(), static_cast<unsigned>(line));
  EXPECT_EQ(earlier.taken_at.where.line(), static_cast<unsigned>(line + 1));
  EXPECT_EQ(earlier.held_step, 1u);
  EXPECT_EQ(earlier.taken_step, 2u);
  EXPECT_FALSE(earlier.earlier_execution.has_value());

  // Handed out once.
  EXPECT_FALSE(f.order.take_cycle().has_value());
}

// Thread i takes lock i, then lock i+1 (mod n), one thread after the other:
// the last acquisition closes a cycle through all n locks.
class LockOrderRing : public testing::TestWithParam<int> {};

TEST_P(LockOrderRing, EveryLockOfTheRingIsInTheCycleInOrder) {
  const int n = GetParam();
  Feed f;
  std::vector<Lock> locks;
  for (int i = 0; i < n; ++i) locks.push_back(f.make(0, "L" + std::to_string(i)));
  for (int i = 0; i + 1 < n; ++i) {
    f.nested(i + 1, locks[i], locks[i + 1]);
    ASSERT_FALSE(f.order.take_cycle().has_value()) << "a chain is no cycle";
  }
  f.nested(n, locks[n - 1], locks[0]);
  const std::optional<LockCycle> cycle = f.order.take_cycle();
  ASSERT_TRUE(cycle.has_value()) << n << " locks";
  ASSERT_EQ(cycle->edges.size(), static_cast<size_t>(n));
  // The closing edge L(n-1) -> L0 first, then L0 -> L1, ..., back to L(n-1).
  std::vector<std::string> expected{"L" + std::to_string(n - 1)};
  for (int i = 0; i < n; ++i) expected.push_back("L" + std::to_string(i));
  EXPECT_EQ(cycle_names(*cycle), expected);
  EXPECT_EQ(cycle->edges[0].thread, n);
  for (int i = 1; i < n; ++i) EXPECT_EQ(cycle->edges[i].thread, i);
}

INSTANTIATE_TEST_SUITE_P(TwoToFiveLocks, LockOrderRing, testing::Values(2, 3, 4, 5));

TEST(LockOrderGraph, ACommonGateLockSerializesTheOrders) {
  Feed f;
  const Lock gate = f.make(0, "gate"), a = f.make(0, "a"), b = f.make(0, "b");
  f.lock(1, gate);
  f.nested(1, a, b);
  f.unlock(1, gate);
  f.lock(2, gate);
  f.nested(2, b, a);
  f.unlock(2, gate);
  EXPECT_FALSE(f.order.take_cycle().has_value());
  // The same orders once without the gate: now they can deadlock.
  f.nested(3, b, a);
  const std::optional<LockCycle> cycle = f.order.take_cycle();
  ASSERT_TRUE(cycle.has_value());
  EXPECT_EQ(cycle_names(*cycle), (std::vector<std::string>{"b", "a", "b"}));
  EXPECT_EQ(cycle->edges[0].thread, 3);
}

TEST(LockOrderGraph, AGateHeldSharedIsNoGate) {
  Feed f;
  const Lock gate = f.make(0, "rw"), a = f.make(0, "a"), b = f.make(0, "b");
  f.lock(1, gate, Hold::kShared);
  f.nested(1, a, b);
  f.unlock(1, gate);
  f.lock(2, gate, Hold::kShared);
  f.nested(2, b, a);
  EXPECT_TRUE(f.order.take_cycle().has_value());
}

TEST(LockOrderGraph, SharedHoldersOfOneLockDoNotWaitForEachOther) {
  // t1 holds a shared and takes b; t2 holds b and takes a shared: at a, a
  // reader waits for a reader, which never blocks.
  Feed f;
  const Lock a = f.make(0, "a"), b = f.make(0, "b");
  f.nested(1, a, b, Hold::kShared, Hold::kExclusive);
  f.nested(2, b, a, Hold::kExclusive, Hold::kShared);
  EXPECT_FALSE(f.order.take_cycle().has_value());
  // A writer of a instead: holder and taker conflict at both locks.
  f.nested(3, b, a, Hold::kExclusive, Hold::kExclusive);
  const std::optional<LockCycle> cycle = f.order.take_cycle();
  ASSERT_TRUE(cycle.has_value());
  ASSERT_EQ(cycle->edges.size(), 2u);
  EXPECT_EQ(cycle->edges[0].taken_mode, Hold::kExclusive);
  EXPECT_EQ(cycle->edges[1].held_mode, Hold::kShared);  // t1's edge: a held shared
  EXPECT_EQ(cycle->edges[1].thread, 1);
}

TEST(LockOrderGraph, TryLockAddsNoEdge) {
  Feed f;
  const Lock a = f.make(0, "a"), b = f.make(0, "b");
  f.nested(1, a, b);
  f.lock(2, b);
  f.lock(2, a, Hold::kExclusive, /*blocking=*/false);  // a try_lock gives up instead of waiting
  f.unlock(2, a);
  f.unlock(2, b);
  EXPECT_FALSE(f.order.take_cycle().has_value());
  // The same order, blocking this time.
  f.nested(2, b, a);
  EXPECT_TRUE(f.order.take_cycle().has_value());
}

TEST(LockOrderGraph, TakingAHeldLockAgainAndReleasedLocksAddNoEdge) {
  Feed f;
  const Lock a = f.make(0, "a"), b = f.make(0, "b");
  f.nested(1, a, b);
  f.lock(2, b);
  f.lock(2, b);  // a recursive mutex taken again: the same node
  f.unlock(2, b);
  f.unlock(2, b);
  f.lock(2, a);  // nothing held any more
  f.unlock(2, a);
  EXPECT_FALSE(f.order.take_cycle().has_value());
}

TEST(LockOrderGraph, LocksAreTheSameNodeByCreationAcrossExecutions) {
  // Execution 0: thread 0 constructs two locks; thread 1 takes them in one order.
  Feed f;
  {
    const Lock a = f.make(0, "a"), b = f.make(0, "b");
    f.nested(1, a, b);
  }
  EXPECT_FALSE(f.order.take_cycle().has_value());
  // Execution 1: the same construction order, at other addresses: the same
  // nodes, so the opposite order closes the cycle with execution 0's edge.
  f.next_execution();
  std::vector<Lock> elsewhere(3);
  elsewhere[1] = f.make(0, "a");
  elsewhere[2] = f.make(0, "b");
  f.nested(1, elsewhere[2], elsewhere[1]);
  const std::optional<LockCycle> cycle = f.order.take_cycle();
  ASSERT_TRUE(cycle.has_value());
  ASSERT_EQ(cycle->edges.size(), 2u);
  EXPECT_FALSE(cycle->edges[0].earlier_execution.has_value());
  ASSERT_TRUE(cycle->edges[1].earlier_execution.has_value());
  EXPECT_EQ(*cycle->edges[1].earlier_execution, 0u);
  // Both locks were taken in this execution too: their current addresses.
  EXPECT_EQ(cycle->edges[1].held.address, &elsewhere[1]);
  EXPECT_EQ(cycle->edges[1].taken.address, &elsewhere[2]);
}

TEST(LockOrderGraph, LocksMadeInAnotherOrderAreOtherNodes) {
  // Creation index, not name: "a" constructed second is not execution 0's "a".
  Feed f;
  {
    const Lock a = f.make(0, "a"), b = f.make(0, "b");
    f.nested(1, a, b);
  }
  f.next_execution();
  const Lock x = f.make(0, "x"), y = f.make(0, "y"), a = f.make(0, "a"), b = f.make(0, "b");
  f.nested(1, b, a);
  EXPECT_FALSE(f.order.take_cycle().has_value());
  // The first two are execution 0's a and b: in the other order, a cycle.
  f.nested(1, y, x);
  const std::optional<LockCycle> cycle = f.order.take_cycle();
  ASSERT_TRUE(cycle.has_value());
  // Names are the first ones each node was given.
  EXPECT_EQ(cycle_names(*cycle), (std::vector<std::string>{"b", "a", "b"}));
}

TEST(LockOrderGraph, LocksMadeOutsideAnExecutionAreKnownByAddress) {
  Feed f;
  static const Lock global_a{"global_a"}, global_b{"global_b"};  // kUnregistered nodes
  f.nested(1, global_a, global_b);
  f.next_execution();
  f.nested(1, global_b, global_a);
  const std::optional<LockCycle> cycle = f.order.take_cycle();
  ASSERT_TRUE(cycle.has_value());
  EXPECT_EQ(cycle_names(*cycle), (std::vector<std::string>{"global_b", "global_a", "global_b"}));
}

TEST(LockOrderGraph, ALockNotTakenInThisExecutionHasNoAddress) {
  // Execution 0: a -> b and b -> c. Execution 1 takes only c then a.
  Feed f;
  {
    const Lock a = f.make(0, "a"), b = f.make(0, "b"), c = f.make(0, "c");
    f.nested(1, a, b);
    f.nested(1, b, c);
  }
  f.next_execution();
  const Lock a = f.make(0, "a"), b = f.make(0, "b"), c = f.make(0, "c");
  (void)b;
  f.nested(1, c, a);
  const std::optional<LockCycle> cycle = f.order.take_cycle();
  ASSERT_TRUE(cycle.has_value());
  EXPECT_EQ(cycle_names(*cycle), (std::vector<std::string>{"c", "a", "b", "c"}));
  EXPECT_EQ(cycle->edges[1].taken.name, "b");
  EXPECT_EQ(cycle->edges[1].taken.address, nullptr);
  EXPECT_EQ(cycle->edges[0].taken.address, &a);
}

}  // namespace
