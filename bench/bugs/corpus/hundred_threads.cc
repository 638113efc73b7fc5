// A two-stage handoff among 100 busy threads: a long uninteresting prefix
// before a small bug window.
//
// Pattern: 97 worker threads do their share of bookkeeping (counters of
//   their own, and a shared tally), while a producer publishes a payload to
//   a relay, which forwards it to a reader: each stage is a flag (`stage`)
//   and a value.
// Bug: the producer raises `stage` to 1 before it writes the payload. If
//   the relay looks in between, it forwards the stale payload and raises
//   `stage` to 2, and the reader takes the stale value. The window is two
//   of the producer's steps wide, and the relay and the reader must each
//   run at the right moment while a hundred other threads compete for
//   every step: the relay and the reader check once, as a poll does.
// Fix: write the payload first, then raise the flag.
#include <weft/weft.h>

#include <array>
#include <vector>

#include "bugs/program.h"

namespace {

constexpr int kWorkers = 97;

template <bool kPayloadFirst>
void handoff_among_workers() {
  // An array: a vector would destroy each counter through std::destroy_at,
  // which clang rejects for weft::atomic (virtual functions, no virtual
  // destructor).
  std::array<weft::atomic<int>, kWorkers> counters;
  weft::atomic<int> tally{0, "tally"};
  weft::atomic<int> stage{0, "stage"};
  weft::atomic<int> payload{0, "payload"};
  weft::atomic<int> forwarded{0, "forwarded"};
  std::vector<weft::thread> threads;
  threads.reserve(kWorkers + 3);
  for (int i = 0; i < kWorkers; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 2; ++round) counters[i].fetch_add(1, std::memory_order_relaxed);
      tally.fetch_add(1);
    });
  }
  threads.emplace_back([&] {  // producer
    if constexpr (kPayloadFirst) {
      payload.store(42);
      stage.store(1);
    } else {
      stage.store(1);
      payload.store(42);
    }
  });
  threads.emplace_back([&] {  // relay
    if (stage.load() == 1) {
      forwarded.store(payload.load());
      stage.store(2);
    }
  });
  threads.emplace_back([&] {  // reader
    if (stage.load() == 2) WEFT_ASSERT_MSG(forwarded.load() == 42, "the reader got a payload never written");
  });
  for (weft::thread& t : threads) t.join();
  WEFT_ASSERT(tally.load() == kWorkers);
}

}  // namespace

WEFT_BUG_PROGRAM(hundred_threads, {.name = "corpus/hundred_threads",
                                   .what = "101 threads: a stale payload relayed through a 2-stage handoff",
                                   .buggy = handoff_among_workers<false>,
                                   .fixed = handoff_among_workers<true>,
                                   .kinds = {weft::FailureKind::kAssertion}});
