// Reports: the text table shows the failing core and the prefix; the HTML
// page is self-contained and escapes what it shows.
#include "weft/lin/render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "weft/lin/check.h"
#include "weft/lin/models/kv.h"
#include "weft/lin/models/register.h"

namespace weft::lin {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using R = RegisterModel;

HistoryOf<R> stale_read() {
  return {{.client = 0, .input = R::write(1), .output = R::ok(), .call = 0, .ret = 1},
          {.client = 1, .input = R::read(), .output = R::value(1), .call = 2, .ret = 3},
          {.client = 0, .input = R::write(2), .output = R::ok(), .call = 4, .ret = 5},
          {.client = 1, .input = R::read(), .output = R::value(1), .call = 6, .ret = 7}};
}

TEST(Render, TextShowsCorePrefixAndFailingOperation) {
  const auto h = stale_read();
  const CheckResult r = check(R{}, h);
  HistoryView view = view_of(R{}, h, r);
  view.title = "stale.log";
  const std::string text = render_text(view, r);
  EXPECT_THAT(text, HasSubstr("stale.log: NOT linearizable"));
  EXPECT_THAT(text, HasSubstr("These 2 operations cannot be linearized"));
  EXPECT_THAT(text, HasSubstr("read() -> 1"));
  EXPECT_THAT(text, HasSubstr("write(2)"));
  EXPECT_THAT(text, HasSubstr("The history is linearizable up to t 5"));
  EXPECT_THAT(text, HasSubstr("It stops being linearizable when this returns"));
  EXPECT_EQ(view.prefix_states, (std::vector<std::string>{"1", "1", "2"}));
}

TEST(Render, LinearizableIsOneLine) {
  HistoryOf<R> h = {{.client = 0, .input = R::write(1), .output = R::ok(), .call = 0, .ret = 1}};
  const CheckResult r = check(R{}, h);
  const std::string text = render_text(view_of(R{}, h, r), r);
  EXPECT_THAT(text, HasSubstr(": linearizable (1 operations"));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
}

TEST(Render, HtmlIsSelfContainedAndEscaped) {
  HistoryOf<KvModel> h = {
      {.client = 0, .input = KvModel::put("<k>", "a&b"), .output = KvModel::done(), .call = 0, .ret = 1},
      {.client = 1, .input = KvModel::get("<k>"), .output = KvModel::value("zz"), .call = 2, .ret = 3}};
  const CheckResult r = check(KvModel{}, h);
  ASSERT_EQ(r.verdict, Verdict::kNotLinearizable);
  const std::string html = render_html(view_of(KvModel{}, h, r), r);
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, HasSubstr("&quot;&lt;k&gt;&quot;"));
  EXPECT_THAT(html, HasSubstr("a&amp;b"));
  EXPECT_THAT(html, Not(HasSubstr("\"<k>\"")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));  // nothing loaded from elsewhere
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, HasSubstr("class='op core"));
}

}  // namespace
}  // namespace weft::lin
