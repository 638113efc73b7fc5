#include "weft/unmodified/heap_blocks.h"

namespace weft::detail {

void HeapBlocks::record(uintptr_t start, const HeapBlock& block) {
  blocks_.insert_or_assign(start, Recorded{block, next_serial_++});
}

void HeapBlocks::erase(uintptr_t start) { blocks_.erase(start); }

void HeapBlocks::clear() {
  blocks_.clear();
  next_serial_ = 0;
}

std::optional<HeapBlocks::Found> HeapBlocks::containing(uintptr_t address) const {
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

}  // namespace weft::detail
