// A bug planted in a real library, found by weft: planted/readerwriterqueue.h
// is moodycamel's ReaderWriterQueue with the acquire fence in try_dequeue's
// fast path removed (see the comment marked PLANTED BUG there). The
// consumer's read of an element is then not ordered after the producer's
// write of it: a data race, which on a weakly ordered CPU reads a slot
// before the element is visible. On x86-64 the values come out right, so no
// assertion would ever see it; weft's race detector sees it from the
// fences' happens-before edges. The same body over the unmodified original
// is clean.
#include <gtest/gtest.h>
#include <readerwriterqueue/readerwriterqueue.h>
#include <weft/gtest/expect.h>
#include <weft/weft.h>

#include <string>
#include <thread>

#include "planted/readerwriterqueue.h"

namespace {

// One producer sends 0..4 through a queue of two slots; the consumer checks
// it gets them in order.
template <typename Queue>
void spsc_in_order() {
  constexpr int kItems = 5;
  Queue q(2);
  std::thread producer([&] {
    for (int i = 0; i < kItems; ++i) {
      while (!q.try_enqueue(i)) std::this_thread::yield();
    }
  });
  for (int expected = 0; expected < kItems;) {
    int value = -1;
    if (q.try_dequeue(value)) {
      WEFT_ASSERT_MSG(value == expected, "the SPSC queue reordered or lost an item");
      ++expected;
    } else {
      std::this_thread::yield();
    }
  }
  producer.join();
}

constexpr auto planted = spsc_in_order<moodycamel::planted::ReaderWriterQueue<int>>;
constexpr auto original = spsc_in_order<moodycamel::ReaderWriterQueue<int>>;

weft::Options budget(uint64_t iterations) {
  weft::Options o;
  o.iterations = iterations;
  return o;
}

}  // namespace

// Found, and its token replays to the same report (weft::expect_bug checks
// both). The report names the element's bytes in the queue's heap block and
// shows both call stacks: the producer's write inside try_enqueue and the
// consumer's read inside try_dequeue.
TEST(PlantedReaderWriterQueue, MissingAcquireFenceIsFound) {
  const std::optional<weft::Failure> f = weft::expect_bug(budget(2000), planted, {weft::FailureKind::kDataRace});
  ASSERT_TRUE(f.has_value());
  const auto& race = std::get<weft::DataRace>(f->evidence);
  EXPECT_NE(race.later.where.file.find("readerwriterqueue.h"), std::string::npos) << race.later.where.file;
  EXPECT_NE(race.earlier.where.file.find("readerwriterqueue.h"), std::string::npos) << race.earlier.where.file;
  EXPECT_FALSE(race.later.stack.empty());
  EXPECT_FALSE(race.earlier.stack.empty());
}

// The original, with the fence, over the same body and more schedules.
WEFT_TEST_WITH(PlantedReaderWriterQueue, OriginalIsClean, budget(4000)) { original(); }
