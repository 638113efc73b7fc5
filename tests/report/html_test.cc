// The HTML view of a failure: the same facts as the text report, every step
// of the interleaving in its thread's column, the marks, the replay lines,
// and user text escaped.
#include "weft/report/html.h"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <string_view>

#include "weft/report/describe.h"
#include "weft/weft.h"

namespace {

size_t count(std::string_view text, std::string_view part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string_view::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// Two threads increment a counter without a lock: a race, with both
// accesses highlighted and at least one preemption.
void unlocked_counter() {
  weft::var<int> hits{0, "hits"};
  weft::thread t([&] { hits = hits + 1; });
  hits = hits + 1;
  t.join();
}

TEST(FailureHtml, ShowsTheFailureAndEveryStepInItsThreadsColumn) {
  const weft::Result r = weft::explore(weft::Options{.iterations = 500}, unlocked_counter);
  ASSERT_TRUE(r.failure.has_value());
  const weft::Failure& f = *r.failure;
  ASSERT_EQ(f.kind, weft::FailureKind::kDataRace);
  const std::string html = weft::failure_to_html(f);

  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_NE(html.find("<title>weft: data race</title>"), std::string::npos);
  EXPECT_EQ(count(html, "<th>thread "), static_cast<size_t>(f.thread_count));
  for (const std::string& d : weft::detail::failure_details(f.evidence)) {
    EXPECT_NE(html.find(d.substr(0, d.find_first_of("<>&'\""))), std::string::npos) << d;
  }
  // One row per step, each with one cell per thread.
  EXPECT_EQ(count(html, "<tr id='step-"), f.trace.size());
  EXPECT_EQ(count(html, "<td>"), f.trace.size() * static_cast<size_t>(f.thread_count));
  size_t highlighted = 0, preempted = 0;
  for (const weft::TraceStep& s : f.trace) {
    highlighted += s.highlighted;
    preempted += s.preempted;
  }
  EXPECT_EQ(highlighted, 2u);
  EXPECT_EQ(count(html, "class='hl'"), highlighted);
  // The failing step's row, and no other, is marked.
  EXPECT_EQ(count(html, "data-failed="), 1u);
  EXPECT_NE(html.find("<tr id='step-" + std::to_string(f.step) + "' class='hl' data-failed='true'"), std::string::npos);
  EXPECT_EQ(count(html, "<span class='pre' title="), preempted);
  // The racing accesses name this file; the replay lines carry both tokens.
  EXPECT_NE(html.find("html_test.cc:"), std::string::npos);
  EXPECT_NE(html.find("weft::replay(\"" + f.token + "\", body)"), std::string::npos);
  EXPECT_NE(html.find(f.seed_token), std::string::npos);
}

TEST(FailureHtml, EscapesUserText) {
  weft::Failure f;
  f.kind = weft::FailureKind::kDataRace;
  f.message = "assertion failed: <script>alert('x')</script> && a > b";
  f.evidence = weft::DataRace{.object = {.name = "value was \"<b>\""}};
  f.thread_count = 1;
  f.trace.push_back(weft::TraceStep{.step = 1, .thread = 0, .op = "read", .object = "map<int, int>"});
  const std::string html = weft::failure_to_html(f);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp;&amp; a &gt; b"), std::string::npos);
  EXPECT_NE(html.find("value was &quot;&lt;b&gt;&quot;"), std::string::npos);
  EXPECT_NE(html.find("read map&lt;int, int&gt;"), std::string::npos);
}

TEST(FailureHtml, AVeryLongTraceKeepsBothEndsAndEveryHighlightedStep) {
  weft::Failure f;
  f.kind = weft::FailureKind::kLivelock;
  f.message = "livelock";
  f.thread_count = 2;
  constexpr size_t kSteps = 50000;
  for (size_t i = 1; i <= kSteps; ++i) {
    f.trace.push_back(weft::TraceStep{.step = i, .thread = static_cast<int>(i % 2), .op = "yield"});
  }
  f.trace[25000 - 1].highlighted = true;
  const std::string html = weft::failure_to_html(f);
  EXPECT_NE(html.find("<tr id='step-1'>"), std::string::npos);
  EXPECT_NE(html.find("<tr id='step-50000'>"), std::string::npos);
  EXPECT_NE(html.find("<tr id='step-25000' class='hl'>"), std::string::npos);
  EXPECT_EQ(html.find("<tr id='step-24999'>"), std::string::npos);
  EXPECT_NE(html.find("40000 steps not shown"), std::string::npos);
  EXPECT_EQ(count(html, "<tr id='step-"), 10001u);
}

TEST(FailureHtml, AnEmptyFailureStillRenders) {
  const std::string html = weft::failure_to_html(weft::Failure{});
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_TRUE(html.ends_with("</html>\n"));
}

}  // namespace
