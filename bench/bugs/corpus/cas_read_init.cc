// Lazy initialization whose state is read with compare_exchange, and whose
// readiness is announced one field too early.
//
// Pattern: a configuration built on first use. `state` goes 0 (none) -> 1
//   (being built, by the thread whose CAS won) -> 2 (ready); the others
//   spin until it is ready. Every read of `state` and of the fields is a
//   compare_exchange(expected = 0, 0), the InterlockedCompareExchange read
//   idiom: a spin of such reads fails the same CAS again and again.
// Bug: the builder marks the configuration ready between writing its two
//   fields; a thread that reads in that window sees the second field unset.
// Fix: write both fields, then mark it ready.
#include <weft/weft.h>

#include "bugs/program.h"

namespace {

int read(weft::atomic<int>& a) {
  int seen = 0;
  a.compare_exchange_strong(seen, 0);  // InterlockedCompareExchange(&a, 0, 0)
  return seen;
}

template <bool kReadyLast>
class LazyConfig {
 public:
  // Returns port * 1000 + timeout, building the configuration if needed.
  int get() {
    int none = 0;
    if (read(state_) == 0 && state_.compare_exchange_strong(none, 1)) build();
    while (read(state_) != 2) {
    }  // spins on failed CASes: only their repetition tells weft it spins
    return read(port_) * 1000 + read(timeout_);
  }

 private:
  void build() {
    port_.store(80);
    if constexpr (kReadyLast) {
      timeout_.store(30);
      state_.store(2);
    } else {
      state_.store(2);
      timeout_.store(30);
    }
  }

  weft::atomic<int> state_{0, "state"};
  weft::atomic<int> port_{0, "port"};
  weft::atomic<int> timeout_{0, "timeout"};
};

template <bool kReadyLast>
void three_users() {
  LazyConfig<kReadyLast> config;
  auto use = [&] { WEFT_ASSERT_MSG(config.get() == 80030, "a user saw the configuration half built"); };
  weft::thread a(use), b(use);
  use();
  a.join();
  b.join();
}

}  // namespace

WEFT_BUG_PROGRAM(cas_read_init, {.name = "corpus/cas_read_init",
                                 .what = "lazy init read by CAS(0, 0), spinning without yield: ready one field early",
                                 .buggy = three_users<false>,
                                 .fixed = three_users<true>,
                                 .kinds = {weft::FailureKind::kAssertion}});
