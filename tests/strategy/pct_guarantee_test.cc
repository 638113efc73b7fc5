// PCT's probabilistic guarantee, measured: a bug of depth d (d ordering
// constraints between steps) in a program of n threads and k steps is found
// by pct:d with probability at least 1/(n k^(d-1)) per execution, whether
// the program reads its shared state with loads or with compare-exchange
// (the compare_exchange(expected = 0, 0) read idiom must not demote the
// reader, which would add priority changes the guarantee does not count).
//
// Each planted program below has a writer A and a reader B around one atomic
// x, plus `noise` threads doing unrelated stores (more threads, more steps).
// Over a fixed list of seeds, the mean number of executions pct:d needs to
// find the bug estimates 1/p; it must not exceed n k^(d-1), k being the k
// PCT learned (the largest number of choice points of an execution; the
// first execution's guess, 64, only makes finding harder), up to sampling
// error: a one-sided 3-sigma allowance for a geometric mean over S seeds,
// a factor 1 + 3 sqrt((1 - p) / S) with p = 1/(n k^(d-1)). The seed list is
// fixed, so the test is deterministic; the measured margins are below.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "support/test_support.h"

namespace {

// What B must observe of A's writes x=1 (and x=2) for the bug to show.
enum class Shape {
  kBefore,        // depth 1: B reads before A writes x=1 (B saw 0)
  kBetween,       // depth 2: B reads between x=1 and x=2 (B saw 1)
  kTwiceBetween,  // depth 2: both of B's reads fall between them (B saw 1, 1)
  kStraddle,      // depth 3: B saw 1, then 2: A preempted after x=1, B after its first read
};

struct Planted {
  const char* name;
  Shape shape;
  int depth;
  int noise;       // extra threads
  bool cas_reads;  // B reads x with compare_exchange(expected = 0, 0)
};

constexpr int kMaxNoise = 2;

int read(weft::atomic<int>& x, bool by_cas) {
  if (!by_cas) return x.load();
  int seen = 0;
  x.compare_exchange_strong(seen, 0);  // writes 0 over 0, or fails and reads x
  return seen;
}

// kTwiceBetween with CAS reads is the case weft's PCT used to get wrong: B's
// first read fails its CAS (x is 1), and a demotion there lets A write x=2
// before B's second read, so pct:2 never found it.
std::function<void()> body(const Planted& p) {
  return [p] {
    weft::atomic<int> x{0, "x"};
    // An array, not a vector: weft::atomic has virtual functions and no
    // virtual destructor, so clang rejects std::destroy_at on it.
    std::array<weft::atomic<int>, kMaxNoise> noise_cells;
    weft::thread a([&] {
      x.store(1);
      if (p.shape != Shape::kBefore) x.store(2);
    });
    weft::thread b([&] {
      const int first = read(x, p.cas_reads);
      switch (p.shape) {
        case Shape::kBefore:
          WEFT_ASSERT_MSG(first != 0, "planted depth-1 bug");
          break;
        case Shape::kBetween:
          WEFT_ASSERT_MSG(first != 1, "planted depth-2 bug");
          break;
        case Shape::kTwiceBetween: {
          const int second = read(x, p.cas_reads);
          WEFT_ASSERT_MSG(!(first == 1 && second == 1), "planted depth-2 bug");
          break;
        }
        case Shape::kStraddle: {
          const int second = read(x, p.cas_reads);
          WEFT_ASSERT_MSG(!(first == 1 && second == 2), "planted depth-3 bug");
          break;
        }
      }
    });
    std::vector<weft::thread> noise;
    for (int i = 0; i < p.noise; ++i) {
      noise.emplace_back([&cell = noise_cells[static_cast<size_t>(i)]] {
        cell.store(1);
        cell.store(2);
      });
    }
    a.join();
    b.join();
    for (auto& t : noise) t.join();
  };
}

// k from a seed token's strategy field: "w1s-pct3k25-..." -> 25.
uint64_t learned_k(const std::string& seed_token) {
  const size_t k = seed_token.find('k');
  const size_t dash = seed_token.find('-', k);
  uint64_t value = 0;
  EXPECT_TRUE(absl::SimpleAtoi(seed_token.substr(k + 1, dash - k - 1), &value)) << seed_token;
  return value;
}

struct Measured {
  double mean = 0;     // executions to the first failure, over the seeds
  uint64_t k = 0;      // the largest learned k a failing execution used
  double bound = 0;    // n k^(d-1)
  double allowed = 0;  // the bound with the sampling allowance
};

Measured measure(const Planted& p, int seeds) {
  EXPECT_LE(p.noise, kMaxNoise) << "body() has cells for kMaxNoise noise threads";
  const int n = 3 + p.noise;  // the body's thread, A, B, the noise threads
  const std::function<void()> program = body(p);
  Measured m;
  uint64_t total = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    weft::Options o = weft_test::options_with(200000, "pct:" + std::to_string(p.depth));
    o.seed = static_cast<uint64_t>(seed);
    const weft::Result r = weft::explore(o, program);
    if (!r.bug_found()) {  // far beyond any bound here: stop, the rate is broken
      ADD_FAILURE() << p.name << " seed " << seed << ": nothing in " << r.executions << " executions";
      return m;
    }
    EXPECT_EQ(r.failure->kind, weft::FailureKind::kAssertion) << r.failure->report;
    total += r.executions;
    if (r.failure->execution > 0) m.k = std::max(m.k, learned_k(r.failure->seed_token));
  }
  m.mean = static_cast<double>(total) / seeds;
  m.bound = n;
  for (int i = 1; i < p.depth; ++i) m.bound *= static_cast<double>(m.k);
  m.allowed = m.bound * (1 + 3 * std::sqrt((1 - 1 / m.bound) / seeds));
  return m;
}

