// A map from byte addresses to small nonzero values, indexed by the
// address's bits as ThreadSanitizer's shadow memory is: the race detector's
// "which cell covers this byte" (happens_before.h), looked up on every
// checked access.
//
//   AddressTable table;
//   table.fill(0x1000, 0x1008, 7);   // bytes [0x1000, 0x1008) hold 7
//   table.get(0x1007);               // 7
//   table.get(0x1008);               // 0: nothing there
//   table.first_set(0x0ff0, 0x2000); // 0x1000: the first byte holding a value
//   table.clear(0x1000, 0x1004);     // [0x1000, 0x1004) back to 0
//
// Two levels: a page of entries (one uint32_t per byte of a 4 KiB page of
// the program's memory), found through a direct-mapped set of the pages used
// last, then a hash map of every page. A lookup in a recent page is a shift,
// a mask and two loads; the hash map is asked only when an access moves to
// a page that is not in the recent set. Pages are made by the first fill()
// that reaches them and kept until the table is destroyed, so a table
// emptied by clear() and refilled in the next execution allocates nothing.
// Not thread-safe: one exploring thread owns it.
#pragma once

#include <algorithm>
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
  // Every byte of [begin, end) holds `value` (nonzero).
  void fill(uintptr_t begin, uintptr_t end, uint32_t value) {
    for (uintptr_t to; begin < end; begin = to) {
      to = end_in_page(begin, end);
      std::fill_n(entries_of(begin) + (begin & kPageMask), to - begin, value);
    }
  }
  // Every byte of [begin, end) holds 0.
  void clear(uintptr_t begin, uintptr_t end) {
    for (uintptr_t to; begin < end; begin = to) {
      to = end_in_page(begin, end);
      if (uint32_t* entries = existing_entries(begin)) std::fill_n(entries + (begin & kPageMask), to - begin, 0);
    }
  }
  // The first byte of [begin, end) that holds a value; `end` when none does.
  // Pages never filled are skipped whole.
  uintptr_t first_set(uintptr_t begin, uintptr_t end) const {
    for (uintptr_t to; begin < end; begin = to) {
      to = end_in_page(begin, end);
      if (const uint32_t* entries = existing_entries(begin)) {
        const uint32_t* first = entries + (begin & kPageMask);
        const uint32_t* last = first + (to - begin);
        const uint32_t* hit = std::find_if(first, last, [](uint32_t e) { return e != 0; });
        if (hit != last) return begin + static_cast<uintptr_t>(hit - first);
      }
    }
    return end;
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

  // The end of the part of [begin, end) in begin's page.
  static uintptr_t end_in_page(uintptr_t begin, uintptr_t end) {
    const uintptr_t page_end = (begin | kPageMask) + 1;  // 0 past the top page
    return page_end == 0 ? end : std::min(end, page_end);
  }

  uint32_t get_slow(uintptr_t address) const {
    const uint32_t* entries = existing_entries_slow(address);
    return entries == nullptr ? 0 : entries[address & kPageMask];
  }
  // The page's entries, or null when no fill() made the page.
  uint32_t* existing_entries(uintptr_t address) const {
    const Recent& recent = recent_[recent_slot(address)];
    if (recent.page == page_of(address)) [[likely]]
      return recent.entries;
    return existing_entries_slow(address);
  }
  // The same from the hash map, remembered as recent.
  [[gnu::noinline]] uint32_t* existing_entries_slow(uintptr_t address) const {
    const auto it = pages_.find(page_of(address));
    if (it == pages_.end()) return nullptr;
    recent_[recent_slot(address)] = Recent{page_of(address), it->second.get()};
    return it->second.get();
  }
  // The page's entries, made (zeroed) when missing.
  uint32_t* entries_of(uintptr_t address) {
    if (uint32_t* entries = existing_entries(address)) [[likely]]
      return entries;
    std::unique_ptr<uint32_t[]>& page = pages_[page_of(address)];
    page = std::make_unique<uint32_t[]>(kPageSize);
    recent_[recent_slot(address)] = Recent{page_of(address), page.get()};
    return page.get();
  }

  // A cache of pages_: lookups change it, not the table's contents.
  mutable Recent recent_[kRecentPages];
  absl::flat_hash_map<uintptr_t, std::unique_ptr<uint32_t[]>> pages_;
};

}  // namespace weft::detail
