// The JSON form of a failure carries the same facts as the Failure: every
// field of the format (docs/report-format.md), for a failure of every kind.
// Each object's size is checked too, so a field added to the format must be
// added here. json_schema_test.py checks the same documents against the schema.
#include "weft/report/json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "report/every_kind.h"
#include "weft/report/describe.h"
#include "weft/weft.h"

namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

int64_t num(const value& v) { return v.to_number<int64_t>(); }
uint64_t unsigned_num(const value& v) { return v.to_number<uint64_t>(); }

void expect_position(const value& v, const weft::SourcePosition& p) {
  if (!p.known()) {
    EXPECT_TRUE(v.is_null()) << v;
    return;
  }
  const object& o = v.as_object();
  EXPECT_EQ(o.size(), 3u);
  EXPECT_EQ(o.at("file").as_string(), p.file);
  EXPECT_EQ(num(o.at("line")), p.line);
  EXPECT_EQ(o.at("function").as_string(), p.function);
}

void expect_object(const value& v, const weft::ObjectRef& ref) {
  const object& o = v.as_object();
  EXPECT_EQ(o.size(), 2u);
  EXPECT_EQ(o.at("name").as_string(), ref.name);
  EXPECT_EQ(o.at("label").as_string(), ref.label);
}

template <typename T>
void expect_numbers(const value& v, const std::vector<T>& xs) {
  const array& a = v.as_array();
  ASSERT_EQ(a.size(), xs.size());
  for (size_t i = 0; i < xs.size(); ++i) EXPECT_EQ(num(a[i]), static_cast<int64_t>(xs[i]));
}

template <typename T>
void expect_optional(const value& v, const std::optional<T>& x) {
  if (!x) {
    EXPECT_TRUE(v.is_null()) << v;
  } else {
    EXPECT_EQ(num(v), static_cast<int64_t>(*x));
  }
}

// ---- the evidence of each kind, field by field

void expect_evidence(const object& o, const weft::AssertionFailure& a) {
  EXPECT_EQ(o.size(), 2u);
  EXPECT_EQ(o.at("condition").as_string(), a.condition);
  EXPECT_EQ(o.at("message").as_string(), a.message);
}

void expect_evidence(const object& o, const weft::UncaughtException& e) {
  EXPECT_EQ(o.size(), 4u);
  EXPECT_EQ(num(o.at("thread")), e.thread);
  EXPECT_EQ(o.at("type").as_string(), e.type);
  EXPECT_EQ(o.at("is_std_exception").as_bool(), e.is_std_exception);
  EXPECT_EQ(o.at("what").as_string(), e.what);
}

void expect_evidence(const object& o, const weft::Deadlock& d) {
  EXPECT_EQ(o.size(), 2u);
  const array& blocked = o.at("blocked").as_array();
  ASSERT_EQ(blocked.size(), d.blocked.size());
  for (size_t i = 0; i < blocked.size(); ++i) {
    const object& b = blocked[i].as_object();
    EXPECT_EQ(b.size(), 6u);
    EXPECT_EQ(num(b.at("thread")), d.blocked[i].thread);
    EXPECT_EQ(b.at("operation").as_string(), d.blocked[i].operation);
    expect_object(b.at("object"), d.blocked[i].object);
    const array& objects = b.at("objects").as_array();
    ASSERT_EQ(objects.size(), d.blocked[i].objects.size());
    for (size_t k = 0; k < objects.size(); ++k) expect_object(objects[k], d.blocked[i].objects[k]);
    expect_position(b.at("site"), d.blocked[i].site);
    expect_numbers(b.at("holders"), d.blocked[i].holders);
  }
  expect_numbers(o.at("cycle"), d.cycle);
}

void expect_evidence(const object& o, const weft::Livelock& l) {
  EXPECT_EQ(o.size(), 3u);
  EXPECT_EQ(unsigned_num(o.at("max_steps")), l.max_steps);
  EXPECT_EQ(unsigned_num(o.at("window")), l.window);
  const array& threads = o.at("threads").as_array();
  ASSERT_EQ(threads.size(), l.threads.size());
  for (size_t i = 0; i < threads.size(); ++i) {
    const object& t = threads[i].as_object();
    EXPECT_EQ(t.size(), 3u);
    EXPECT_EQ(num(t.at("thread")), l.threads[i].thread);
    EXPECT_EQ(t.at("blocked").as_bool(), l.threads[i].blocked);
    const array& repeats = t.at("repeats").as_array();
    ASSERT_EQ(repeats.size(), l.threads[i].repeats.size());
    for (size_t k = 0; k < repeats.size(); ++k) {
      const object& r = repeats[k].as_object();
      const weft::RepeatedStep& expected = l.threads[i].repeats[k];
      EXPECT_EQ(r.size(), 4u);
      EXPECT_EQ(r.at("operation").as_string(), expected.operation);
      expect_object(r.at("object"), expected.object);
      expect_position(r.at("where"), expected.where);
      EXPECT_EQ(num(r.at("count")), expected.count);
    }
  }
}

