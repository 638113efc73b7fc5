// A work-stealing deque (Chase-Lev) whose indices are read with
// compare_exchange: the owner's pop and a thief race for the last item.
//
// Pattern: the owner pushes and pops at the bottom; thieves steal from the
//   top. Code ported from Windows reads the shared indices with
//   InterlockedCompareExchange(&x, 0, 0), here compare_exchange(expected =
//   0, 0): a CAS that fails (or writes 0 over 0) only to read the value.
// Bug: when one item is left, the owner's pop must win it from thieves by
//   a CAS on `top`. This one just stores top + 1. A thief that read the old
//   bottom (two items' worth) and the old top CASes top first and takes the
//   item; the owner, having read top before that CAS, takes it too.
// Fix: the owner CASes `top` for the last item, and gives up the item if
//   the CAS fails.
// PCT used to demote a thread at every failed CAS, which made every such
// read a priority change: weft's pct:1-3 found this kind of bug in no seed.
#include <weft/weft.h>

#include <array>

#include "bugs/program.h"

namespace {

constexpr int kCapacity = 8;
constexpr int kEmpty = -1;

int read(weft::atomic<int>& a) {
  int seen = 0;
  a.compare_exchange_strong(seen, 0);  // InterlockedCompareExchange(&a, 0, 0)
  return seen;
}

template <bool kCasForTheLastItem>
class Deque {
 public:
  void push(int item) {  // owner only
    const int b = read(bottom_);
    items_[b % kCapacity].store(item);
    bottom_.store(b + 1);
  }

  int pop() {  // owner only
    const int b = read(bottom_) - 1;
    bottom_.store(b);
    int t = read(top_);
    if (t > b) {  // it was empty
      bottom_.store(b + 1);
      return kEmpty;
    }
    int item = items_[b % kCapacity].load();
    if (t == b) {  // the last item: thieves may be after it too
      if constexpr (kCasForTheLastItem) {
        if (!top_.compare_exchange_strong(t, t + 1)) item = kEmpty;
      } else {
        top_.store(t + 1);
      }
      bottom_.store(b + 1);
    }
    return item;
  }

  int steal() {  // any thread
    int t = read(top_);
    const int b = read(bottom_);
    if (t >= b) return kEmpty;
    const int item = items_[t % kCapacity].load();
    return top_.compare_exchange_strong(t, t + 1) ? item : kEmpty;
  }

 private:
  weft::atomic<int> top_{0, "top"};
  weft::atomic<int> bottom_{0, "bottom"};
  std::array<weft::atomic<int>, kCapacity> items_{};
};

template <bool kCasForTheLastItem>
void owner_and_thief() {
  Deque<kCasForTheLastItem> deque;
  std::array<weft::atomic<int>, 3> taken{};  // by item
  auto take = [&](int item) {
    if (item != kEmpty) WEFT_ASSERT_MSG(taken[item].fetch_add(1) == 0, "an item was taken twice");
  };
  deque.push(1);
  deque.push(2);
  weft::thread thief([&] { take(deque.steal()); });
  take(deque.pop());
  take(deque.pop());
  thief.join();
  take(deque.steal());
  WEFT_ASSERT_MSG(taken[1].load() == 1 && taken[2].load() == 1, "an item was lost");
}

}  // namespace

WEFT_BUG_PROGRAM(work_stealing_deque,
                 {.name = "corpus/work_stealing_deque",
                  .what = "Chase-Lev deque, indices read by CAS: owner's pop and a thief both take the last item",
                  .buggy = owner_and_thief<false>,
                  .fixed = owner_and_thief<true>,
                  .kinds = {weft::FailureKind::kAssertion}});