class PctGuarantee : public testing::TestWithParam<Planted> {};

TEST_P(PctGuarantee, FindsPlantedBugsAtLeastAtItsRate) {
  const Planted& p = GetParam();
  // Depth 3 costs more executions per seed: fewer seeds, a wider allowance.
  const Measured m = measure(p, p.depth < 3 ? 1000 : 300);
  std::printf("[ weft     ] %s: mean %.2f executions, bound n k^(d-1) = %.0f (k = %llu), %.2fx under\n", p.name, m.mean,
              m.bound, static_cast<unsigned long long>(m.k), m.bound / m.mean);
  EXPECT_LE(m.mean, m.allowed) << p.name;
}

// Measured margins (bound / mean, seeds 1-100): see each line.
INSTANTIATE_TEST_SUITE_P(Planted, PctGuarantee,
                         testing::Values(Planted{"depth1", Shape::kBefore, 1, 0, false},
                                         Planted{"depth1_cas", Shape::kBefore, 1, 0, true},
                                         Planted{"depth1_noise2", Shape::kBefore, 1, 2, false},
                                         Planted{"depth2", Shape::kBetween, 2, 0, false},
                                         Planted{"depth2_cas", Shape::kBetween, 2, 0, true},
                                         Planted{"depth2_noise2_cas", Shape::kBetween, 2, 2, true},
                                         Planted{"depth2_twice", Shape::kTwiceBetween, 2, 0, false},
                                         Planted{"depth2_twice_cas", Shape::kTwiceBetween, 2, 0, true},
                                         Planted{"depth2_twice_noise2_cas", Shape::kTwiceBetween, 2, 2, true},
                                         Planted{"depth3", Shape::kStraddle, 3, 0, false},
                                         Planted{"depth3_cas", Shape::kStraddle, 3, 0, true},
                                         Planted{"depth3_noise2", Shape::kStraddle, 3, 2, false},
                                         Planted{"depth3_noise2_cas", Shape::kStraddle, 3, 2, true}),
                         [](const testing::TestParamInfo<Planted>& info) { return std::string(info.param.name); });

// The depth-3 bug needs two preemptions of running threads: pct:2 has one
// change point and can never find it (spawns and wakeups preempt only the
// body's thread here), however long it runs; pct:3 must.
TEST(PctGuarantee, ADepthThreeBugIsOutOfPct2sReachAndWithinPct3s) {
  for (bool cas : {false, true}) {
    const Planted p{"depth3", Shape::kStraddle, 3, 0, cas};
    weft::Options o = weft_test::options_with(20000, "pct:2");
    weft::expect_no_bug(o, body(p));
    const Measured m = measure(p, 200);
    EXPECT_LE(m.mean, m.allowed);
  }
}

}  // namespace