void expect_evidence(const object& o, const weft::Misuse& m) {
  EXPECT_EQ(o.size(), 9u);
  EXPECT_EQ(o.at("rule").as_string(), std::string(weft::misuse_rule_name(m.rule)));
  EXPECT_EQ(o.at("object_type").as_string(), m.object_type);
  expect_object(o.at("object"), m.object);
  EXPECT_EQ(num(o.at("thread")), m.thread);
  expect_numbers(o.at("holders"), m.holders);
  expect_optional(o.at("other_thread"), m.other_thread >= 0 ? std::optional<int>(m.other_thread) : std::nullopt);
  expect_optional(o.at("amount"), m.amount);
  expect_optional(o.at("available"), m.available);
  expect_optional(o.at("maximum"), m.maximum);
}

void expect_evidence(const object& o, const weft::Crash& c) {
  EXPECT_EQ(o.size(), 3u);
  EXPECT_EQ(num(o.at("thread")), c.thread);
  EXPECT_EQ(num(o.at("signal")), c.signal);
  EXPECT_EQ(o.at("signal_name").as_string(), c.signal_name);
}

void expect_evidence(const object& o, const weft::StackOverflow& s) {
  EXPECT_EQ(o.size(), 2u);
  EXPECT_EQ(num(o.at("thread")), s.thread);
  EXPECT_EQ(unsigned_num(o.at("stack_size")), s.stack_size);
}

void expect_access(const value& v, const weft::MemoryAccess& a) {
  const object& o = v.as_object();
  EXPECT_EQ(o.size(), 7u);
  EXPECT_EQ(num(o.at("thread")), a.thread);
  EXPECT_EQ(o.at("kind").as_string(), std::string(weft::access_kind_name(a.kind)));
  EXPECT_EQ(unsigned_num(o.at("step")), a.step);
  expect_position(o.at("where"), a.where);
  EXPECT_EQ(unsigned_num(o.at("begin")), a.begin);
  EXPECT_EQ(unsigned_num(o.at("end")), a.end);
  const array& stack = o.at("stack").as_array();
  ASSERT_EQ(stack.size(), a.stack.size());
  for (size_t i = 0; i < stack.size(); ++i) expect_position(stack[i], a.stack[i]);
}

void expect_evidence(const object& o, const weft::DataRace& r) {
  EXPECT_EQ(o.size(), 5u);
  expect_object(o.at("object"), r.object);
  EXPECT_EQ(unsigned_num(o.at("begin")), r.begin);
  EXPECT_EQ(unsigned_num(o.at("end")), r.end);
  expect_access(o.at("earlier"), r.earlier);
  expect_access(o.at("later"), r.later);
}

void expect_evidence(const object& o, const weft::LockOrderInversion& inv) {
  EXPECT_EQ(o.size(), 1u);
  const array& edges = o.at("edges").as_array();
  ASSERT_EQ(edges.size(), inv.edges.size());
  for (size_t i = 0; i < edges.size(); ++i) {
    const object& e = edges[i].as_object();
    const weft::LockOrderEdge& expected = inv.edges[i];
    EXPECT_EQ(e.size(), 10u);
    EXPECT_EQ(num(e.at("thread")), expected.thread);
    expect_object(e.at("held"), expected.held);
    EXPECT_EQ(e.at("held_shared").as_bool(), expected.held_shared);
    expect_object(e.at("taken"), expected.taken);
    EXPECT_EQ(e.at("taken_shared").as_bool(), expected.taken_shared);
    expect_position(e.at("held_at"), expected.held_at);
    expect_position(e.at("taken_at"), expected.taken_at);
    EXPECT_EQ(unsigned_num(e.at("held_step")), expected.held_step);
    EXPECT_EQ(unsigned_num(e.at("taken_step")), expected.taken_step);
    expect_optional(e.at("earlier_execution"), expected.earlier_execution);
  }
}

void expect_evidence(const object& o, const weft::NotLinearizable& n) {
  EXPECT_EQ(o.size(), 10u);
  const array& history = o.at("history").as_array();
  ASSERT_EQ(history.size(), n.history.size());
  for (size_t i = 0; i < history.size(); ++i) {
    const object& op = history[i].as_object();
    EXPECT_EQ(op.size(), 5u);
    EXPECT_EQ(num(op.at("client")), n.history[i].client);
    EXPECT_EQ(num(op.at("call")), n.history[i].call);
    expect_optional(op.at("return"), n.history[i].ret);
    EXPECT_EQ(op.at("operation").as_string(), n.history[i].operation);
    EXPECT_EQ(op.at("outcome_known").as_bool(), n.history[i].outcome_known);
  }
  EXPECT_EQ(o.at("explained").as_bool(), n.explained);
  expect_numbers(o.at("core"), n.core);
  EXPECT_EQ(o.at("core_is_minimal").as_bool(), n.core_is_minimal);
  EXPECT_EQ(o.at("prefix_is_longest").as_bool(), n.prefix_is_longest);
  EXPECT_EQ(o.at("has_prefix").as_bool(), n.has_prefix);
  EXPECT_EQ(num(o.at("prefix_end")), n.prefix_end);
  expect_numbers(o.at("prefix"), n.prefix);
  const array& states = o.at("prefix_states").as_array();
  ASSERT_EQ(states.size(), n.prefix_states.size());
  for (size_t i = 0; i < states.size(); ++i) EXPECT_EQ(states[i].as_string(), n.prefix_states[i]);
  expect_numbers(o.at("first_failing"), n.first_failing);
}

