// Two WEFT_TESTs for tests/install/run.sh: one that passes, and one with a
// planted lost update that weft must find, failing with a WEFT_REPLAY line.
#include <weft/weft.h>

#include <mutex>

namespace {

void add_one(weft::var<int>& count, weft::mutex* m) {
  if (m == nullptr) {
    count = count + 1;
    return;
  }
  std::scoped_lock lock(*m);
  count = count + 1;
}

}  // namespace

WEFT_TEST(Consumer, LockedIncrementsAddUp) {
  weft::var<int> count{0, "count"};
  weft::mutex m;
  weft::thread t([&] { add_one(count, &m); });
  add_one(count, &m);
  t.join();
  WEFT_ASSERT(count == 2);
}

WEFT_TEST(Consumer, UnlockedIncrementsLoseOne) {
  weft::var<int> count{0, "count"};
  weft::thread t([&] { add_one(count, nullptr); });
  add_one(count, nullptr);
  t.join();
  WEFT_ASSERT(count == 2);
}
