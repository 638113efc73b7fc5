// Annotated memory: races are decided byte by byte, whatever the ranges'
// starts and sizes. First through weft::annotate_read/annotate_write in
// explorations, then on the detector directly, where each access and its
// result can be pinned down.
#include <algorithm>
#include <cstring>

#include "support/test_support.h"
#include "weft/detect/happens_before.h"

namespace {

using weft::FailureKind;
using weft_test::Body;
using weft_test::contains;
using weft_test::expect_clean_under_every_strategy;
using weft_test::options_with;

// Thread 1 writes [first_offset, +first_size) of a buffer, the body then
// accesses [second_offset, +second_size); no synchronization in between.
Body two_ranges(size_t first_offset, size_t first_size, size_t second_offset, size_t second_size, bool second_writes) {
  return [=] {
    alignas(16) unsigned char buffer[64] = {};
    weft::thread t([&] {
      weft::annotate_write(buffer + first_offset, first_size, "buffer");
      std::memset(buffer + first_offset, 1, first_size);
    });
    if (second_writes) {
      weft::annotate_write(buffer + second_offset, second_size, "buffer");
    } else {
      weft::annotate_read(buffer + second_offset, second_size, "buffer");
    }
    t.join();
  };
}

void expect_race(const Body& body) {
  std::optional<weft::Failure> f = weft::expect_bug(options_with(200), body, {FailureKind::kDataRace});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "'buffer'"));
}

TEST(Overlap, SameStartDifferentSizesRace) {
  expect_race(two_ranges(0, 8, 0, 4, false));
  expect_race(two_ranges(0, 4, 0, 8, true));
}

TEST(Overlap, ALongRangeStartingBeforeAnEarlierNeighbourRaces) {
  expect_race(two_ranges(8, 4, 0, 16, true));
  expect_race(two_ranges(8, 4, 4, 32, false));
}

TEST(Overlap, ARangeInsideAnotherRaces) {
  expect_race(two_ranges(0, 32, 12, 2, false));
  expect_race(two_ranges(12, 2, 0, 32, false));
}

TEST(Overlap, OneSharedByteRaces) {
  std::optional<weft::Failure> f =
      weft::expect_bug(options_with(200), two_ranges(0, 8, 7, 8, false), {FailureKind::kDataRace});
  ASSERT_TRUE(f.has_value());
  const weft::DataRace* race = f->evidence_if<weft::DataRace>();
  ASSERT_NE(race, nullptr);
  EXPECT_EQ(race->end - race->begin, 1u);  // the shared byte
  EXPECT_EQ(race->earlier.end - race->earlier.begin, 8u);
  EXPECT_EQ(race->later.end - race->later.begin, 8u);
  EXPECT_EQ(std::max(race->earlier.begin, race->later.begin), race->begin);
  EXPECT_TRUE(contains(f->report, "overlap in 1 bytes"));
}

TEST(Overlap, AdjacentRangesDoNotRace) {
  expect_clean_under_every_strategy(two_ranges(0, 8, 8, 8, true), 500);
  expect_clean_under_every_strategy(two_ranges(8, 8, 0, 8, true), 500);
  expect_clean_under_every_strategy(two_ranges(4, 4, 0, 4, false), 500);
}

TEST(Overlap, TwoReadsNeverRace) {
  expect_clean_under_every_strategy(
      [] {
        alignas(16) unsigned char buffer[64] = {};
        weft::thread t([&] { weft::annotate_read(buffer, 16); });
        weft::annotate_read(buffer + 4, 4);
        weft::annotate_read(buffer, 32);
        t.join();
      },
      500);
}

// Struct fields annotated one by one: neighbours do not race, the whole
// struct against any field does.
struct Node {
  int value = 0;
  Node* next = nullptr;
};

TEST(Overlap, FieldsOfOneStruct) {
  expect_clean_under_every_strategy(
      [] {
        Node n;
        weft::thread t([&] {
          weft::annotate_write(&n.value, sizeof n.value, "value");
          n.value = 1;
        });
        weft::annotate_write(&n.next, sizeof n.next, "next");
        n.next = &n;
        t.join();
      },
      500);
  const Body whole = [] {
    Node n;
    weft::thread t([&] { weft::annotate_write(&n.next, sizeof n.next, "next"); });
    weft::annotate_read(&n, sizeof n, "node");
    t.join();
  };
  std::optional<weft::Failure> f = weft::expect_bug(options_with(200), whole, {FailureKind::kDataRace});
  ASSERT_TRUE(f.has_value());
}

