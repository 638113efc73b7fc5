// The blocks allocated on weft threads in one execution, by start address,
// for race reports that name a block instead of an address
// (heap_intercept.cc).
//
//   blocks.record(start, HeapBlock{size, thread, step});   // malloc
//   blocks.erase(start);                                   // free
//   if (auto found = blocks.containing(address)) ...       // writing a report
//
// Recording and erasing are on the path of every malloc and free of the
// program, so they are hash-map operations; only a report, which is rare,
// needs the block an address falls in, and looks at every block for it.
// Defined out of line (heap_blocks.cc): a program compiled with
// -fsanitize=thread that includes this header must not give the allocator
// hook an instrumented copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "weft/runtime/execution.h"

namespace weft::detail {

// A block of memory allocated on a weft thread.
struct HeapBlock {
  std::size_t size = 0;
  ThreadId thread = 0;
  uint64_t step = 0;
};

class HeapBlocks {
 public:
  // A block malloc handed out at `start`; a record of an earlier block there
  // is of a freed one.
  void record(uintptr_t start, const HeapBlock& block);
  void erase(uintptr_t start);
  // Keeps the memory for the next execution's blocks.
  void clear();

  struct Found {
    uintptr_t start = 0;
    HeapBlock block;
  };
  // The block `address` is in, if any. When records overlap, the newest is
  // the block: an older one it overlaps was freed where the hook does not see
  // it (two live blocks never overlap).
  std::optional<Found> containing(uintptr_t address) const;

 private:
  struct Recorded {
    HeapBlock block;
    uint64_t serial = 0;  // the order of recording: a larger one is newer
  };
  absl::flat_hash_map<uintptr_t, Recorded> blocks_;
  uint64_t next_serial_ = 0;
};

}  // namespace weft::detail
