// The built-in models' sequential semantics, checked through tiny histories
// whose operations do not overlap (so the only possible order is the given one).
#include <gtest/gtest.h>

#include "weft/lin/check.h"
#include "weft/lin/models/collections.h"
#include "weft/lin/models/kv.h"
#include "weft/lin/models/register.h"

namespace weft::lin {
namespace {

// Operations one after another: op k is called at 2k and returns at 2k+1.
template <class M>
HistoryOf<M> sequential(std::vector<std::pair<typename M::Input, typename M::Output>> ops) {
  HistoryOf<M> h;
  Time t = 0;
  for (auto& [in, out] : ops) {
    h.push_back({.client = 0, .input = in, .output = out, .call = t, .ret = t + 1});
    t += 2;
  }
  return h;
}

template <class M>
bool legal(const M& model, std::vector<std::pair<typename M::Input, typename M::Output>> ops) {
  return check(model, sequential<M>(std::move(ops))).verdict == Verdict::kLinearizable;
}

TEST(RegisterModel, ReadsTheLastWriteAndStartsNil) {
  using M = RegisterModel;
  EXPECT_TRUE(legal(M{}, {{M::read(), M::value(M::kNil)}, {M::write(3), M::ok()}, {M::read(), M::value(3)}}));
  EXPECT_FALSE(legal(M{}, {{M::write(3), M::ok()}, {M::read(), M::value(4)}}));
  EXPECT_FALSE(legal(M{}, {{M::read(), M::value(0)}}));
}

TEST(RegisterModel, CasSucceedsOnlyOnMatchAndFailureMeansMismatch) {
  using M = RegisterModel;
  EXPECT_TRUE(legal(M{}, {{M::write(1), M::ok()}, {M::cas(1, 2), M::ok()}, {M::read(), M::value(2)}}));
  EXPECT_FALSE(legal(M{}, {{M::write(1), M::ok()}, {M::cas(0, 2), M::ok()}}));
  EXPECT_TRUE(legal(M{}, {{M::write(1), M::ok()}, {M::cas(0, 2), M::failed()}, {M::read(), M::value(1)}}));
  EXPECT_FALSE(legal(M{}, {{M::write(1), M::ok()}, {M::cas(1, 2), M::failed()}}));
}

TEST(KvModel, KeysStartEmptyAndAppendConcatenates) {
  using M = KvModel;
  EXPECT_TRUE(legal(M{}, {{M::get("a"), M::value("")},
                          {M::put("a", "x"), M::done()},
                          {M::append("a", "y"), M::done()},
                          {M::get("a"), M::value("xy")},
                          {M::get("b"), M::value("")}}));
  EXPECT_FALSE(legal(M{}, {{M::put("a", "x"), M::done()}, {M::get("b"), M::value("x")}}));
  EXPECT_TRUE(legal(M{}, {{M::put("a", "x"), M::done()},
                          {M::cas("a", "x", "z"), M::done()},
                          {M::cas("a", "x", "w"), M::failed()},
                          {M::get("a"), M::value("z")}}));
}

// The state is one string; a map reached in any order is the same state (the
// memo relies on it), a key set to "" is as if never set, and keys that are
// prefixes of others, or hold bytes such as NUL, stay apart.
TEST(KvModel, EqualMapsAreEqualStates) {
  using M = KvModel;
  const M m;
  auto run = [&](const std::vector<M::Input>& ops) {
    M::State s = m.initial();
    for (const auto& in : ops) s = *m.step(s, in, M::done());
    return s;
  };
  const std::string nul("x\0y", 3);
  const M::State ab = run({M::put("a", "1"), M::put("ab", nul), M::append("b", "2")});
  EXPECT_EQ(ab, run({M::append("b", "2"), M::put("ab", nul), M::put("a", "1")}));
  EXPECT_EQ(ab, run({M::put("c", "3"), M::append("b", "2"), M::put("ab", nul), M::put("a", "1"), M::put("c", "")}));
  EXPECT_EQ(run({M::put("a", "1"), M::put("a", "")}), m.initial());
  EXPECT_TRUE(m.step(ab, M::get("ab"), M::value(nul)).has_value());
  EXPECT_FALSE(m.step(ab, M::get("a"), M::value("12")).has_value());
  EXPECT_TRUE(m.step(ab, M::get("abc"), M::value("")).has_value());
  EXPECT_EQ(m.describe_state(run({M::put("b", "2"), M::put("a", "1")})), "{\"a\": \"1\", \"b\": \"2\"}");
}

TEST(KvModel, PartitionsByKey) {
  using M = KvModel;
  auto h = sequential<M>({{M::put("a", "1"), M::done()}, {M::put("b", "2"), M::done()}, {M::get("a"), M::value("1")}});
  auto parts = M{}.partition(h);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(parts[1], (std::vector<std::size_t>{1}));
  EXPECT_EQ(check(M{}, h).stats.parts, 2u);
}

TEST(QueueModel, IsFirstInFirstOut) {
  using M = QueueModel<int>;
  EXPECT_TRUE(legal(M{}, {{M::enqueue(1), M::done()},
                          {M::enqueue(2), M::done()},
                          {M::size(), M::sized(2)},
                          {M::dequeue(), M::value(1)},
                          {M::dequeue(), M::value(2)},
                          {M::dequeue(), M::empty()}}));
  EXPECT_FALSE(legal(M{}, {{M::enqueue(1), M::done()}, {M::enqueue(2), M::done()}, {M::dequeue(), M::value(2)}}));
  EXPECT_FALSE(legal(M{}, {{M::enqueue(1), M::done()}, {M::dequeue(), M::empty()}}));
}

TEST(StackModel, IsLastInFirstOut) {
  using M = StackModel<int>;
  EXPECT_TRUE(legal(M{}, {{M::push(1), M::done()},
                          {M::push(2), M::done()},
                          {M::pop(), M::value(2)},
                          {M::pop(), M::value(1)},
                          {M::pop(), M::empty()}}));
  EXPECT_FALSE(legal(M{}, {{M::push(1), M::done()}, {M::push(2), M::done()}, {M::pop(), M::value(1)}}));
}

TEST(SetModel, ReportsWhetherOperationsChangedTheSet) {
  using M = SetModel<int>;
  EXPECT_TRUE(legal(M{}, {{M::add(1), M::yes()},
                          {M::add(1), M::no()},
                          {M::contains(1), M::yes()},
                          {M::size(), M::sized(1)},
                          {M::remove(1), M::yes()},
                          {M::remove(1), M::no()},
                          {M::contains(1), M::no()}}));
  EXPECT_FALSE(legal(M{}, {{M::add(1), M::yes()}, {M::add(1), M::yes()}}));
  EXPECT_FALSE(legal(M{}, {{M::contains(5), M::yes()}}));
}

TEST(CounterModel, AddsAndFetches) {
  using M = CounterModel;
  EXPECT_TRUE(legal(M{}, {{M::add(2), M::done()}, {M::fetch_add(3), M::value(2)}, {M::get(), M::value(5)}}));
  EXPECT_FALSE(legal(M{}, {{M::add(2), M::done()}, {M::get(), M::value(3)}}));
}

TEST(Models, DescribeOperationsReadably) {
  EXPECT_EQ(RegisterModel{}.describe(RegisterModel::cas(1, 2), RegisterModel::failed()), "cas(1, 2) -> fail");
  EXPECT_EQ(RegisterModel{}.describe(RegisterModel::write(4), std::nullopt), "write(4) -> ?");
  EXPECT_EQ(KvModel{}.describe(KvModel::get("k"), KvModel::value("v")), "get(\"k\") -> \"v\"");
  EXPECT_EQ(QueueModel<int>{}.describe(QueueModel<int>::dequeue(), QueueModel<int>::empty()), "dequeue() -> empty");
}

}  // namespace
}  // namespace weft::lin
