// A deadlock that needs three threads: a ring of services, each holding its
// own connection slot while it waits for its neighbour's.
//
// Pattern: three services each own a connection slot (a binary semaphore).
//   To do its job, service i takes its own slot and then service i+1's
//   (mod 3), works, and gives both back.
// Bug: the ring: 0 waits for 1, 1 for 2, 2 for 0. It deadlocks only if all
//   three hold their own slot at once: two services must be preempted
//   right after their first acquire. Semaphores have no owner, so no
//   lock-order detector sees the cycle coming: only the deadlock itself
//   reveals it.
// Fix: every service takes the lower-numbered slot first.
#include <weft/weft.h>

#include <utility>

#include "bugs/program.h"

namespace {

template <bool kLowerFirst>
void three_services() {
  weft::binary_semaphore slot0{1, "slot 0"}, slot1{1, "slot 1"}, slot2{1, "slot 2"};
  weft::binary_semaphore* slots[] = {&slot0, &slot1, &slot2};
  weft::atomic<int> jobs{0, "jobs"};
  auto serve = [&](int i) {
    int first = i;
    int second = (i + 1) % 3;
    if (kLowerFirst && second < first) std::swap(first, second);
    slots[first]->acquire();
    slots[second]->acquire();
    jobs.fetch_add(1);
    slots[second]->release();
    slots[first]->release();
  };
  weft::thread a(serve, 1), b(serve, 2);
  serve(0);
  a.join();
  b.join();
  WEFT_ASSERT(jobs.load() == 3);
}

}  // namespace

WEFT_BUG_PROGRAM(semaphore_ring, {.name = "corpus/semaphore_ring",
                                  .what = "3 services each hold their slot and wait for the next: a 3-thread cycle",
                                  .buggy = three_services<false>,
                                  .fixed = three_services<true>,
                                  .kinds = {weft::FailureKind::kDeadlock}});
