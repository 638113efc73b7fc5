// Lost increments, all but two: a bug needing four preemptions at exact
// points.
//
// Pattern: two threads each add 1 to a shared counter three times, with a
//   separate load and store (a read-modify-write split in two, as code that
//   "only needs a rough count" often does).
// Bug: the author reasons that lost updates can only lose the other
//   thread's increments, so at least 3 survive. Not so: the total can fall
//   to 2. Thread A loads 0 and stops; B adds twice (2); A stores 1; B loads
//   1 and stops; A adds its last two (3); B stores 2. A is preempted after
//   its first load and after its first store, B after its second add and
//   after its third load: four preemptions, each at one exact point.
// Fix: fetch_add, which cannot lose an increment (total 6).
#include <weft/weft.h>

#include "bugs/program.h"

namespace {

constexpr int kAdds = 3;

template <bool kAtomicAdd>
void two_adders() {
  weft::atomic<int> total{0, "total"};
  auto add = [&] {
    for (int i = 0; i < kAdds; ++i) {
      if constexpr (kAtomicAdd) {
        total.fetch_add(1);
      } else {
        total.store(total.load() + 1);
      }
    }
  };
  weft::thread a(add), b(add);
  a.join();
  b.join();
  WEFT_ASSERT_MSG(total.load() >= kAdds, "more increments were lost than one thread's worth");
}

}  // namespace

WEFT_BUG_PROGRAM(lost_increments, {.name = "corpus/lost_increments",
                                   .what = "2 threads x 3 load/store increments fall to a total of 2: 4 preemptions",
                                   .buggy = two_adders<false>,
                                   .fixed = two_adders<true>,
                                   .kinds = {weft::FailureKind::kAssertion}});
