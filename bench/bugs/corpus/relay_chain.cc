// A reader that must see eleven threads' writes in one order: a signal
// relayed through nine threads overtakes the payload it announces.
//
// Pattern: an origin thread publishes a payload and raises flag 0; relay i
//   waits (spinning with yield) for flag i-1 and raises flag i; a reader
//   waits for flag 9 and consumes the payload. Eleven threads besides the
//   body's.
// Bug: the origin raises flag 0 before it writes the payload. The reader
//   sees a missing payload only if all nine relays and the reader run, in
//   chain order, between the origin's two steps: the reader must observe
//   ten flag writes before one payload write. A random walk almost never
//   holds the origin back that long; PCT needs one change point right
//   after flag 0 and the other threads ranked to run when woken.
// Fix: write the payload, then raise flag 0.
#include <weft/weft.h>

#include <array>
#include <vector>

#include "bugs/program.h"

namespace {

constexpr int kRelays = 9;

void wait_for(const weft::atomic<int>& flag) {
  while (flag.load() == 0) weft::this_thread::yield();
}

template <bool kPayloadFirst>
void relayed_signal() {
  std::array<weft::atomic<int>, kRelays + 1> flags{};
  weft::atomic<int> payload{0, "payload"};
  std::vector<weft::thread> threads;
  threads.emplace_back([&] {  // origin
    if constexpr (kPayloadFirst) {
      payload.store(42);
      flags[0].store(1);
    } else {
      flags[0].store(1);
      payload.store(42);
    }
  });
  for (int i = 1; i <= kRelays; ++i) {
    threads.emplace_back([&, i] {
      wait_for(flags[i - 1]);
      flags[i].store(1);
    });
  }
  threads.emplace_back([&] {  // reader
    wait_for(flags[kRelays]);
    WEFT_ASSERT_MSG(payload.load() == 42, "the signal arrived before the payload it announces");
  });
  for (weft::thread& t : threads) t.join();
}

}  // namespace

WEFT_BUG_PROGRAM(relay_chain, {.name = "corpus/relay_chain",
                               .what = "11 threads: a flag relayed by 9 spinning threads overtakes the payload",
                               .buggy = relayed_signal<false>,
                               .fixed = relayed_signal<true>,
                               .kinds = {weft::FailureKind::kAssertion}});