// Memory handed out again (a node freed by one thread and reallocated by
// another): weft::annotate_new forgets the old object's accesses.
TEST(Overlap, AnnotateNewForgetsTheOldObject) {
  const auto body = [](bool announce) {
    return [announce] {
      alignas(16) unsigned char node[16] = {};
      weft::atomic<bool> freed{false};
      weft::thread t([&] {
        weft::annotate_write(node, sizeof node, "node");
        freed.store(true, std::memory_order_relaxed);  // "free": no synchronization
      });
      while (!freed.load(std::memory_order_relaxed)) weft::this_thread::yield();
      if (announce) weft::annotate_new(node, sizeof node, "node");
      weft::annotate_write(node, sizeof node, "node");
      t.join();
    };
  };
  expect_clean_under_every_strategy(body(true), 500);
  std::optional<weft::Failure> f = weft::expect_bug(options_with(200), body(false), {FailureKind::kDataRace});
  ASSERT_TRUE(f.has_value());
}

// ------------------------------------------------- the detector directly

using weft::detail::HappensBefore;
using weft::detail::Race;
using weft::detail::SyncClock;

class Shadow : public testing::Test {
 protected:
  Shadow() {
    hb_.thread_start(-1, 0);
    hb_.thread_start(0, 1);
    hb_.thread_start(0, 2);
  }
  // Races of an access of thread `t` to buffer_[offset, offset + size).
  std::vector<Race> access(int t, size_t offset, size_t size, bool write) {
    const std::span<const Race> r = hb_.access(t, buffer_ + offset, size, write, nullptr, ++step_, {}, nullptr);
    return {r.begin(), r.end()};
  }
  uintptr_t at(size_t offset) const { return reinterpret_cast<uintptr_t>(buffer_ + offset); }

  HappensBefore hb_;
  alignas(64) unsigned char buffer_[256] = {};
  uint64_t step_ = 0;
};

TEST_F(Shadow, ReportsTheOverlappingBytesAndBothAccesses) {
  EXPECT_TRUE(access(1, 0, 8, true).empty());
  const std::vector<Race> r = access(2, 4, 8, false);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].earlier.thread, 1);
  EXPECT_TRUE(r[0].earlier.is_write());
  EXPECT_EQ(r[0].earlier.step, 1u);
  EXPECT_EQ(r[0].later.thread, 2);
  EXPECT_FALSE(r[0].later.is_write());
  EXPECT_EQ(r[0].later.step, 2u);
  EXPECT_EQ(r[0].begin, at(4));
  EXPECT_EQ(r[0].end, at(8));
}

TEST_F(Shadow, AWideWriteRacesWithEveryUnorderedPieceOnce) {
  EXPECT_TRUE(access(1, 0, 4, true).empty());
  EXPECT_TRUE(access(1, 8, 4, true).empty());
  EXPECT_TRUE(access(1, 20, 4, false).empty());
  const std::vector<Race> r = access(2, 0, 32, true);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].earlier.step, 3u);  // most recent first
  EXPECT_EQ(r[1].earlier.step, 2u);
  EXPECT_EQ(r[2].earlier.step, 1u);
  // The wide write left one cell: a read of any byte races with it alone.
  const std::vector<Race> again = access(1, 30, 1, false);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].earlier.step, 4u);
}

TEST_F(Shadow, SplittingKeepsTheStateOfBothParts) {
  EXPECT_TRUE(access(1, 0, 16, true).empty());
  SyncClock sync;
  hb_.release(1, sync);
  hb_.acquire(2, sync);
  // Thread 2 is ordered after the write; a narrow write in the middle splits it.
  EXPECT_TRUE(access(2, 4, 4, true).empty());
  // Thread 0 is ordered with neither: it races with thread 1 on the outer
  // parts and with thread 2 on the middle.
  const std::vector<Race> left = access(0, 0, 4, false);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].earlier.thread, 1);
  const std::vector<Race> middle = access(0, 4, 4, false);
  ASSERT_EQ(middle.size(), 1u);
  EXPECT_EQ(middle[0].earlier.thread, 2);
  const std::vector<Race> right = access(0, 8, 8, false);
  ASSERT_EQ(right.size(), 1u);
  EXPECT_EQ(right[0].earlier.thread, 1);
}

