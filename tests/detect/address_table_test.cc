// The race detector's address-indexed table (detect/address_table.h): what
// is set is found at that byte and no other, across pages and when pages
// share a slot of the recent set.
#include "weft/detect/address_table.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace {

using weft::detail::AddressTable;

constexpr uintptr_t kPage = 4096;

TEST(AddressTable, FindsAValueAtItsByteOnly) {
  AddressTable table;
  EXPECT_EQ(table.get(0x10000), 0u);
  table.set(0x10000, 7);
  EXPECT_EQ(table.get(0x10000), 7u);
  EXPECT_EQ(table.get(0x0ffff), 0u);
  EXPECT_EQ(table.get(0x10001), 0u);
  table.set(0x10001, 8);
  EXPECT_EQ(table.get(0x10000), 7u);
  EXPECT_EQ(table.get(0x10001), 8u);
  table.clear(0x10000);
  EXPECT_EQ(table.get(0x10000), 0u);
  EXPECT_EQ(table.get(0x10001), 8u);
}

TEST(AddressTable, KeepsTheLastAndFirstByteOfAPageApart) {
  AddressTable table;
  table.set(5 * kPage - 1, 1);
  table.set(5 * kPage, 2);
  EXPECT_EQ(table.get(5 * kPage - 1), 1u);
  EXPECT_EQ(table.get(5 * kPage), 2u);
}

TEST(AddressTable, PagesSharingARecentSlotKeepTheirOwnValues) {
  AddressTable table;
  // Pages 64 apart take the same slot of the recent set (64 slots): each
  // lookup must still find its own page's entries.
  for (uintptr_t i = 0; i < 200; ++i) table.set((1 + 64 * i) * kPage + i, static_cast<uint32_t>(i + 1));
  for (uintptr_t i = 0; i < 200; ++i) {
    EXPECT_EQ(table.get((1 + 64 * i) * kPage + i), i + 1) << i;
    EXPECT_EQ(table.get((1 + 64 * i) * kPage + i + 1), 0u) << i;
  }
  for (uintptr_t i = 200; i-- > 0;) EXPECT_EQ(table.get((1 + 64 * i) * kPage + i), i + 1) << i;
  // A page nothing was set in reads as empty, even in a slot in use.
  EXPECT_EQ(table.get(65 * 200 * kPage), 0u);
  table.clear(65 * 200 * kPage);  // and clearing it makes nothing
  EXPECT_EQ(table.get(65 * 200 * kPage), 0u);
}

TEST(AddressTable, HighAddressesWork) {
  AddressTable table;
  const uintptr_t high = (uintptr_t{1} << 47) - 8;
  table.set(high, 3);
  EXPECT_EQ(table.get(high), 3u);
  EXPECT_EQ(table.get(high - kPage * 64), 0u);
}

}  // namespace
