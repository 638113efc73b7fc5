// ExecutionTables (lib/weft/unmodified/control.h) on its own: the state
// weft keeps by address for the objects unmodified code uses.
#include <gtest/gtest.h>

#include <iterator>
#include <set>
#include <vector>

#include "weft/unmodified/control.h"

namespace {

using weft::detail::ExecutionTables;
using weft::detail::SyncClock;

// Many atomics a byte apart, so that the cache in front of the table has to
// hold several in one slot in turn: each address keeps its own clock.
TEST(ExecutionTables, EveryAtomicKeepsItsOwnClock) {
  ExecutionTables tables;
  static char atomics[512];
  std::vector<SyncClock*> first;
  for (char& a : atomics) first.push_back(&tables.atomic_clock(&a));
  EXPECT_EQ(std::set<SyncClock*>(first.begin(), first.end()).size(), std::size(atomics));
  for (size_t i = 0; i < std::size(atomics); ++i) EXPECT_EQ(&tables.atomic_clock(&atomics[i]), first[i]) << i;
}

}  // namespace
