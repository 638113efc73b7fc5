// The JSON form of a failure carries the same facts as the text report.
#include "weft/report/json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>

#include "weft/report/describe.h"
#include "weft/weft.h"

namespace {

void abba_deadlock() {
  weft::mutex a{"a"}, b{"b"};
  weft::thread t([&] {
    std::lock_guard la(a);
    std::lock_guard lb(b);
  });
  {
    std::lock_guard lb(b);
    std::lock_guard la(a);
  }
  t.join();
}

TEST(FailureJson, DeadlockRoundTripsThroughAParser) {
  weft::Options options;
  options.detect_lock_order = false;  // find the deadlock itself
  const weft::Result r = weft::explore(options, abba_deadlock);
  ASSERT_TRUE(r.failure.has_value());
  const weft::Failure& f = *r.failure;
  ASSERT_EQ(f.kind, weft::FailureKind::kDeadlock);

  const boost::json::value v = boost::json::parse(weft::failure_to_json(f));
  const boost::json::object& o = v.as_object();
  EXPECT_EQ(o.at("kind").as_string(), "deadlock");
  EXPECT_EQ(o.at("message").as_string(), f.message);
  EXPECT_EQ(o.at("token").as_string(), f.token);
  EXPECT_EQ(o.at("trace").as_array().size(), f.trace.size());
  EXPECT_EQ(o.at("details").as_array().size(), weft::detail::failure_details(f.evidence).size());
  const boost::json::object& last = o.at("trace").as_array().back().as_object();
  EXPECT_EQ(last.at("step").as_int64(), static_cast<int64_t>(f.trace.back().step));
  EXPECT_EQ(last.at("op").as_string(), f.trace.back().op);
}

TEST(FailureJson, EscapesQuotesAndNewlinesInMessages) {
  weft::Failure f;
  f.kind = weft::FailureKind::kAssertion;
  f.message = "assertion failed: s == \"a\nb\"";
  const boost::json::value v = boost::json::parse(weft::failure_to_json(f));
  EXPECT_EQ(v.as_object().at("message").as_string(), f.message);
  EXPECT_TRUE(v.as_object().at("where").is_null());
}

}  // namespace
