// The classes of identical operations (detail/identical_ops.h): found with a
// hash map when the model's Input and Output are hashable, by scanning the
// most recent classes when they only have ==. The register model both ways
// (RegisterModel, and the same model with its Input and Output wrapped in
// types without hashing): the hashed classes are exactly the operations that
// are identical, the scan's are the same while a part has at most kRecent
// classes and never join operations that are not identical, and the search
// is the same with either (same verdicts, same number of nodes).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "property_support.h"
#include "weft/lin/check.h"
#include "weft/lin/detail/identical_ops.h"
#include "weft/lin/detail/prepared.h"
#include "weft/lin/models/register.h"

namespace weft::lin {
namespace {

using R = RegisterModel;

// RegisterModel whose Input and Output have == and nothing else, as a
// user's model may.
struct UnhashedRegister {
  using State = R::State;
  struct Input {
    R::Input in;
    bool operator==(const Input&) const = default;
  };
  struct Output {
    R::Output out;
    bool operator==(const Output&) const = default;
  };
  static std::optional<R::Output> unwrap(const std::optional<Output>& out) {
    return out ? std::optional<R::Output>(out->out) : std::nullopt;
  }
  State initial() const { return R{}.initial(); }
  std::optional<State> step(State s, const Input& in, const Output& out) const { return R{}.step(s, in.in, out.out); }
  std::optional<State> step_unknown(State s, const Input& in) const { return R{}.step_unknown(s, in.in); }
  bool read_only(const Input& in, const std::optional<Output>& out) const { return R{}.read_only(in.in, unwrap(out)); }
  std::string describe(const Input& in, const std::optional<Output>& out) const {
    return R{}.describe(in.in, unwrap(out));
  }
};

using Hashed = detail::IdenticalOps<R::Input, R::Output>;
using Scanned = detail::IdenticalOps<UnhashedRegister::Input, UnhashedRegister::Output>;
static_assert(Hashed::kHashed);
static_assert(!Scanned::kHashed);

HistoryOf<UnhashedRegister> unhashed(const HistoryOf<R>& h) {
  HistoryOf<UnhashedRegister> out;
  for (const auto& op : h) {
    out.push_back({.client = op.client,
                   .input = {op.input},
                   .output = op.output ? std::optional(UnhashedRegister::Output{*op.output}) : std::nullopt,
                   .call = op.call,
                   .ret = op.ret});
  }
  return out;
}

// Writes, reads and compare-and-sets of values in [0, values), some of
// unknown outcome, with calls in [0, n) and short intervals.
HistoryOf<R> random_history(std::mt19937& rng, int n, int values, int unknown_percent) {
  HistoryOf<R> h;
  const auto value = [&] { return static_cast<std::int64_t>(rng() % values); };
  for (int i = 0; i < n; ++i) {
    OperationOf<R> op;
    op.client = i;
    op.call = static_cast<Time>(rng() % n);
    op.ret = op.call + static_cast<Time>(rng() % 4);
    switch (rng() % 4) {
      case 0:
        op.input = R::write(value());
        op.output = R::ok();
        break;
      case 1:
        op.input = R::cas(value(), value());
        op.output = rng() % 2 ? R::ok() : R::failed();
        break;
      default:
        op.input = R::read();
        op.output = R::value(rng() % 5 == 0 ? R::kNil : value());
    }
    if (static_cast<int>(rng() % 100) < unknown_percent) {
      op.output.reset();
      if (rng() % 2) op.ret = kEndOfTime;
    }
    h.push_back(op);
  }
  return h;
}

// The part as the search sees it; it points into `h`.
template <class M>
detail::Prepared<typename M::Input, typename M::Output> prepared(const M& model, const HistoryOf<M>& h) {
  std::vector<std::size_t> all(h.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  return detail::prepare(model, h, all, Reductions{});
}

template <class Ops>
std::vector<std::uint32_t> classes(const Ops& ops, std::size_t n) {
  std::vector<std::uint32_t> out(n);
  for (std::uint32_t i = 0; i < n; ++i) out[i] = ops.class_of(i);
  return out;
}

bool identical(const detail::Prepared<R::Input, R::Output>& p, std::uint32_t i, std::uint32_t j) {
  if ((p.output[i] == nullptr) != (p.output[j] == nullptr)) return false;
  return *p.input[i] == *p.input[j] && (p.output[i] == nullptr || *p.output[i] == *p.output[j]);
}

// `values` sets how many distinct operations there are: few (classes found
// either way) or many (more than the scan keeps).
void classes_agree(unsigned seed, int values, bool expect_wide) {
  std::mt19937 rng(seed);
  int wide = 0;
  for (int it = 0; it < 40; ++it) {
    const HistoryOf<R> h = random_history(rng, 300, values, 20);
    const HistoryOf<UnhashedRegister> wrapped = unhashed(h);  // prepared() points into it
    const auto p = prepared(R{}, h);
    const auto q = prepared(UnhashedRegister{}, wrapped);
    ASSERT_EQ(p.original, q.original);
    const std::size_t n = p.input.size();
    const Hashed hashed_ops(p, Reductions{});
    const Scanned scanned_ops(q, Reductions{});
    const std::vector<std::uint32_t> hashed = classes(hashed_ops, n);
    const std::vector<std::uint32_t> scanned = classes(scanned_ops, n);
    for (std::uint32_t i = 0; i < n; ++i) {
      for (std::uint32_t j = 0; j < i; ++j) {
        ASSERT_EQ(hashed[i] == hashed[j], identical(p, i, j)) << "seed " << seed << " iteration " << it;
        if (scanned[i] == scanned[j]) {
          ASSERT_EQ(hashed[i], hashed[j]) << "seed " << seed << " iteration " << it;
        }
      }
    }
    const std::size_t distinct = std::set<std::uint32_t>(hashed.begin(), hashed.end()).size();
    if (distinct <= Scanned::kRecent) {
      ASSERT_EQ(hashed, scanned) << "seed " << seed << " iteration " << it;
    } else {
      ++wide;
    }
  }
  if (expect_wide) {
    EXPECT_EQ(wide, 40);
  } else {
    EXPECT_EQ(wide, 0);
  }
}

TEST(IdenticalClasses, HashedAndScannedClassesAreTheSameOnNarrowHistories) { classes_agree(41, 3, false); }

TEST(IdenticalClasses, HashedClassesAreExactOnWideHistoriesAndTheScanNeverJoinsTooMuch) { classes_agree(42, 40, true); }

TEST(IdenticalClasses, TheSearchIsTheSameWithHashedAndScannedClasses) {
  std::mt19937 rng(43);
  int linearizable = 0;
  constexpr int kHistories = 20000;
  for (int it = 0; it < kHistories; ++it) {
    const HistoryOf<R> h = random_history(rng, 3 + static_cast<int>(rng() % 12), 3, 30);
    CheckOptions options;
    options.explain = false;
    // The register read guide is RegisterModel's alone; off, both models
    // run the same general search.
    options.reductions.register_reads_guide_writes = false;
    const CheckResult with_hash = check(R{}, h, options);
    const CheckResult with_scan = check(UnhashedRegister{}, unhashed(h), options);
    ASSERT_EQ(with_hash.verdict, with_scan.verdict) << "iteration " << it << "\n" << testing::show(R{}, h);
    ASSERT_EQ(with_hash.stats.nodes, with_scan.stats.nodes) << "iteration " << it << "\n" << testing::show(R{}, h);
    linearizable += with_hash.verdict == Verdict::kLinearizable;
  }
  EXPECT_GT(linearizable, kHistories / 10);
  EXPECT_LT(linearizable, kHistories - kHistories / 10);
}

}  // namespace
}  // namespace weft::lin
