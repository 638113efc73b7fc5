// The race detector's address-indexed table (detect/address_table.h): what
// is filled is found at those bytes and no other, across pages and when pages
// share a slot of the recent set; first_set finds the first filled byte.
#include "weft/detect/address_table.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace {

using weft::detail::AddressTable;

constexpr uintptr_t kPage = 4096;

TEST(AddressTable, FindsAValueAtItsBytesOnly) {
  AddressTable table;
  EXPECT_EQ(table.get(0x10000), 0u);
  table.fill(0x10000, 0x10008, 7);
  for (uintptr_t a = 0x10000; a < 0x10008; ++a) EXPECT_EQ(table.get(a), 7u) << a;
  EXPECT_EQ(table.get(0x0ffff), 0u);
  EXPECT_EQ(table.get(0x10008), 0u);
  table.fill(0x10008, 0x10009, 8);
  EXPECT_EQ(table.get(0x10007), 7u);
  EXPECT_EQ(table.get(0x10008), 8u);
  table.clear(0x10000, 0x10004);
  EXPECT_EQ(table.get(0x10000), 0u);
  EXPECT_EQ(table.get(0x10003), 0u);
  EXPECT_EQ(table.get(0x10004), 7u);
  EXPECT_EQ(table.get(0x10008), 8u);
}

TEST(AddressTable, KeepsTheLastAndFirstByteOfAPageApart) {
  AddressTable table;
  table.fill(5 * kPage - 1, 5 * kPage, 1);
  table.fill(5 * kPage, 5 * kPage + 1, 2);
  EXPECT_EQ(table.get(5 * kPage - 1), 1u);
  EXPECT_EQ(table.get(5 * kPage), 2u);
}

TEST(AddressTable, ARangeAcrossPagesIsFilledAndClearedInEach) {
  AddressTable table;
  const uintptr_t begin = 7 * kPage - 3;
  const uintptr_t end = 9 * kPage + 5;
  table.fill(begin, end, 4);
  EXPECT_EQ(table.get(begin - 1), 0u);
  for (uintptr_t a = begin; a < end; ++a) ASSERT_EQ(table.get(a), 4u) << a;
  EXPECT_EQ(table.get(end), 0u);
  table.clear(begin + 1, end - 1);
  EXPECT_EQ(table.get(begin), 4u);
  for (uintptr_t a = begin + 1; a < end - 1; ++a) ASSERT_EQ(table.get(a), 0u) << a;
  EXPECT_EQ(table.get(end - 1), 4u);
}

TEST(AddressTable, FirstSetFindsTheFirstFilledByteOrTheEnd) {
  AddressTable table;
  EXPECT_EQ(table.first_set(kPage, 3 * kPage), 3 * kPage);  // no page at all
  table.fill(20 * kPage + 9, 20 * kPage + 12, 1);
  EXPECT_EQ(table.first_set(20 * kPage, 21 * kPage), 20 * kPage + 9);
  EXPECT_EQ(table.first_set(20 * kPage + 10, 21 * kPage), 20 * kPage + 10);
  EXPECT_EQ(table.first_set(20 * kPage + 12, 21 * kPage), 21 * kPage);     // past it
  EXPECT_EQ(table.first_set(20 * kPage, 20 * kPage + 9), 20 * kPage + 9);  // before it: the end
  // Over pages never filled, then a page filled only near its end.
  table.fill(33 * kPage - 2, 33 * kPage - 1, 5);
  EXPECT_EQ(table.first_set(25 * kPage + 1, 40 * kPage), 33 * kPage - 2);
  table.clear(33 * kPage - 2, 33 * kPage - 1);
  EXPECT_EQ(table.first_set(25 * kPage + 1, 40 * kPage), 40 * kPage);
}

TEST(AddressTable, PagesSharingARecentSlotKeepTheirOwnValues) {
  AddressTable table;
  // Pages 64 apart take the same slot of the recent set (64 slots): each
  // lookup must still find its own page's entries.
  for (uintptr_t i = 0; i < 200; ++i) {
    const uintptr_t a = (1 + 64 * i) * kPage + i;
    table.fill(a, a + 1, static_cast<uint32_t>(i + 1));
  }
  for (uintptr_t i = 0; i < 200; ++i) {
    EXPECT_EQ(table.get((1 + 64 * i) * kPage + i), i + 1) << i;
    EXPECT_EQ(table.get((1 + 64 * i) * kPage + i + 1), 0u) << i;
  }
  for (uintptr_t i = 200; i-- > 0;) EXPECT_EQ(table.get((1 + 64 * i) * kPage + i), i + 1) << i;
  // A page nothing was filled in reads as empty, even in a slot in use.
  EXPECT_EQ(table.get(65 * 200 * kPage), 0u);
  table.clear(65 * 200 * kPage, 65 * 200 * kPage + 1);  // and clearing it makes nothing
  EXPECT_EQ(table.get(65 * 200 * kPage), 0u);
}

TEST(AddressTable, HighAddressesWork) {
  AddressTable table;
  const uintptr_t high = (uintptr_t{1} << 47) - 8;
  table.fill(high, high + 8, 3);
  EXPECT_EQ(table.get(high + 7), 3u);
  EXPECT_EQ(table.get(high - kPage * 64), 0u);
  EXPECT_EQ(table.first_set(high - 3 * kPage, high + 8), high);
}

}  // namespace
