// The hard-bug corpus (bench/bugs/corpus/): the default portfolio finds
// every planted bug, of the kind the program declares, within the table's
// budget, and its tokens replay; every fixed twin passes a few hundred
// executions under each strategy. (The table in docs/bug-finding.md runs
// them at full size: 20 seeds x 10,000 executions, 100,000 per fixed twin.)
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <string>

#include "bugs/program.h"
#include "support/test_support.h"

namespace {

using weft_bugs::Program;

class Corpus : public testing::TestWithParam<Program> {};

TEST_P(Corpus, TheDefaultFindsTheBugAndItReplays) {
  const Program& p = GetParam();
  weft::Options o = p.options(weft_test::options_with(10000));
  const weft::Result r = weft::explore(o, p.buggy);
  ASSERT_TRUE(r.error.ok()) << r.error;
  ASSERT_TRUE(r.bug_found()) << p.name << ": nothing in " << r.executions << " executions";
  EXPECT_TRUE(p.expected(r.failure->kind)) << r.failure->report;
  std::printf("[ weft     ] %s: found %s after %llu executions\n", p.name.c_str(),
              std::string(weft::failure_kind_name(r.failure->kind)).c_str(),
              static_cast<unsigned long long>(r.executions));
  weft::expect_replays(*r.failure, p.buggy, o);
}

TEST_P(Corpus, TheFixedTwinIsCleanUnderEveryStrategy) {
  const Program& p = GetParam();
  weft_test::expect_clean_under_every_strategy(p.fixed, 300, p.options({}));
}

std::vector<Program> corpus() {
  std::vector<Program> out;
  for (const Program& p : weft_bugs::programs()) {
    if (p.name.rfind("corpus/", 0) == 0) out.push_back(p);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Programs, Corpus, testing::ValuesIn(corpus()),
                         [](const testing::TestParamInfo<Program>& info) {
                           return info.param.name.substr(std::string("corpus/").size());
                         });

TEST(CorpusRegistry, HoldsAtLeastTwelveProgramsWithDistinctNames) {
  const std::vector<Program> all = corpus();
  EXPECT_GE(all.size(), 12u);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_NE(all[i - 1].name, all[i].name);
  for (const Program& p : all) {
    EXPECT_FALSE(p.kinds.empty()) << p.name;
    EXPECT_FALSE(p.what.empty()) << p.name;
  }
}

}  // namespace