TEST_F(Shadow, ACellCutWhereItWasCutBeforeKeepsBothParts) {
  EXPECT_TRUE(access(1, 0, 16, true).empty());
  SyncClock sync;
  hb_.release(1, sync);
  hb_.acquire(2, sync);
  // Thread 2, ordered after that write, writes the last 4 bytes (the smaller
  // part is split off), then exactly the 12 bytes left.
  EXPECT_TRUE(access(2, 12, 4, true).empty());  // step 2
  EXPECT_TRUE(access(2, 0, 12, true).empty());  // step 3
  // Thread 0 is ordered with neither: each part holds its own write.
  const std::vector<Race> right = access(0, 12, 4, false);
  ASSERT_EQ(right.size(), 1u);
  EXPECT_EQ(right[0].earlier.thread, 2);
  EXPECT_EQ(right[0].earlier.step, 2u);
  const std::vector<Race> left = access(0, 0, 12, false);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].earlier.step, 3u);
}

TEST_F(Shadow, ForgottenMemoryHasNoHistory) {
  EXPECT_TRUE(access(1, 0, 16, true).empty());
  hb_.forget(buffer_, 16);                       // freed and allocated again
  EXPECT_TRUE(access(1, 100, 8, true).empty());  // a cell elsewhere, made after
  // Thread 2 is ordered with nothing thread 1 did, but the memory is new.
  EXPECT_TRUE(access(2, 0, 8, false).empty());
  EXPECT_TRUE(access(2, 8, 8, false).empty());
  EXPECT_EQ(access(2, 100, 8, false).size(), 1u);
}

TEST_F(Shadow, ForgettingABlockKeepsTheHistoryAroundIt) {
  EXPECT_TRUE(access(1, 0, 32, true).empty());   // one cell over the block and both its neighbours
  hb_.forget(buffer_ + 8, 16);                   // [8, 24) freed and allocated again
  EXPECT_TRUE(access(2, 8, 16, false).empty());  // new memory: no history
  EXPECT_EQ(access(2, 0, 8, false).size(), 1u);  // around it, thread 1's write stays
  EXPECT_EQ(access(2, 24, 8, false).size(), 1u);
}

TEST_F(Shadow, ReadsSharedByUnorderedThreadsAreAllCheckedByTheNextWrite) {
  EXPECT_TRUE(access(1, 0, 4, false).empty());
  EXPECT_TRUE(access(2, 0, 4, false).empty());
  SyncClock sync;
  hb_.release(1, sync);
  hb_.acquire(0, sync);  // thread 0 is ordered after thread 1's read, not thread 2's
  const std::vector<Race> r = access(0, 0, 4, true);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].earlier.thread, 2);
  EXPECT_FALSE(r[0].earlier.is_write());
}

// The same bytes again, each access in a new epoch of its thread (so none
// is a repeat): every unordered pair of a write and another access races,
// and the ordered ones do not.
TEST_F(Shadow, AnExactRangeInANewEpochIsCheckedAgainstBothHistories) {
  SyncClock m;
  EXPECT_TRUE(access(1, 0, 4, false).empty());  // step 1: thread 1 reads
  hb_.release(1, m);                            // thread 1's next epoch
  EXPECT_TRUE(access(1, 0, 4, true).empty());   // step 2: its own read is ordered before
  hb_.release(1, m);
  const std::vector<Race> read = access(2, 0, 4, false);  // step 3: thread 2 knows nothing
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].earlier.step, 2u);
  hb_.acquire(0, m);  // thread 0 is ordered after thread 1's write, not thread 2's read
  const std::vector<Race> write = access(0, 0, 4, true);
  ASSERT_EQ(write.size(), 1u);
  EXPECT_EQ(write[0].earlier.step, 3u);
  EXPECT_FALSE(write[0].earlier.is_write());
  hb_.release(0, m);
  hb_.acquire(2, m);  // thread 2 now follows thread 0's write: its read and write are clean
  EXPECT_TRUE(access(2, 0, 4, false).empty());
  EXPECT_TRUE(access(2, 0, 4, true).empty());
}

