#include <gtest/gtest.h>
#include <weft/weft.h>

TEST(Smoke, FindsLostUpdate) {
  weft::Options o;
  o.detect_races = false;
  o.iterations = 500;
  weft::Result r = weft::explore(o, [] {
    weft::var<int> x{0, "x"};
    weft::thread t([&] { x = x + 1; });
    x = x + 1;
    t.join();
    WEFT_ASSERT(x == 2);
  });
  ASSERT_TRUE(r.bug_found());
  std::cout << r.failure->report;
  weft::Result again = weft::replay(
      r.failure->token,
      [] {
        weft::var<int> x{0, "x"};
        weft::thread t([&] { x = x + 1; });
        x = x + 1;
        t.join();
        WEFT_ASSERT(x == 2);
      },
      o);
  ASSERT_TRUE(again.bug_found());
  EXPECT_EQ(again.failure->message, r.failure->message);
}
