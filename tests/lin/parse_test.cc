// The log parsers: good input becomes the right events and operations; bad
// input becomes a message with the file, the line and what was expected.
#include "weft/lin/formats/parse.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "weft/lin/builtin.h"

namespace weft::lin {
namespace {

using ::testing::HasSubstr;

std::string error_of(absl::string_view text, LogFormat format = LogFormat::kAuto) {
  auto h = parse_history(text, "h.log", format);
  return h.ok() ? std::string("(no error)") : std::string(h.status().message());
}

TEST(EtcdLog, ParsesTabsAndSpacesAndPairsByProcess) {
  const char* text =
      "INFO  jepsen.util - 0\t:invoke\t:cas\t[1 4]\n"
      "INFO  jepsen.util - 1   :invoke :read   nil\n"
      "INFO  jepsen.util - 1   :ok     :read   3\n"
      "INFO  jepsen.util - 0\t:fail\t:cas\t[1 4]\n"
      "INFO  jepsen.util - 2\t:invoke\t:write\t2\n"
      "INFO  jepsen.util - 2\t:info\t:write\t:timed-out\n"
      "INFO  jepsen.util - 3\t:invoke\t:write\t1\n";
  auto h = parse_history(text, "h.log");
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->operations.size(), 4u);
  const RawOperation& cas = h->operations[0];
  EXPECT_EQ(cas.function, "cas");
  EXPECT_EQ(cas.outcome, Outcome::kFail);
  EXPECT_EQ(cas.call, 1);
  EXPECT_EQ(cas.ret, 4);
  EXPECT_EQ(cas.input, (boost::json::array{1, 4}));
  EXPECT_EQ(h->operations[1].output, boost::json::value(3));
  EXPECT_EQ(h->operations[2].outcome, Outcome::kUnknown);
  EXPECT_EQ(h->operations[2].ret, kEndOfTime);
  EXPECT_EQ(h->operations[3].outcome, Outcome::kUnknown);  // never completed
  EXPECT_EQ(h->operations[3].return_line, 0);
}

TEST(EtcdLog, BadLinesNameFileLineAndExpectation) {
  EXPECT_THAT(error_of("INFO  jepsen.util - 0\t:invoke\t:read\tnil\nWARN something\n", LogFormat::kEtcd),
              HasSubstr("h.log:2: expected a line starting with \"INFO  jepsen.util - \""));
  EXPECT_THAT(error_of("INFO  jepsen.util - x\t:invoke\t:read\tnil\n"),
              HasSubstr("h.log:1: expected a process id (an integer), got \"x\""));
  EXPECT_THAT(error_of("INFO  jepsen.util - 0\t:begin\t:read\tnil\n"),
              HasSubstr("h.log:1: expected :invoke, :ok, :fail or :info"));
  EXPECT_THAT(error_of("INFO  jepsen.util - 0\t:invoke\t:delete\tnil\n"),
              HasSubstr("h.log:1: expected :read, :write or :cas"));
  EXPECT_THAT(error_of("INFO  jepsen.util - 0\t:invoke\t:cas\t[1 x]\n"),
              HasSubstr("h.log:1: expected a value: nil, an integer, [from to] or :timed-out"));
  EXPECT_THAT(error_of("INFO  jepsen.util - 0\t:invoke\n"), HasSubstr("h.log:1: expected four fields"));
}

TEST(EventPairing, ReportsCompletionsWithoutCallsAndDoubleCalls) {
  EXPECT_THAT(error_of("INFO  jepsen.util - 0\t:ok\t:read\t1\n"),
              HasSubstr("h.log:1: client 0 completes read but has no open call"));
  EXPECT_THAT(error_of("INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
                       "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"),
              HasSubstr("h.log:2: client 0 calls write while its call on line 1 has not completed"));
  EXPECT_THAT(error_of("INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
                       "INFO  jepsen.util - 0\t:ok\t:write\t1\n"),
              HasSubstr("h.log:2: client 0 completes write but its open call (line 1) is read"));
}

TEST(KvLog, ParsesEdnMaps) {
  const char* text =
      "{:process 0, :type :invoke, :f :append, :key \"k\", :value \"x \\\"q\\\" y\"}\n"
      "{:process 0, :type :ok, :f :append, :key \"k\", :value \"x \\\"q\\\" y\"}\n"
      "{:process 1, :type :invoke, :f :get, :key \"k\", :value nil}\n";
  auto h = parse_history(text, "kv.txt");
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->operations.size(), 2u);
  EXPECT_EQ(*h->operations[0].key, "k");
  EXPECT_EQ(h->operations[0].input, boost::json::value("x \"q\" y"));
  EXPECT_EQ(h->operations[1].outcome, Outcome::kUnknown);
}

TEST(KvLog, BadMapsNameFileLineAndExpectation) {
  EXPECT_THAT(error_of("{:process 0, :type :invoke, :f :get, :key \"k\", :value nil\n"),
              HasSubstr("h.log:1: expected a value, found the end of the line"));
  EXPECT_THAT(error_of("{:process 0, :type :invoke, :f :get, :key \"k}\n"),
              HasSubstr("h.log:1: expected a closing '\"'"));
  EXPECT_THAT(error_of("{:type :invoke, :f :get}\n"), HasSubstr("h.log:1: expected :process with an integer"));
  EXPECT_THAT(error_of("{:process 0, :type :begin, :f :get}\n"),
              HasSubstr("h.log:1: expected :type with :invoke, :ok, :fail or :info"));
  EXPECT_THAT(error_of("{:process 0, :process 1}\n"), HasSubstr("h.log:1: the key :process appears twice"));
  EXPECT_THAT(error_of("{:process 0, :type :invoke, :f :get} extra\n"),
              HasSubstr("h.log:1: expected the end of the line after '}'"));
  EXPECT_THAT(error_of("{:process @, :type :invoke}\n"),
              HasSubstr("h.log:1: expected a keyword, string, integer or nil, got \"@\""));
}

