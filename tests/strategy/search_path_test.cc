// The DFS path keeps a decision in 8 bytes (strategy/search_path.h): its
// flags are bits up to 8 options and live beside the path past that. Both
// kinds keep what was taken, explored and wanted apart for every option;
// truncating the path drops the flags of the decisions it drops; equal
// shapes get equal ids, and shapes of no decision are dropped in a long
// search. A search over 12 choose() values and 9 threads
// (decisions past 8 options) runs every schedule once.
#include "weft/strategy/search_path.h"

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <array>
#include <set>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace {

using weft::detail::SearchPath;

// Every flag of decision `i` as a string: per option, T(aken) E(xplored) W(anted) or '.'.
std::string flags(const SearchPath& path, size_t i) {
  std::string out;
  for (uint32_t j = 0; j < path.count(i); ++j) {
    out += path.taken(i) == j ? 'T' : '.';
    out += path.explored(i, j) ? 'E' : '.';
    out += path.wanted(i, j) ? 'W' : '.';
    out += ' ';
  }
  return out;
}

TEST(SearchPath, KeepsEachOptionsFlagsApartWithFewAndManyOptions) {
  for (const uint32_t n : {2u, 8u, 9u, 12u, 40u}) {
    SearchPath path;
    std::vector<uint32_t> options;
    std::vector<uint8_t> costs;
    for (uint32_t j = 0; j < n; ++j) {
      options.push_back(100 + j);
      costs.push_back(j == 0 ? 0 : 1);
    }
    path.push(path.thread_shape(options, costs), 0, /*full=*/false);
    ASSERT_EQ(path.count(0), n);
    EXPECT_TRUE(path.thread_point(0));
    EXPECT_FALSE(path.full(0));
    EXPECT_EQ(path.value(0, n - 1), 100 + n - 1);
    EXPECT_EQ(path.cost(0, n - 1), 1);
    path.want(0, n - 1);
    path.take(0, 1);
    // Option 0 was taken first (explored, wanted); option 1 is taken now.
    std::string expected = ".EW TE";
    expected += n == 2 ? "W " : ". ";
    for (uint32_t j = 2; j < n; ++j) expected += j == n - 1 ? "..W " : "... ";
    EXPECT_EQ(flags(path, 0), expected) << n << " options";
    path.want_all(0);
    for (uint32_t j = 0; j < n; ++j) EXPECT_TRUE(path.wanted(0, j)) << n << " options, option " << j;
    EXPECT_EQ(path.explored(0, n - 1), n == 2);
  }
}

TEST(SearchPath, TruncatingDropsTheFlagsOfTheDroppedDecisions) {
  SearchPath path;
  const uint32_t many = path.value_shape(20);
  const uint32_t few = path.value_shape(3);
  EXPECT_EQ(path.value_shape(20), many);
  EXPECT_NE(few, many);
  path.push(many, 5, true);   // 0
  path.push(few, 2, true);    // 1
  path.push(many, 7, true);   // 2
  path.push(many, 9, false);  // 3
  path.truncate(2);
  path.push(many, 11, true);  // 2 again: its own flags, not those of the dropped decisions
  ASSERT_EQ(path.size(), 3u);
  EXPECT_EQ(path.taken(0), 5u);
  EXPECT_EQ(path.taken(1), 2u);
  EXPECT_EQ(path.taken(2), 11u);
  EXPECT_FALSE(path.thread_point(2));
  EXPECT_EQ(path.value(2, 13), 13u);
  for (uint32_t j = 0; j < 20; ++j) EXPECT_EQ(path.explored(2, j), j == 11) << j;
  path.pop_back();
  path.take(0, 6);
  EXPECT_TRUE(path.explored(0, 5) && path.explored(0, 6));
  EXPECT_EQ(path.taken(0), 6u);
}

// A long search keeps meeting new shapes (many threads, ever other enabled
// sets): those of no decision of the path are dropped, the path's own keep
// their options under their new ids.
TEST(SearchPath, DropsTheShapesOfNoDecision) {
  SearchPath path;
  const std::vector<uint32_t> options{3, 1, 2};
  const std::vector<uint8_t> costs{0, 1, 1};
  for (uint32_t n = 70; n < 80; ++n) path.value_shape(n);  // ids the kept shapes do not keep
  path.push(path.thread_shape(options, costs), 2, false);
  path.push(path.value_shape(5), 4, true);
  for (uint32_t n = 1000; n < 1000 + 3 * SearchPath::kShapesBeforeDrop; ++n) {
    path.push(path.value_shape(n), 0, true);
    path.pop_back();
  }
  EXPECT_LE(path.shapes(), 2 * SearchPath::kShapesBeforeDrop);
  ASSERT_EQ(path.size(), 2u);
  EXPECT_EQ(path.shape(0), path.thread_shape(options, costs));
  EXPECT_EQ(path.shape(1), path.value_shape(5));
  EXPECT_EQ(path.value(0, 0), 3u);
  EXPECT_EQ(path.value(0, 2), 2u);
  EXPECT_EQ(path.cost(0, 1), 1);
  EXPECT_EQ(path.taken(0), 2u);
  EXPECT_EQ(path.count(1), 5u);
  EXPECT_EQ(path.taken(1), 4u);
}

TEST(SearchPath, SearchWithMoreThanEightOptionsRunsEveryScheduleOnce) {
  std::set<int> values;
  const weft::Result choices =
      weft::explore(weft_test::options_with(1000, "dfs:0"), [&] { values.insert(static_cast<int>(weft::choose(12))); });
  EXPECT_TRUE(choices.exhausted) << choices.search;
  EXPECT_EQ(choices.executions, 12u);
  EXPECT_EQ(values.size(), 12u);

  // Nine threads, each writing its own variable: with the reduction, one class.
  const weft::Result threads = weft::explore(weft_test::options_with(100000, "dpor"), [] {
    std::array<weft::var<int>, 9> vars;
    std::vector<weft::thread> all;
    for (int i = 0; i < 9; ++i) all.emplace_back([&vars, i] { vars[i] = 1; });
    for (weft::thread& t : all) t.join();
  });
  EXPECT_TRUE(threads.exhausted) << threads.search;
  EXPECT_EQ(threads.classes, 1u);
  EXPECT_EQ(threads.schedules, 1u);
}

}  // namespace
