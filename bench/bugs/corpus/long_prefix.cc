// Two cache loaders, 2,000 uninteresting steps, then a two-step race: a bug
// window at the end of a long execution.
//
// Pattern: two loader threads each fill half of a table (1,000 stores of
//   their own slots), then one of them must flush the table, exactly once:
//   whoever finishes first claims the duty.
// Bug: the claim is a check-then-act, `if (flusher == 0) flusher = me`.
//   Both loaders can see no flusher and both flush. The window is the two
//   steps of the claim, and both loaders must reach it at the same time
//   after a thousand steps each. A random walk rarely keeps them level that
//   long; PCT must place a change point in 1 of ~2,000 steps.
// Fix: claim with compare_exchange, which only one thread can win.
#include <weft/weft.h>

#include <array>
#include <memory>
#include <vector>

#include "bugs/program.h"

namespace {

constexpr int kSlots = 1000;  // per loader

template <bool kClaimByCas>
void two_loaders() {
  // On the heap (2,000 cells would crowd the fiber's stack), as one array:
  // a vector would destroy each cell through std::destroy_at, which clang
  // rejects for weft::atomic (virtual functions, no virtual destructor).
  const auto cells = std::make_unique<std::array<weft::atomic<int>, 2 * kSlots>>();
  std::array<weft::atomic<int>, 2 * kSlots>& table = *cells;
  weft::atomic<int> flusher{0, "flusher"};
  weft::atomic<int> flushes{0, "flushes"};
  auto load_then_flush = [&](int me) {
    for (int i = 0; i < kSlots; ++i) table[(me - 1) * kSlots + i].store(i + 1, std::memory_order_relaxed);
    bool mine = false;
    if constexpr (kClaimByCas) {
      int none = 0;
      mine = flusher.compare_exchange_strong(none, me);
    } else if (flusher.load() == 0) {
      flusher.store(me);
      mine = true;
    }
    if (mine) WEFT_ASSERT_MSG(flushes.fetch_add(1) == 0, "the table was flushed twice");
  };
  weft::thread a(load_then_flush, 1), b(load_then_flush, 2);
  a.join();
  b.join();
  WEFT_ASSERT(flushes.load() == 1);
}

}  // namespace

WEFT_BUG_PROGRAM(long_prefix, {.name = "corpus/long_prefix",
                               .what = "2 x 1,000 stores, then a check-then-act claim: both loaders flush",
                               .buggy = two_loaders<false>,
                               .fixed = two_loaders<true>,
                               .kinds = {weft::FailureKind::kAssertion}});
