// weft::atomic<T>: read-modify-writes are indivisible under every schedule,
// a load-then-store increment is not (and weft finds it), CAS loops,
// exchange, the bitwise operations, operators, and wait/notify.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <cstdint>
#include <set>

#include "support/test_support.h"

namespace {

using weft::FailureKind;
using weft_test::contains;
using weft_test::options_with;

TEST(Atomic, FetchAddTotalsAndHandsOutDistinctValues) {
  weft::expect_no_bug(options_with(3000), [] {
    weft::atomic<int> counter{0, "counter"};
    std::set<int> handed_out;  // only fibers of one OS thread touch it
    auto work = [&] {
      for (int i = 0; i < 3; ++i) {
        const int old = counter.fetch_add(1, std::memory_order_relaxed);
        WEFT_ASSERT_MSG(handed_out.insert(old).second, "fetch_add returned a value twice");
      }
    };
    weft::thread a(work), b(work);
    work();
    a.join();
    b.join();
    WEFT_ASSERT(counter.load() == 9);
  });
}

TEST(Atomic, LoadThenStoreLosesUpdatesAndWeftFindsIt) {
  const weft::Options options = options_with(3000);
  const weft_test::Body body = [] {
    weft::atomic<int> counter{0, "counter"};
    auto work = [&] { counter.store(counter.load() + 1); };  // BUG: two operations
    weft::thread a(work);
    work();
    a.join();
    WEFT_ASSERT_MSG(counter.load() == 2, "lost update");
  };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kAssertion});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "lost update"));
}

TEST(Atomic, CompareExchangeLoopIncrementsExactly) {
  weft::expect_no_bug(options_with(3000), [] {
    weft::atomic<int> counter{0};
    auto work = [&] {
      for (int i = 0; i < 2; ++i) {
        int seen = counter.load();
        // A failed CAS refreshes `seen`; if it did not, this would spin
        // until max_steps and be reported as a livelock.
        while (!counter.compare_exchange_weak(seen, seen + 1)) {
        }
      }
    };
    weft::thread a(work), b(work);
    work();
    a.join();
    b.join();
    WEFT_ASSERT(counter.load() == 6);
  });
}

TEST(Atomic, FailedCompareExchangeReportsTheCurrentValue) {
  weft::expect_no_bug(options_with(10), [] {
    weft::atomic<int> x{5};
    int expected = 3;
    WEFT_ASSERT(!x.compare_exchange_strong(expected, 9));
    WEFT_ASSERT(expected == 5);
    WEFT_ASSERT(x.compare_exchange_strong(expected, 9, std::memory_order_acq_rel, std::memory_order_acquire));
    WEFT_ASSERT(x.load() == 9);
  });
}

TEST(Atomic, ExchangeHandsTheTokenToExactlyOneThread) {
  weft::expect_no_bug(options_with(3000), [] {
    weft::atomic<bool> token{true, "token"};
    weft::atomic<int> winners{0};
    auto grab = [&] {
      if (token.exchange(false)) winners.fetch_add(1);
    };
    weft::thread a(grab), b(grab);
    grab();
    a.join();
    b.join();
    WEFT_ASSERT(winners.load() == 1);
    WEFT_ASSERT(!token.load());
  });
}

TEST(Atomic, BitwiseAndSubtractOperations) {
  weft::expect_no_bug(options_with(10), [] {
    weft::atomic<uint32_t> bits{0b1100};
    WEFT_ASSERT(bits.fetch_or(0b0011) == 0b1100);
    WEFT_ASSERT(bits.fetch_and(0b1010) == 0b1111);
    WEFT_ASSERT(bits.fetch_xor(0b0010) == 0b1010);
    WEFT_ASSERT(bits.load() == 0b1000);
    WEFT_ASSERT(bits.fetch_sub(3) == 0b1000);
    WEFT_ASSERT(bits.load() == 5);
  });
}

TEST(Atomic, OperatorsAreAtomicReadModifyWrites) {
  weft::expect_no_bug(options_with(3000), [] {
    weft::atomic<int> n{0, "n"};
    auto work = [&] {
      ++n;
      n++;
      n += 3;
      --n;
      n -= 1;
    };
    weft::thread a(work);
    work();
    a.join();
    WEFT_ASSERT(n == 6);
    n = 11;
    WEFT_ASSERT(static_cast<int>(n) == 11);
  });
}

TEST(Atomic, PointerArithmetic) {
  weft::expect_no_bug(options_with(10), [] {
    int cells[4] = {};
    weft::atomic<int*> p{cells};
    WEFT_ASSERT(p.fetch_add(2) == cells);
    WEFT_ASSERT(p.fetch_sub(1) == cells + 2);
    WEFT_ASSERT(p.load() == cells + 1);
  });
}

TEST(Atomic, WaitBlocksUntilNotifiedOfAChange) {
  weft::expect_no_bug(options_with(2000), [] {
    weft::atomic<int> state{0, "state"};
    weft::thread waiter([&] {
      state.wait(0);  // returns only once the value is not 0
      WEFT_ASSERT(state.load() == 1);
    });
    state.store(1);
    state.notify_one();
    waiter.join();
  });
}

TEST(Atomic, ReleaseAcquirePublishesAPlainVariable) {
  // A var written before a release store and read after the acquire load
  // that sees it: ordered, so no race in any schedule.
  weft::expect_no_bug(options_with(3000), [] {
    weft::var<int> payload{0, "payload"};
    weft::atomic<bool> ready{false, "ready"};
    weft::thread reader([&] {
      while (!ready.load(std::memory_order_acquire)) weft::this_thread::yield();
      WEFT_ASSERT(payload == 42);
    });
    payload = 42;
    ready.store(true, std::memory_order_release);
    reader.join();
  });
}

}  // namespace
