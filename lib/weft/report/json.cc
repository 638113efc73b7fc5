// The JSON form of a failure, format "weft-failure" version 1: every field is
// documented in docs/report-format.md and checked against
// docs/failure.schema.json by tests/report/. Within a version fields are only
// added; renaming or removing one, or changing what it means, is a new version.
#include "weft/report/json.h"

#include <boost/json.hpp>
#include <optional>

#include "weft/report/describe.h"

namespace weft {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

constexpr int kFormatVersion = 1;

value position(const SourcePosition& p) {
  if (!p.known()) return nullptr;
  return object{{"file", p.file}, {"line", p.line}, {"function", p.function}};
}

value object_ref(const ObjectRef& o) { return object{{"name", o.name}, {"label", o.label}}; }

array object_refs(const std::vector<ObjectRef>& objects) {
  array out;
  for (const ObjectRef& o : objects) out.push_back(object_ref(o));
  return out;
}

template <typename T>
value optional_number(const std::optional<T>& x) {
  if (!x) return nullptr;
  return value(*x);
}

template <typename T>
array numbers(const std::vector<T>& xs) {
  array out;
  for (const T& x : xs) out.emplace_back(x);
  return out;
}

// ---- the evidence of each kind

value evidence(const AssertionFailure& a) { return object{{"condition", a.condition}, {"message", a.message}}; }

value evidence(const UncaughtException& e) {
  return object{{"thread", e.thread}, {"type", e.type}, {"is_std_exception", e.is_std_exception}, {"what", e.what}};
}

value evidence(const Deadlock& d) {
  array blocked;
  for (const BlockedThread& b : d.blocked) {
    blocked.emplace_back(object{{"thread", b.thread},
                                {"operation", b.operation},
                                {"object", object_ref(b.object)},
                                {"objects", object_refs(b.objects)},
                                {"site", position(b.site)},
                                {"holders", numbers(b.holders)}});
  }
  return object{{"blocked", std::move(blocked)}, {"cycle", numbers(d.cycle)}};
}

value evidence(const Livelock& l) {
  array threads;
  for (const LivelockThread& t : l.threads) {
    array repeats;
    for (const RepeatedStep& r : t.repeats) {
      repeats.emplace_back(object{{"operation", r.operation},
                                  {"object", object_ref(r.object)},
                                  {"where", position(r.where)},
                                  {"count", r.count}});
    }
    threads.emplace_back(object{{"thread", t.thread}, {"blocked", t.blocked}, {"repeats", std::move(repeats)}});
  }
  return object{{"max_steps", l.max_steps}, {"window", l.window}, {"threads", std::move(threads)}};
}

value evidence(const Misuse& m) {
  return object{{"rule", std::string(misuse_rule_name(m.rule))},
                {"object_type", m.object_type},
                {"object", object_ref(m.object)},
                {"thread", m.thread},
                {"holders", numbers(m.holders)},
                {"other_thread", m.other_thread >= 0 ? value(m.other_thread) : value(nullptr)},
                {"amount", optional_number(m.amount)},
                {"available", optional_number(m.available)},
                {"maximum", optional_number(m.maximum)}};
}

value evidence(const Crash& c) {
  return object{{"thread", c.thread}, {"signal", c.signal}, {"signal_name", c.signal_name}};
}

value evidence(const StackOverflow& s) { return object{{"thread", s.thread}, {"stack_size", s.stack_size}}; }

value access(const MemoryAccess& a) {
  array stack;
  for (const SourcePosition& call : a.stack) stack.emplace_back(position(call));
  return object{{"thread", a.thread},       {"kind", std::string(access_kind_name(a.kind))},
                {"step", a.step},           {"where", position(a.where)},
                {"begin", a.begin},         {"end", a.end},
                {"stack", std::move(stack)}};
}

value evidence(const DataRace& r) {
  return object{{"object", object_ref(r.object)},
                {"begin", r.begin},
                {"end", r.end},
                {"earlier", access(r.earlier)},
                {"later", access(r.later)}};
}

value evidence(const LockOrderInversion& inv) {
  array edges;
  for (const LockOrderEdge& e : inv.edges) {
    edges.emplace_back(object{{"thread", e.thread},
                              {"held", object_ref(e.held)},
                              {"held_shared", e.held_shared},
                              {"taken", object_ref(e.taken)},
                              {"taken_shared", e.taken_shared},
                              {"held_at", position(e.held_at)},
                              {"taken_at", position(e.taken_at)},
                              {"held_step", e.held_step},
                              {"taken_step", e.taken_step},
                              {"earlier_execution", optional_number(e.earlier_execution)}});
  }
  return object{{"edges", std::move(edges)}};
}

value evidence(const NotLinearizable& n) {
  array history;
  for (const HistoryOperation& op : n.history) {
    history.emplace_back(object{{"client", op.client},
                                {"call", op.call},
                                {"return", optional_number(op.ret)},
                                {"operation", op.operation},
                                {"outcome_known", op.outcome_known}});
  }
  array states;
  for (const std::string& s : n.prefix_states) states.emplace_back(s);
  return object{{"history", std::move(history)},
                {"explained", n.explained},
                {"core", numbers(n.core)},
                {"core_is_minimal", n.core_is_minimal},
                {"has_prefix", n.has_prefix},
                {"prefix_end", n.prefix_end},
                {"prefix", numbers(n.prefix)},
                {"prefix_states", std::move(states)},
                {"first_failing", numbers(n.first_failing)},
                {"prefix_is_longest", n.prefix_is_longest}};
}

const char* choice_name(ReplayDivergence::Choice choice) {
  switch (choice) {
    case ReplayDivergence::Choice::kThread:
      return "thread";
    case ReplayDivergence::Choice::kValue:
      return "value";
    case ReplayDivergence::Choice::kNone:
      return "none";
  }
  return "none";
}

value evidence(const ReplayDivergence& d) {
  return object{{"step", d.step},         {"choice", choice_name(d.choice)},         {"decision", d.decision},
                {"recorded", d.recorded}, {"expected", optional_number(d.expected)}, {"enabled", numbers(d.enabled)},
                {"choices", d.choices}};
}

}  // namespace

std::string failure_to_json(const Failure& f) {
  array details;
  for (const std::string& d : detail::failure_details(f.evidence)) details.emplace_back(d);
  array trace;
  for (const TraceStep& s : f.trace) {
    trace.emplace_back(object{{"step", s.step},
                              {"thread", s.thread},
                              {"op", s.op},
                              {"object", s.object},
                              {"where", position(s.where)},
                              {"preempted", s.preempted},
                              {"highlighted", s.highlighted}});
  }
  object out{{"format", "weft-failure"},
             {"version", kFormatVersion},
             {"kind", std::string(failure_kind_name(f.kind))},
             {"message", f.message},
             {"details", std::move(details)},
             {"evidence", std::visit([](const auto& e) { return evidence(e); }, f.evidence)},
             {"thread", f.thread},
             {"where", position(f.where)},
             {"execution", f.execution},
             {"step", f.step},
             {"threads", f.thread_count},
             {"token", f.token},
             {"seed_token", f.seed_token},
             {"replay_command", f.replay_command},
             {"trace", std::move(trace)}};
  // Only when a long execution left steps out: short reports stay as they were.
  if (f.elided_steps > 0) out["elided_steps"] = f.elided_steps;
  return boost::json::serialize(out);
}

}  // namespace weft
