// A map from byte addresses to small nonzero values, indexed by the
// address's bits as ThreadSanitizer's shadow memory is: the race detector's
// "which cell starts at this byte" (happens_before.h), looked up on every
// checked access.
//
//   AddressTable table;
//   table.set(0x1000, 7);
//   table.get(0x1000);    // 7
//   table.get(0x1001);    // 0: nothing there
//   table.clear(0x1000);  // back to 0
//
// Two levels: a page of entries (one uint32_t per byte of a 4 KiB page of
// the program's memory), found through a direct-mapped set of the pages used
// last, then a hash map of every page. A lookup in a recent page is a shift,
// a mask and two loads; the hash map is asked only when an access moves to
// a page that is not in the recent set. Pages are made on the first set()
// and kept until the table is destroyed, so a table emptied by clear() and
// refilled in the next execution allocates nothing. Not thread-safe: one
// exploring thread owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/container/flat_hash_map.h"

namespace weft::detail {

class AddressTable {
 public:
  // 0 when nothing was set at `address` (or it was cleared).
  uint32_t get(uintptr_t address) const {
    const Recent& recent = recent_[recent_slot(address)];
    if (recent.page == page_of(address)) [[likely]]
      return recent.entries[address & kPageMask];
    return get_slow(address);
  }
  void set(uintptr_t address, uint32_t value) { entries_of(address)[address & kPageMask] = value; }
  void clear(uintptr_t address) {
    if (uint32_t* entries = existing_entries(address)) entries[address & kPageMask] = 0;
  }

 private:
  static constexpr unsigned kPageBits = 12;
  static constexpr uintptr_t kPageSize = uintptr_t{1} << kPageBits;
  static constexpr uintptr_t kPageMask = kPageSize - 1;
  static constexpr size_t kRecentPages = 64;
  // No page has this number: addresses have at most 64 - kPageBits bits of page.
  static constexpr uintptr_t kNoPage = ~uintptr_t{0};

  struct Recent {
    uintptr_t page = kNoPage;
    uint32_t* entries = nullptr;
  };
  static uintptr_t page_of(uintptr_t address) { return address >> kPageBits; }
  static size_t recent_slot(uintptr_t address) { return page_of(address) & (kRecentPages - 1); }

  uint32_t get_slow(uintptr_t address) const {
    const uint32_t* entries = existing_entries(address);
    return entries == nullptr ? 0 : entries[address & kPageMask];
  }
  // The page's entries, or null when no set() made the page; remembered as recent.
  uint32_t* existing_entries(uintptr_t address) const {
    Recent& recent = recent_[recent_slot(address)];
    if (recent.page == page_of(address)) return recent.entries;
    const auto it = pages_.find(page_of(address));
    if (it == pages_.end()) return nullptr;
    recent = Recent{page_of(address), it->second.get()};
    return recent.entries;
  }
  uint32_t* entries_of(uintptr_t address) {
    if (uint32_t* entries = existing_entries(address)) return entries;
    std::unique_ptr<uint32_t[]>& page = pages_[page_of(address)];
    page = std::make_unique<uint32_t[]>(kPageSize);  // zeroed
    recent_[recent_slot(address)] = Recent{page_of(address), page.get()};
    return page.get();
  }

  // A cache of pages_: lookups change it, not the table's contents.
  mutable Recent recent_[kRecentPages];
  absl::flat_hash_map<uintptr_t, std::unique_ptr<uint32_t[]>> pages_;
};

}  // namespace weft::detail