void expect_evidence(const object& o, const weft::ReplayDivergence& d) {
  EXPECT_EQ(o.size(), 7u);
  EXPECT_EQ(unsigned_num(o.at("step")), d.step);
  const char* choice = d.choice == weft::ReplayDivergence::Choice::kThread  ? "thread"
                       : d.choice == weft::ReplayDivergence::Choice::kValue ? "value"
                                                                            : "none";
  EXPECT_EQ(o.at("choice").as_string(), choice);
  EXPECT_EQ(unsigned_num(o.at("decision")), d.decision);
  EXPECT_EQ(unsigned_num(o.at("recorded")), d.recorded);
  expect_optional(o.at("expected"), d.expected);
  expect_numbers(o.at("enabled"), d.enabled);
  EXPECT_EQ(unsigned_num(o.at("choices")), d.choices);
}

// Every field of `f`'s JSON.
void expect_json_of(const weft::Failure& f) {
  SCOPED_TRACE(f.report);
  const value v = boost::json::parse(weft::failure_to_json(f));
  const object& o = v.as_object();
  EXPECT_EQ(o.size(), 15u);
  EXPECT_EQ(o.at("format").as_string(), "weft-failure");
  EXPECT_EQ(num(o.at("version")), 1);
  EXPECT_EQ(o.at("kind").as_string(), std::string(weft::failure_kind_name(f.kind)));
  EXPECT_EQ(o.at("message").as_string(), f.message);
  const std::vector<std::string> details = weft::detail::failure_details(f.evidence);
  const array& json_details = o.at("details").as_array();
  ASSERT_EQ(json_details.size(), details.size());
  for (size_t i = 0; i < details.size(); ++i) EXPECT_EQ(json_details[i].as_string(), details[i]);
  std::visit([&](const auto& e) { expect_evidence(o.at("evidence").as_object(), e); }, f.evidence);
  EXPECT_EQ(num(o.at("thread")), f.thread);
  expect_position(o.at("where"), f.where);
  EXPECT_EQ(unsigned_num(o.at("execution")), f.execution);
  EXPECT_EQ(unsigned_num(o.at("step")), f.step);
  EXPECT_EQ(num(o.at("threads")), f.thread_count);
  EXPECT_EQ(o.at("token").as_string(), f.token);
  EXPECT_EQ(o.at("seed_token").as_string(), f.seed_token);
  EXPECT_EQ(o.at("replay_command").as_string(), f.replay_command);
  const array& trace = o.at("trace").as_array();
  ASSERT_EQ(trace.size(), f.trace.size());
  for (size_t i = 0; i < trace.size(); ++i) {
    const object& s = trace[i].as_object();
    const weft::TraceStep& expected = f.trace[i];
    EXPECT_EQ(s.size(), 7u);
    EXPECT_EQ(unsigned_num(s.at("step")), expected.step);
    EXPECT_EQ(num(s.at("thread")), expected.thread);
    EXPECT_EQ(s.at("op").as_string(), expected.op);
    EXPECT_EQ(s.at("object").as_string(), expected.object);
    expect_position(s.at("where"), expected.where);
    EXPECT_EQ(s.at("preempted").as_bool(), expected.preempted);
    EXPECT_EQ(s.at("highlighted").as_bool(), expected.highlighted);
  }
}

TEST(FailureJson, EveryFieldOfAFailureOfEveryKind) {
  const std::vector<weft::Failure> failures = weft_test::failures_of_every_kind();
  std::set<weft::FailureKind> kinds;
  for (const weft::Failure& f : failures) {
    EXPECT_EQ(weft::kind_of(f.evidence), f.kind);
    kinds.insert(f.kind);
    expect_json_of(f);
  }
  EXPECT_EQ(kinds.size(), std::variant_size_v<weft::Evidence>);
}

TEST(FailureJson, AHandMadeFailureHasEveryFieldToo) {
  weft::Failure f;
  f.message = "assertion failed: s == \"a\nb\"";
  expect_json_of(f);
  const value v = boost::json::parse(weft::failure_to_json(f));
  EXPECT_EQ(v.as_object().at("message").as_string(), f.message);  // quotes and newlines escaped
  EXPECT_TRUE(v.as_object().at("where").is_null());
}

}  // namespace
