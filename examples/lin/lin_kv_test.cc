// A key-value store with optimistic concurrency: append() reads a value and
// its version, computes the new value without holding the lock, then commits
// if the version has not changed. The buggy store validates the version and
// commits in two separate critical sections, so two appends can both pass
// validation and one of them is lost. Every access is under the lock (no data
// race); the scenario test finds the lost update as a linearizability
// violation against the key-value model, and shrinks it to two appends and a
// get.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>

#include "weft/lin/models/kv.h"
#include "weft/lin/scenario.h"
#include "weft/weft.h"

namespace {

using KvSpec = weft::lin::KvModel;

template <bool kBuggy>
class OptimisticStore {
 public:
  std::string get(const std::string& key) {
    std::scoped_lock lock(mutex_);
    return entries_[key].value;
  }
  void put(const std::string& key, const std::string& value) {
    std::scoped_lock lock(mutex_);
    Entry& e = entries_[key];
    e.value = value;
    ++e.version;
  }
  void append(const std::string& key, const std::string& suffix) {
    for (;;) {
      std::uint64_t seen = 0;
      std::string next;
      {
        std::scoped_lock lock(mutex_);
        seen = entries_[key].version;
        next = entries_[key].value + suffix;
      }
      if constexpr (kBuggy) {
        bool unchanged = false;
        {
          std::scoped_lock lock(mutex_);
          unchanged = entries_[key].version == seen;
        }
        if (!unchanged) continue;
        // BUG: another append may commit between the check above and here.
        std::scoped_lock lock(mutex_);
        entries_[key].value = next;
        entries_[key].version = seen + 1;
        return;
      } else {
        std::scoped_lock lock(mutex_);  // validate and commit atomically
        Entry& e = entries_[key];
        if (e.version != seen) continue;
        e.value = next;
        e.version = seen + 1;
        return;
      }
    }
  }

 private:
  struct Entry {
    std::string value;
    std::uint64_t version = 0;
  };
  weft::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

template <bool kBuggy>
KvSpec::Output execute(OptimisticStore<kBuggy>& store, const KvSpec::Input& in) {
  switch (in.kind) {
    case KvSpec::Kind::kGet:
      return KvSpec::value(store.get(in.key));
    case KvSpec::Kind::kPut:
      store.put(in.key, in.value);
      return KvSpec::done();
    case KvSpec::Kind::kAppend:
      store.append(in.key, in.value);
      return KvSpec::done();
    case KvSpec::Kind::kCas:
      break;  // not generated
  }
  return KvSpec::done();
}

KvSpec::Input random_op(std::mt19937_64& rng) {
  const std::string key = rng() % 2 ? "x" : "y";
  const std::string value(1, static_cast<char>('a' + rng() % 3));
  switch (rng() % 3) {
    case 0:
      return KvSpec::get(key);
    case 1:
      return KvSpec::put(key, value);
    default:
      return KvSpec::append(key, value);
  }
}

template <bool kBuggy>
weft::lin::ScenarioResult<KvSpec> test_store() {
  weft::lin::ScenarioOptions options;
  options.scenarios = 40;
  options.post_ops = 1;  // a final read makes a lost update visible
  options.explore.iterations = 300;
  weft::lin::ScenarioTester<KvSpec, OptimisticStore<kBuggy>> tester(KvSpec{}, execute<kBuggy>, random_op, options);
  return tester.run();
}

TEST(LinKv, OptimisticAppendIsLinearizable) {
  auto r = test_store<false>();
  ASSERT_TRUE(r.error.ok()) << r.error;
  EXPECT_FALSE(r.bug_found()) << r.report;
}

TEST(LinKv, SplitValidateAndCommitLosesUpdates) {
  auto r = test_store<true>();
  ASSERT_TRUE(r.bug_found()) << "no scenario failed";
  // Not linearizable: a deadlock, a crash or a misuse in the scenario would be another bug.
  EXPECT_EQ(r.failure->kind, weft::FailureKind::kNotLinearizable) << r.report;
  EXPECT_LE(r.scenario->size(), 4u) << r.report;
  EXPECT_NE(r.report.find("append"), std::string::npos) << r.report;
  std::cout << r.report << "\n";
}

}  // namespace