TEST_F(Shadow, OrderedAccessesDoNotRace) {
  SyncClock m;
  EXPECT_TRUE(access(1, 0, 8, true).empty());
  hb_.release(1, m);
  hb_.acquire(2, m);
  EXPECT_TRUE(access(2, 0, 8, false).empty());
  EXPECT_TRUE(access(2, 2, 2, true).empty());
  hb_.release(2, m);
  hb_.acquire(0, m);
  EXPECT_TRUE(access(0, 0, 16, true).empty());
}

TEST_F(Shadow, AClockReleasedInAnEarlierExecutionIsIgnored) {
  SyncClock m;
  EXPECT_TRUE(access(1, 0, 8, true).empty());
  hb_.release(1, m);
  hb_.reset();
  hb_.thread_start(-1, 0);
  hb_.thread_start(0, 1);
  hb_.thread_start(0, 2);
  EXPECT_TRUE(access(1, 0, 8, true).empty());
  hb_.acquire(2, m);  // stale: teaches thread 2 nothing
  EXPECT_EQ(access(2, 0, 8, false).size(), 1u);
}

TEST_F(Shadow, ANewExecutionFindsNoCellOfThePreviousOne) {
  EXPECT_TRUE(access(1, 0, 8, true).empty());
  EXPECT_TRUE(access(1, 200, 8, true).empty());
  hb_.reset();
  hb_.thread_start(-1, 0);
  hb_.thread_start(0, 1);
  hb_.thread_start(0, 2);
  // Thread 2 is ordered with nothing, but nothing was written yet in this execution.
  EXPECT_TRUE(access(2, 0, 8, false).empty());
  EXPECT_TRUE(access(2, 200, 8, false).empty());
}

TEST_F(Shadow, APieceMergedIntoAWideWriteIsFoundAsTheWideWrite) {
  EXPECT_TRUE(access(1, 0, 8, true).empty());
  EXPECT_TRUE(access(1, 8, 8, true).empty());
  EXPECT_EQ(access(2, 0, 16, true).size(), 2u);  // step 3: one cell [0, 16) now
  SyncClock sync;
  hb_.release(2, sync);
  hb_.acquire(0, sync);
  EXPECT_TRUE(access(0, 0, 16, true).empty());  // step 4, on the merged cell
  // The same range as a piece that was merged away: the last write to the
  // merged cell is what it meets.
  const std::vector<Race> r = access(1, 8, 8, false);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].earlier.step, 4u);
  EXPECT_EQ(r[0].earlier.thread, 0);
}

TEST_F(Shadow, ConstructionForgetsOldAccessesAndCountsAsAWrite) {
  EXPECT_TRUE(access(1, 0, 16, true).empty());
  hb_.created(2, buffer_ + 4, 4, "fresh", ++step_, {});
  // Bytes 4..8 are a new object written by thread 2; the rest still holds
  // thread 1's write.
  const std::vector<Race> inside = access(0, 4, 4, false);
  ASSERT_EQ(inside.size(), 1u);
  EXPECT_EQ(inside[0].earlier.thread, 2);
  EXPECT_EQ(inside[0].earlier.kind, weft::detail::Access::Kind::kCreate);
  EXPECT_STREQ(inside[0].name, "fresh");
  const std::vector<Race> outside = access(0, 0, 4, false);
  ASSERT_EQ(outside.size(), 1u);
  EXPECT_EQ(outside[0].earlier.thread, 1);
}

TEST_F(Shadow, ManyNarrowAccessesThenOneWideStayExact) {
  for (size_t i = 0; i < 64; ++i) EXPECT_TRUE(access(1, i, 1, i % 2 == 0).empty());
  const std::vector<Race> r = access(2, 0, 64, false);
  // Thread 2 reads: only the 32 writes race, reported as 32 earlier accesses.
  EXPECT_EQ(r.size(), 32u);
  for (const Race& race : r) EXPECT_TRUE(race.earlier.is_write());
  const std::vector<Race> w = access(2, 0, 128, true);
  EXPECT_EQ(w.size(), 64u);
  // One cell again: the next wide write sees one earlier access.
  EXPECT_EQ(access(1, 0, 128, true).size(), 1u);
}

}  // namespace
