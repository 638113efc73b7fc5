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
  void record(uintptr_t start, const HeapBlock& block) {
    blocks_.insert_or_assign(start, Recorded{block, next_serial_++});
  }
  void erase(uintptr_t start) { blocks_.erase(start); }
  // Keeps the memory for the next execution's blocks.
  void clear() {
    blocks_.clear();
    next_serial_ = 0;
  }

  struct Found {
    uintptr_t start = 0;
    HeapBlock block;
  };
  // The block `address` is in, if any. When records overlap, the newest is
  // the block: an older one it overlaps was freed where the hook does not see
  // it (two live blocks never overlap).
  std::optional<Found> containing(uintptr_t address) const {
    std::optional<Found> found;
    uint64_t newest = 0;
    for (const auto& [start, recorded] : blocks_) {
      if (address < start || address - start >= recorded.block.size) continue;
      if (found && recorded.serial < newest) continue;
      found = Found{start, recorded.block};
      newest = recorded.serial;
    }
    return found;
  }

 private:
  struct Recorded {
    HeapBlock block;
    uint64_t serial = 0;  // the order of recording: a larger one is newer
  };
  absl::flat_hash_map<uintptr_t, Recorded> blocks_;
  uint64_t next_serial_ = 0;
};

}  // namespace weft::detail
