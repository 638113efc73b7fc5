// Pessimistic vs optimistic locking of an account store.
//
// Pattern: clients deposit into accounts of a small store. Pessimistic
//   locking takes a mutex around each read-modify-write. Optimistic locking
//   takes no lock: it reads the row {balance, version}, computes the new
//   row, and commits it with one compare_exchange that succeeds only if the
//   row is still the one it read; otherwise it retries with the fresh row.
// Bugs: two plausible "optimistic" variants that lose deposits:
//   - validate-then-write: re-read the version, see it unchanged, then store
//     the new row. Another client can commit between the check and the store.
//   - version and balance in separate columns: CAS the version forward, then
//     store the balance. A client that read the balance before the winner's
//     store commits a stale balance on top of it.
// Fix: the commit must compare and swap the whole row (version and balance)
//   in one atomic step, which is the OptimisticStore below.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <array>
#include <cstdint>
#include <mutex>

#include "expect_bug.h"

namespace {

constexpr int kAccounts = 2;
constexpr int kOpening = 100;
const char* const kBalanceNames[kAccounts] = {"balance[0]", "balance[1]"};
const char* const kRowNames[kAccounts] = {"row[0]", "row[1]"};
const char* const kVersionNames[kAccounts] = {"version[0]", "version[1]"};

// Pessimistic: one lock for the store; balances are plain (race-checked) vars.
class LockedStore {
 public:
  void deposit(int account, int amount) {
    std::scoped_lock lock(mutex_);
    balance_[account] = balance_[account] + amount;
    version_[account] = version_[account] + 1;
  }
  int64_t balance(int account) {
    std::scoped_lock lock(mutex_);
    return balance_[account];
  }
  uint64_t version(int account) {
    std::scoped_lock lock(mutex_);
    return version_[account];
  }

 private:
  weft::mutex mutex_{"store"};
  std::array<weft::var<int64_t>, kAccounts> balance_{weft::var<int64_t>{kOpening, kBalanceNames[0]},
                                                     weft::var<int64_t>{kOpening, kBalanceNames[1]}};
  std::array<weft::var<uint64_t>, kAccounts> version_{weft::var<uint64_t>{0, kVersionNames[0]},
                                                      weft::var<uint64_t>{0, kVersionNames[1]}};
};

// A row is committed as a whole: 16 bytes, no padding, compared bytewise.
struct Row {
  int64_t balance;
  uint64_t version;
};

// Optimistic, correct: read the row, compute, CAS the whole row; on
// conflict the CAS hands back the fresh row and the client retries.
class OptimisticStore {
 public:
  void deposit(int account, int amount) {
    weft::atomic<Row>& row = rows_[account];
    Row seen = row.load();
    while (!row.compare_exchange_weak(seen, Row{seen.balance + amount, seen.version + 1})) {
      // `seen` now holds the row another client committed: recompute.
    }
  }
  int64_t balance(int account) { return rows_[account].load().balance; }
  uint64_t version(int account) { return rows_[account].load().version; }

 protected:
  std::array<weft::atomic<Row>, kAccounts> rows_{weft::atomic<Row>{Row{kOpening, 0}, kRowNames[0]},
                                                 weft::atomic<Row>{Row{kOpening, 0}, kRowNames[1]}};
};

// Bug 1: validates the version, then writes with a plain store.
class ValidateThenWriteStore : public OptimisticStore {
 public:
  void deposit(int account, int amount) {
    weft::atomic<Row>& row = rows_[account];
    while (true) {
      const Row seen = row.load();
      const Row next{seen.balance + amount, seen.version + 1};
      if (row.load().version == seen.version) {  // "nobody committed since I read"...
        row.store(next);                         // ...but somebody can, right here
        return;
      }
    }
  }
};

// Bug 2: version and balance are separate columns; the CAS guards only
// the version, and the balance is stored afterwards.
class SplitColumnsStore {
 public:
  void deposit(int account, int amount) {
    while (true) {
      uint64_t v = version_[account].load();
      const int64_t b = balance_[account].load();
      if (version_[account].compare_exchange_strong(v, v + 1)) {
        balance_[account].store(b + amount);  // may overwrite a newer balance with a stale sum
        return;
      }
    }
  }
  int64_t balance(int account) { return balance_[account].load(); }
  uint64_t version(int account) { return version_[account].load(); }

 private:
  std::array<weft::atomic<int64_t>, kAccounts> balance_{weft::atomic<int64_t>{kOpening, kBalanceNames[0]},
                                                        weft::atomic<int64_t>{kOpening, kBalanceNames[1]}};
  std::array<weft::atomic<uint64_t>, kAccounts> version_{weft::atomic<uint64_t>{0, kVersionNames[0]},
                                                         weft::atomic<uint64_t>{0, kVersionNames[1]}};
};

// Two clients make two deposits each into accounts weft chooses, so the
// exploration covers both "same account" and "different accounts". Every
// deposit must be in the balance, and every commit must bump the version.
template <typename Store>
void two_clients() {
  Store store;
  std::array<std::array<int, kAccounts>, 2> deposits{};  // per client, per account: written by that client only
  auto client = [&](int id, int amount) {
    for (int i = 0; i < 2; ++i) {
      const int account = static_cast<int>(weft::choose(kAccounts));
      store.deposit(account, amount);
      deposits[id][account] += 1;
    }
  };
  weft::thread first(client, 0, 10);
  weft::thread second(client, 1, 1);
  first.join();
  second.join();
  for (int a = 0; a < kAccounts; ++a) {
    const int64_t expected = kOpening + 10 * deposits[0][a] + 1 * deposits[1][a];
    WEFT_ASSERT_MSG(store.balance(a) == expected, "a committed deposit is missing from the balance");
    WEFT_ASSERT_MSG(store.version(a) == static_cast<uint64_t>(deposits[0][a] + deposits[1][a]),
                    "two commits produced the same version");
  }
}

}  // namespace

// The window is one step wide: between the version check and the store.
// Budget 3,000; seen: found after 21 executions (portfolio). Alone: random 6,
// pct:2 13, pct:3 41, pct:1 never.
TEST(OptimisticLocking, FindsLostUpdateInValidateThenWrite) {
  examples::expect_bug(examples::budget(3000), two_clients<ValidateThenWriteStore>, {weft::FailureKind::kAssertion},
                       "a committed deposit is missing");
}

// Budget 3,000; seen: found after 1 execution (portfolio). Alone: random 1,
// pct:3 16, pct:2 51, pct:1 never.
TEST(OptimisticLocking, FindsLostUpdateWithVersionAndBalanceInSeparateColumns) {
  examples::expect_bug(examples::budget(3000), two_clients<SplitColumnsStore>, {weft::FailureKind::kAssertion},
                       "a committed deposit is missing");
}

WEFT_TEST_WITH(OptimisticLocking, PessimisticLockingKeepsEveryDeposit, weft::Options{.iterations = 3000}) {
  two_clients<LockedStore>();
}

WEFT_TEST_WITH(OptimisticLocking, WholeRowCompareExchangeKeepsEveryDeposit, weft::Options{.iterations = 3000}) {
  two_clients<OptimisticStore>();
}

// The buggy stores as WEFT_TESTs, for their reports (tests/golden/ holds
// one). Disabled: they fail, as intended; run them with
// --gtest_also_run_disabled_tests.
WEFT_TEST_WITH(OptimisticLocking, DISABLED_ValidateThenWrite, weft::Options{.iterations = 3000}) {
  two_clients<ValidateThenWriteStore>();
}
