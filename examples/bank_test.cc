// Lost update on a bank balance: README's demo.
//
// Pattern: two tellers update one account concurrently.
// Bug: `balance = balance + amount` is a read, then a write. If the other
//   teller writes between them, one of the two updates is overwritten and
//   money vanishes. It is also a data race (undefined behaviour in C++),
//   which weft's race detector reports on the first schedule.
// Fix: a mutex around each read-modify-write (or an atomic fetch_add).
//
//   ./build/examples/bank_test                                  # the passing tests
//   ./build/examples/bank_test --gtest_filter=Bank.DISABLED_LostUpdate
//       --gtest_also_run_disabled_tests                         # the demo: a report
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <mutex>

#include "expect_bug.h"

namespace {

// The buggy account: every access is checked by weft, none is synchronized.
class Account {
 public:
  explicit Account(int opening) : balance_(opening, "balance") {}

  void deposit(int amount) { balance_ = balance_ + amount; }
  bool withdraw(int amount) {
    if (balance_ < amount) return false;
    balance_ = balance_ - amount;
    return true;
  }
  int balance() { return balance_; }

 private:
  weft::var<int> balance_;
};

// The fixed account: the same code, each operation under the account's lock.
class LockedAccount {
 public:
  explicit LockedAccount(int opening) : balance_(opening, "balance") {}

  void deposit(int amount) {
    std::scoped_lock lock(mutex_);
    balance_ = balance_ + amount;
  }
  bool withdraw(int amount) {
    std::scoped_lock lock(mutex_);
    if (balance_ < amount) return false;
    balance_ = balance_ - amount;
    return true;
  }
  int balance() {
    std::scoped_lock lock(mutex_);
    return balance_;
  }

 private:
  weft::mutex mutex_{"account"};
  weft::var<int> balance_;
};

// Alice deposits 50 while Bob withdraws 30 from an account holding 100.
template <typename AccountType>
void two_tellers() {
  AccountType account(100);
  weft::thread alice([&] { account.deposit(50); });
  weft::thread bob([&] { WEFT_ASSERT(account.withdraw(30)); });
  alice.join();
  bob.join();
  WEFT_ASSERT_MSG(account.balance() == 120, "an update to the balance was lost");
}

void lost_update() { two_tellers<Account>(); }
void locked_updates() { two_tellers<LockedAccount>(); }

}  // namespace

// With the default options the race detector speaks first: alice's and
// bob's accesses to `balance` are unordered in every schedule, so the data
// race is reported on execution 1.
TEST(Bank, RaceDetectorFlagsUnsynchronizedBalance) {
  examples::expect_bug(examples::budget(100), lost_update, {weft::FailureKind::kDataRace}, "balance");
}

// The race detector is off here so that the lost update itself, the money
// that vanishes, is what weft reports: it needs a preemption between a
// teller's read and its write. Budget 2,000; seen: found after 5 executions
// (portfolio; its 5th is a random one). Alone: random 2, pct:3 21, pct:2 271,
// pct:1 never (it has no preemptions).
TEST(Bank, FindsLostUpdate) {
  weft::Options o = examples::budget(2000);
  o.detect_races = false;
  examples::expect_bug(o, lost_update, {weft::FailureKind::kAssertion}, "an update to the balance was lost");
}

// The fix passes its whole budget, race detector on.
WEFT_TEST_WITH(Bank, MutexKeepsEveryUpdate, weft::Options{.iterations = 5000}) { locked_updates(); }

// README's demo: the buggy body as a WEFT_TEST. Disabled so that ctest
// stays green; run it with --gtest_also_run_disabled_tests to see the
// report and the line that replays it. The race detector is off so that the
// report shows the lost update itself (a read, a preemption, the other
// teller's write, then a stale write); with it on, the same test fails on
// its first schedule with the data race (see RaceDetectorFlags... above).
WEFT_TEST_WITH(Bank, DISABLED_LostUpdate, weft::Options{.detect_races = false}) { lost_update(); }

// The same body with the race detector on: its report names both accesses
// to the balance. Disabled, like the demo above; tests/golden/ holds its report.
WEFT_TEST(Bank, DISABLED_RaceOnTheBalance) { lost_update(); }
