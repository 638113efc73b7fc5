// The allocator hooks of weft::unmodified (lib/weft/unmodified/heap_intercept.cc):
// memory that one weft thread frees and another allocates again carries no
// history into its new life, while races on a live block are still found.
#include <gtest/gtest.h>
#include <weft/gtest/expect.h>
#include <weft/weft.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <thread>

#include "budget.h"

namespace {

// Thread a writes a block and frees it; thread b, unordered with a, allocates
// a block of the same size (glibc's cache hands the same one back: one OS
// thread runs every weft thread) and writes it. Same address, two owners,
// no race.
template <typename Allocate, typename Release>
void reuse_across_threads(Allocate allocate, Release release) {
  std::atomic<uintptr_t> freed{0};  // the address only: never used again
  std::atomic<bool> reused{false};
  std::thread a([&] {
    auto* block = static_cast<long*>(allocate());
    block[0] = 1;
    const auto address = reinterpret_cast<uintptr_t>(block);
    release(block);
    freed.store(address, std::memory_order_relaxed);
  });
  std::thread b([&] {
    if (freed.load(std::memory_order_relaxed) == 0) return;
    auto* block = static_cast<long*>(allocate());
    block[0] = 2;
    reused.store(reinterpret_cast<uintptr_t>(block) == freed.load(std::memory_order_relaxed),
                 std::memory_order_relaxed);
    release(block);
  });
  a.join();
  b.join();
}

WEFT_TEST_WITH(UnmodifiedHeap, MallocAfterFreeStartsFresh, budget(300)) {
  reuse_across_threads([] { return std::malloc(64); }, [](void* p) { std::free(p); });
}

WEFT_TEST_WITH(UnmodifiedHeap, CallocAfterFreeStartsFresh, budget(300)) {
  reuse_across_threads([] { return std::calloc(8, 8); }, [](void* p) { std::free(p); });
}

WEFT_TEST_WITH(UnmodifiedHeap, NewAfterDeleteStartsFresh, budget(300)) {
  reuse_across_threads([] { return static_cast<void*>(new long[8]); }, [](void* p) { delete[] static_cast<long*>(p); });
}

WEFT_TEST_WITH(UnmodifiedHeap, AlignedAllocAfterFreeStartsFresh, budget(300)) {
  reuse_across_threads([] { return std::aligned_alloc(64, 64); }, [](void* p) { std::free(p); });
}

// The reuse the tests above rely on does happen.
TEST(UnmodifiedHeap, TheSameBlockIsHandedOutAgain) {
  void* first = std::malloc(64);
  std::free(first);
  void* second = std::malloc(64);
  EXPECT_EQ(first, second);
  std::free(second);
}

// A block shared while alive is checked as before, and the report names the
// block rather than its address (which a replay would not reproduce).
TEST(UnmodifiedHeap, RacesOnALiveBlockAreFoundAndNamedByTheirBlock) {
  weft::expect_bug(
      budget(500),
      [] {
        auto block = std::make_unique<long[]>(4);
        std::thread a([&] { block[1] = 1; });
        block[1] = 2;
        a.join();
      },
      {weft::FailureKind::kDataRace}, "data race on bytes [8, 16) of the 32-byte block thread 0 allocated at step 1");
}

}  // namespace
