// A replicated register (Cassandra- or Dynamo-like): N replicas, each a
// timestamped value; a write stores (value, new timestamp) on W replicas, a
// read asks R replicas and returns the value with the newest timestamp.
// Which replicas answer is explored (weft::choose picks the quorum).
//
// Bug: R + W <= N. A read quorum can miss every replica of the last write:
//   a read that starts after a write has completed returns an older value.
//   The scenario test records the history and weft's linearizability
//   checker rejects it, with a smallest set of operations that cannot be
//   ordered (the write and the stale read).
// Fix: R + W > N, so every read quorum meets every write quorum; and the
//   read writes the value it returns back to a write quorum before
//   returning (ABD), without which two reads racing one write could still
//   see the new value and then the old one.
#include <gtest/gtest.h>

#include <array>
#include <iostream>
#include <mutex>

#include "weft/lin/models/register.h"
#include "weft/lin/scenario.h"
#include "weft/weft.h"

namespace {

using RegisterSpec = weft::lin::RegisterModel;

template <int N, int R, int W>
class QuorumRegister {
 public:
  static_assert(R >= 1 && W >= 1 && R <= N && W <= N);

  void write(int64_t value) {
    const int64_t ts = clock_.fetch_add(1) + 1;  // a coordinator's timestamp: unique and increasing
    store_on_quorum(W, value, ts);
  }

  int64_t read() {
    Versioned newest{RegisterSpec::kNil, 0};
    const int first = static_cast<int>(weft::choose(N));  // which R replicas answer
    for (int i = 0; i < R; ++i) {
      Replica& r = replicas_[(first + i) % N];
      std::scoped_lock lock(r.m);
      if (r.data.ts > newest.ts) newest = r.data;
    }
    if constexpr (R + W > N) store_on_quorum(W, newest.value, newest.ts);  // write-back
    return newest.value;
  }

 private:
  struct Versioned {
    int64_t value;
    int64_t ts;
  };
  struct Replica {
    weft::mutex m{"replica"};
    Versioned data{RegisterSpec::kNil, 0};
  };

  void store_on_quorum(int quorum, int64_t value, int64_t ts) {
    if (ts == 0) return;                                  // nothing written yet
    const int first = static_cast<int>(weft::choose(N));  // which W replicas acknowledge
    for (int i = 0; i < quorum; ++i) {
      Replica& r = replicas_[(first + i) % N];
      std::scoped_lock lock(r.m);
      if (ts > r.data.ts) r.data = {value, ts};  // last write wins, by timestamp
    }
  }

  weft::atomic<int64_t> clock_{0, "clock"};
  std::array<Replica, N> replicas_;
};

template <int N, int R, int W>
weft::lin::ScenarioResult<RegisterSpec> test_register() {
  weft::lin::ScenarioOptions options;
  options.threads = 2;
  options.ops_per_thread = 2;
  options.init_ops = 1;
  options.post_ops = 1;
  options.scenarios = 20;
  options.explore.iterations = 200;
  weft::lin::ScenarioTester<RegisterSpec, QuorumRegister<N, R, W>> tester(
      RegisterSpec{},
      [](QuorumRegister<N, R, W>& reg, const RegisterSpec::Input& in) {
        if (in.kind == RegisterSpec::Kind::kWrite) {
          reg.write(in.value);
          return RegisterSpec::ok();
        }
        return RegisterSpec::value(reg.read());
      },
      [](std::mt19937_64& rng) {
        return rng() % 2 ? RegisterSpec::read() : RegisterSpec::write(static_cast<int64_t>(1 + rng() % 3));
      },
      options);
  return tester.run();
}

TEST(QuorumRegister, OverlappingQuorumsWithWriteBackAreLinearizable) {
  auto r = test_register<3, 2, 2>();
  ASSERT_TRUE(r.error.ok()) << r.error;
  EXPECT_FALSE(r.bug_found()) << r.report;
}

TEST(QuorumRegister, NonOverlappingQuorumsReadStaleValues) {
  auto r = test_register<3, 1, 2>();  // R + W = N
  ASSERT_TRUE(r.bug_found()) << "no scenario failed";
  ASSERT_EQ(r.failure->kind, weft::FailureKind::kNotLinearizable) << r.report;
  const weft::NotLinearizable* evidence = r.failure->evidence_if<weft::NotLinearizable>();
  ASSERT_NE(evidence, nullptr);
  EXPECT_TRUE(evidence->explained) << r.report;
  EXPECT_GE(evidence->core.size(), 2u) << r.report;  // a write and the read that missed it, at least
  EXPECT_LE(r.scenario->size(), 4u) << r.report;     // shrunk
  std::cout << r.report << "\n";
}

}  // namespace
