// A lock-order deadlock in unmodified code: two std::threads transfer money
// between two accounts, each guarded by a std::mutex, locking them in
// argument order.
//
// Bug: transfer(a, b) locks a then b while transfer(b, a) locks b then a;
//   if each gets its first lock, both wait forever.
// Fix: std::scoped_lock, which takes both without deadlock (it locks one
//   and try_locks the other, backing off), so pthread_mutex_trylock is
//   exercised too.
//
// weft reports the inversion (kLockOrderInversion) as soon as both orders
// have been seen, and the deadlock itself with the lock-order detector off.
// The weft twin (weft::mutex, weft::thread) runs in the same binary.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <mutex>
#include <thread>

#include "expect_bug.h"

namespace {

template <typename Mutex>
struct Account {
  Mutex mutex;
  int balance = 100;
};

template <typename Mutex>
void transfer_in_argument_order(Account<Mutex>& from, Account<Mutex>& to, int amount) {
  std::lock_guard first(from.mutex);
  std::lock_guard second(to.mutex);
  from.balance -= amount;
  to.balance += amount;
}

template <typename Mutex>
void transfer_with_scoped_lock(Account<Mutex>& from, Account<Mutex>& to, int amount) {
  std::scoped_lock both(from.mutex, to.mutex);
  from.balance -= amount;
  to.balance += amount;
}

template <typename Mutex, typename Thread, void (*Transfer)(Account<Mutex>&, Account<Mutex>&, int)>
void opposite_transfers() {
  Account<Mutex> alice;
  Account<Mutex> bob;
  Thread a_to_b([&] { Transfer(alice, bob, 30); });
  Thread b_to_a([&] { Transfer(bob, alice, 20); });
  a_to_b.join();
  b_to_a.join();
  WEFT_ASSERT(alice.balance == 90);
  WEFT_ASSERT(bob.balance == 110);
}

constexpr auto std_buggy = opposite_transfers<std::mutex, std::thread, transfer_in_argument_order<std::mutex>>;
constexpr auto std_fixed = opposite_transfers<std::mutex, std::thread, transfer_with_scoped_lock<std::mutex>>;
constexpr auto weft_buggy = opposite_transfers<weft::mutex, weft::thread, transfer_in_argument_order<weft::mutex>>;

weft::Options without_lock_order_detector(uint64_t iterations) {
  weft::Options o = examples::budget(iterations);
  o.detect_lock_order = false;
  return o;
}

}  // namespace

TEST(UnmodifiedLockOrdering, FindsInversion) {
  examples::expect_bug(examples::budget(2000), std_buggy, {weft::FailureKind::kLockOrderInversion});
}

TEST(UnmodifiedLockOrdering, FindsDeadlock) {
  examples::expect_bug(without_lock_order_detector(2000), std_buggy, {weft::FailureKind::kDeadlock});
}

TEST(UnmodifiedLockOrdering, WeftTwinFindsDeadlock) {
  examples::expect_bug(without_lock_order_detector(2000), weft_buggy, {weft::FailureKind::kDeadlock});
}

WEFT_TEST_WITH(UnmodifiedLockOrdering, ScopedLockNeverDeadlocks, weft::Options{.iterations = 2000}) { std_fixed(); }