TEST(JsonLines, ParsesEventsWithOptionalKeysAndTimes) {
  const char* text =
      "{\"client\": 0, \"type\": \"invoke\", \"f\": \"cas\", \"value\": [1, 2], \"time\": 5}\n"
      "\n"
      "{\"client\": 0, \"type\": \"ok\", \"f\": \"cas\", \"time\": 9}\n";
  auto h = parse_history(text, "h.jsonl");
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->operations.size(), 1u);
  EXPECT_EQ(h->operations[0].call, 5);
  EXPECT_EQ(h->operations[0].ret, 9);
  EXPECT_EQ(h->operations[0].return_line, 3);
}

TEST(JsonLines, BadObjectsNameFileLineAndExpectation) {
  EXPECT_THAT(error_of("{\"client\": 0, \"type\": \"invoke\", \"f\": \"x\"\n", LogFormat::kJsonLines),
              HasSubstr("h.log:1: expected one JSON object per line"));
  EXPECT_THAT(error_of("[1, 2]\n", LogFormat::kJsonLines), HasSubstr("h.log:1: expected a JSON object"));
  EXPECT_THAT(error_of("{\"client\": \"a\", \"type\": \"invoke\", \"f\": \"x\"}\n"),
              HasSubstr("h.log:1: expected \"client\" to be an integer"));
  EXPECT_THAT(error_of("{\"client\": 0, \"type\": \"invoke\", \"f\": \"x\", \"colour\": 1}\n"),
              HasSubstr("h.log:1: unexpected field \"colour\""));
  EXPECT_THAT(error_of("{\"client\": 0, \"type\": \"invoke\"}\n"), HasSubstr("h.log:1: expected an \"f\" field"));
  EXPECT_THAT(error_of("{\"client\": 0, \"type\": \"invoke\", \"f\": \"x\", \"time\": 5}\n"
                       "{\"client\": 0, \"type\": \"ok\", \"f\": \"x\", \"time\": 4}\n"),
              HasSubstr("h.log:2: expected events in time order"));
  EXPECT_THAT(error_of("{\"client\": 0, \"type\": \"invoke\", \"f\": \"x\", \"time\": 5}\n"
                       "{\"client\": 0, \"type\": \"ok\", \"f\": \"x\"}\n"),
              HasSubstr("h.log:2: expected \"time\" on every event or on none"));
}

TEST(Formats, EmptyAndUnrecognizableInputIsAnError) {
  EXPECT_THAT(error_of(""), HasSubstr("h.log: the file has no events"));
  EXPECT_THAT(error_of("\n  \n"), HasSubstr("h.log: the file has no events"));
  EXPECT_THAT(error_of("\nhello\n"), HasSubstr("h.log:2: cannot tell the format"));
  EXPECT_THAT(std::string(read_history_file("/nonexistent/x.log").status().message()),
              HasSubstr("/nonexistent/x.log: cannot open the file"));
}

TEST(Decoding, BadValuesForTheModelNameFileAndLine) {
  auto raw =
      parse_history("{\"client\": 0, \"type\": \"invoke\", \"f\": \"write\", \"value\": \"seven\"}\n", "h.jsonl");
  ASSERT_TRUE(raw.ok());
  EXPECT_THAT(std::string(check_raw("cas-register", *raw, {}).status().message()),
              HasSubstr("h.jsonl:1: write expects an integer as its value, got \"seven\""));
  raw = parse_history("{\"client\": 0, \"type\": \"invoke\", \"f\": \"pop\"}\n", "h.jsonl");
  ASSERT_TRUE(raw.ok());
  EXPECT_THAT(std::string(check_raw("queue", *raw, {}).status().message()),
              HasSubstr("h.jsonl:1: the queue model has no function \"pop\"; expected enqueue, dequeue or size"));
  EXPECT_THAT(std::string(check_raw("btree", *raw, {}).status().message()), HasSubstr("unknown model \"btree\""));
}

TEST(Decoding, JsonLinesHistoryChecksWithEachModel) {
  const char* queue =
      "{\"client\": 0, \"type\": \"invoke\", \"f\": \"enqueue\", \"value\": 1}\n"
      "{\"client\": 0, \"type\": \"ok\", \"f\": \"enqueue\"}\n"
      "{\"client\": 1, \"type\": \"invoke\", \"f\": \"dequeue\"}\n"
      "{\"client\": 1, \"type\": \"ok\", \"f\": \"dequeue\", \"value\": null}\n";
  auto raw = parse_history(queue, "q.jsonl");
  ASSERT_TRUE(raw.ok());
  auto r = check_raw("queue", *raw, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->result.verdict, Verdict::kNotLinearizable);  // 1 was there to dequeue

  const char* counter =
      "{\"client\": 0, \"type\": \"invoke\", \"f\": \"fetch_add\", \"value\": 2}\n"
      "{\"client\": 1, \"type\": \"invoke\", \"f\": \"get\"}\n"
      "{\"client\": 1, \"type\": \"ok\", \"f\": \"get\", \"value\": 2}\n"
      "{\"client\": 0, \"type\": \"ok\", \"f\": \"fetch_add\", \"value\": 0}\n";
  raw = parse_history(counter, "c.jsonl");
  ASSERT_TRUE(raw.ok());
  r = check_raw("counter", *raw, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->result.verdict, Verdict::kLinearizable);
}

}  // namespace
}  // namespace weft::lin
