// A spinning barrier that releases the waiters before it resets its count.
//
// Pattern: a reusable barrier for three threads: each arrival increments a
//   counter; the last one starts the next generation, and the others spin
//   (with yield) until the generation changes.
// Bug: the last arriver bumps the generation first and resets the counter
//   second. A released thread that races through its next phase and arrives
//   at the barrier again in between is counted in the old generation's
//   counter, then erased by the reset (without the check below, the next
//   phase would spin forever). It needs the last arriver preempted between
//   its two stores and a spinner to notice, work and arrive meanwhile.
// Fix: reset the counter, then bump the generation.
#include <weft/weft.h>

#include <array>

#include "bugs/program.h"

namespace {

constexpr int kThreads = 3;
constexpr int kPhases = 2;

template <bool kResetFirst>
class SpinBarrier {
 public:
  void arrive_and_wait() {
    const int generation = generation_.load();
    const int arrived = arrived_.fetch_add(1) + 1;
    WEFT_ASSERT_MSG(arrived <= kThreads, "an arrival from the next phase was counted in this one");
    if (arrived == kThreads) {
      if constexpr (kResetFirst) {
        arrived_.store(0);
        generation_.store(generation + 1);
      } else {
        generation_.store(generation + 1);
        arrived_.store(0);
      }
      return;
    }
    while (generation_.load() == generation) weft::this_thread::yield();
  }

 private:
  weft::atomic<int> arrived_{0, "arrived"};
  weft::atomic<int> generation_{0, "generation"};
};

template <bool kResetFirst>
void phases() {
  SpinBarrier<kResetFirst> barrier;
  std::array<weft::atomic<int>, kThreads> done{};  // phases each thread finished
  auto work = [&](int me) {
    for (int phase = 1; phase <= kPhases; ++phase) {
      done[me].store(phase);
      barrier.arrive_and_wait();
      for (const auto& other : done) WEFT_ASSERT_MSG(other.load() >= phase, "a thread passed the barrier early");
    }
  };
  weft::thread a(work, 1), b(work, 2);
  work(0);
  a.join();
  b.join();
}

}  // namespace

WEFT_BUG_PROGRAM(spin_barrier, {.name = "corpus/spin_barrier",
                                .what = "a spin-with-yield barrier bumps its generation before resetting its count",
                                .buggy = phases<false>,
                                .fixed = phases<true>,
                                .kinds = {weft::FailureKind::kAssertion}});
