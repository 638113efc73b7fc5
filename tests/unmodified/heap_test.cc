// The allocator hooks of weft::unmodified (lib/weft/unmodified/heap_intercept.cc):
// memory that one weft thread frees and another allocates again carries no
// history into its new life, while races on a live block are still found and
// named by the block (and memory a freed block gave back, by its address).
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <weft/gtest/expect.h>
#include <weft/weft.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <thread>

#include "budget.h"
#include "weft/unmodified/heap_blocks.h"

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

// A report names the block an address is in: its first byte to its last,
// not a byte more, not after it is freed; of two records that overlap (an
// older block freed where the hook did not see it) the newer.
TEST(UnmodifiedHeap, TheBlockAnAddressIsInIsFoundExactly) {
  weft::detail::HeapBlocks blocks;
  blocks.record(1000, weft::detail::HeapBlock{.size = 64, .thread = 1, .step = 3});
  blocks.record(2000, weft::detail::HeapBlock{.size = 16, .thread = 2, .step = 4});
  for (const uintptr_t address : {1000, 1063}) {
    const auto found = blocks.containing(address);
    ASSERT_TRUE(found.has_value()) << address;
    EXPECT_EQ(found->start, 1000u);
    EXPECT_EQ(found->block.step, 3u);
  }
  EXPECT_FALSE(blocks.containing(999).has_value());
  EXPECT_FALSE(blocks.containing(1064).has_value());
  EXPECT_EQ(blocks.containing(2015)->block.thread, 2);

  blocks.record(1032, weft::detail::HeapBlock{.size = 64, .thread = 3, .step = 9});
  EXPECT_EQ(blocks.containing(1040)->start, 1032u);
  blocks.record(1000, weft::detail::HeapBlock{.size = 64, .thread = 4, .step = 10});
  EXPECT_EQ(blocks.containing(1040)->block.step, 10u);

  blocks.erase(2000);
  EXPECT_FALSE(blocks.containing(2000).has_value());
  blocks.clear();
  EXPECT_FALSE(blocks.containing(1000).has_value());
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

// A freed block names no memory afterwards. A large block is one glibc maps
// for itself and unmaps when it is freed; the program then maps a page of
// its own where the block began (an allocator of its own, a file), and a race
// there is on memory that is in no block: the report gives its address, not
// the freed block's name. (Not expect_bug: the address, which the report
// then shows, differs between the exploration and a replay.)
TEST(UnmodifiedHeap, AFreedBlockNamesNoMemoryAfterwards) {
  const weft::Result result = weft::explore(budget(500), [] {
    constexpr size_t kMapped = size_t{64} << 20;  // above the largest mmap threshold of glibc (32 MiB)
    void* block = std::malloc(kMapped);
    WEFT_ASSERT(block != nullptr);
    const auto start = reinterpret_cast<uintptr_t>(block);
    std::free(block);
    const uintptr_t page = start & ~uintptr_t{4095};
    void* mapped = mmap(reinterpret_cast<void*>(page), 4096, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    WEFT_ASSERT(mapped == reinterpret_cast<void*>(page));  // the block's memory was given back
    // The block's first bytes, now the mapping's.
    auto* shared = reinterpret_cast<long*>(static_cast<char*>(mapped) + (start - page));
    std::thread a([&] { shared[0] = 1; });
    shared[0] = 2;
    a.join();
    munmap(mapped, 4096);
  });
  ASSERT_TRUE(result.failure.has_value());
  const weft::DataRace* race = result.failure->evidence_if<weft::DataRace>();
  ASSERT_NE(race, nullptr) << result.failure->message;
  EXPECT_EQ(race->object.label, "");
  EXPECT_TRUE(result.failure->message.starts_with("data race on 8 bytes at 0x")) << result.failure->message;
}

}  // namespace
