// A WEFT_FUZZ_TEST as libFuzzer drives it (tests/fuzz/schedule_fuzz_test.sh):
// two threads each add one to a counter with a separate load and store, so
// the counter ends at 1 when one thread's store lands between the other's
// load and store (one preemption at one point). Built with
// -DWEFT_FUZZ_FIXED the additions are fetch_add, which cannot lose one.
#include <weft/gtest/fuzz_test.h>
#include <weft/weft.h>

namespace {

void add_one(weft::atomic<int>& n) {
#if defined(WEFT_FUZZ_FIXED)
  n.fetch_add(1);
#else
  n.store(n.load() + 1);
#endif
}

}  // namespace

WEFT_FUZZ_TEST(Counter, TwoIncrements) {
  weft::atomic<int> n{0, "n"};
  weft::atomic<int> other{0, "other"};
  weft::thread a([&] {
    other.store(1);  // a step before the increment: the bug needs a preemption inside it
    add_one(n);
  });
  weft::thread b([&] { add_one(n); });
  a.join();
  b.join();
  WEFT_ASSERT_MSG(n.load() == 2, "an increment was lost");
}
