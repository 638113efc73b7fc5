#include "weft/report/describe.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "weft/lin/check_result.h"
#include "weft/lin/render.h"
#include "weft/report/trace.h"

namespace weft::detail {
namespace {

std::string hex(uint64_t x) { return absl::StrCat("0x", absl::Hex(x)); }

// ---- assertions, exceptions, stack overflows: the message says it all

std::string message_of(const AssertionFailure& a) {
  std::string text = absl::StrCat("assertion failed: ", a.condition);
  if (!a.message.empty()) absl::StrAppend(&text, " (", a.message, ")");
  return text;
}

std::string message_of(const UncaughtException& e) {
  if (!e.is_std_exception) return absl::StrCat("uncaught exception of unknown type in thread ", e.thread);
  return absl::StrCat("uncaught exception in thread ", e.thread, ": ", e.what);
}

std::string message_of(const StackOverflow& s) {
  return absl::StrCat("stack overflow in thread ", s.thread, ": it used more than its ", s.stack_size / 1024,
                      " KiB stack (deep or unbounded recursion?); raise Options::stack_size if the depth is intended");
}

std::string message_of(const Crash& c) {
  return absl::StrCat("crash in thread ", c.thread, ": signal ", c.signal, " (", c.signal_name, ")");
}

// ---- deadlocks

std::string message_of(const Deadlock& d) {
  const size_t n = d.blocked.size();
  return absl::StrCat("deadlock: ", n, n == 1 ? " thread is" : " threads are", " blocked and none can make progress");
}

std::vector<std::string> details_of(const Deadlock& d) {
  std::vector<std::string> lines;
  for (const BlockedThread& b : d.blocked) {
    const bool join = b.operation == "join";
    std::string line = absl::StrCat("thread ", b.thread, " is blocked in ", b.operation);
    if (join && !b.holders.empty()) {
      absl::StrAppend(&line, " of thread ", b.holders.front());
    } else if (!b.objects.empty()) {
      absl::StrAppend(&line, " on ", absl::StrJoin(b.objects, ", ", [](std::string* out, const ObjectRef& o) {
        out->append(o.label);
      }));
    } else if (!b.object.label.empty()) {
      absl::StrAppend(&line, " on ", b.object.label);
    }
    absl::StrAppend(&line, " at ", format_position(b.site));
    if (!b.holders.empty()) {
      if (!join) {
        absl::StrAppend(&line, ", held by thread", b.holders.size() > 1 ? "s " : " ", absl::StrJoin(b.holders, ", "));
      }
    } else if (b.operation == "wait") {
      absl::StrAppend(&line, ", waiting for a notify that can no longer come");
    }
    lines.push_back(std::move(line));
  }
  if (!d.cycle.empty()) lines.push_back(absl::StrCat("wait-for cycle: thread ", absl::StrJoin(d.cycle, " -> thread ")));
  return lines;
}

// ---- livelocks

std::string message_of(const Livelock& l) {
  return absl::StrCat("livelock: the execution exceeded max_steps (", l.max_steps, ") without finishing");
}

std::vector<std::string> details_of(const Livelock& l) {
  // The three most frequent steps of each thread, ties in the order of their text.
  constexpr size_t kShown = 3;
  std::vector<std::string> lines;
  for (const LivelockThread& t : l.threads) {
    std::vector<std::pair<int, std::string>> top;
    for (const RepeatedStep& r : t.repeats) {
      std::string what = r.operation;
      if (!r.object.label.empty()) absl::StrAppend(&what, " ", r.object.label);
      absl::StrAppend(&what, " at ", format_position(r.where));
      top.emplace_back(-r.count, std::move(what));
    }
    std::sort(top.begin(), top.end());
    if (top.size() > kShown) top.resize(kShown);
    std::vector<std::string> parts;
    for (const auto& [n, what] : top) parts.push_back(absl::StrCat(what, " (", -n, "x)"));
    lines.push_back(absl::StrCat("thread ", t.thread, t.blocked ? " (blocked)" : "",
                                 parts.empty() ? " made no step lately" : " repeats: ", absl::StrJoin(parts, ", ")));
  }
  return lines;
}

// ---- misuse

// "mutex 'm'", or "a mutex" when unnamed.
std::string describe_object(const Misuse& m) {
  if (!m.object.name.empty()) return absl::StrCat(m.object_type, " '", m.object.name, "'");
  return absl::StrCat("a ", m.object_type);
}

std::string rule_text(const Misuse& m) {
  const std::string object = describe_object(m);
  const bool shared_mutex = m.object_type == "shared_mutex";
  switch (m.rule) {
    case MisuseRule::kRelock:
      return absl::StrCat("thread ", m.thread, " locks ", object, " that it already holds (self-deadlock",
                          shared_mutex ? "" : "; use weft::recursive_mutex if intended", ")");
    case MisuseRule::kLockSharedWhileExclusive:
      return absl::StrCat("thread ", m.thread, " takes ", object,
                          " shared while holding it exclusively (self-deadlock)");
    case MisuseRule::kUnlockNotHeld:
      if (shared_mutex)
        return absl::StrCat("thread ", m.thread, " unlocks ", object, " without holding it exclusively");
      if (m.holders.empty()) return absl::StrCat("thread ", m.thread, " unlocks ", object, ", which is not locked");
      return absl::StrCat("thread ", m.thread, " unlocks ", object, ", which thread ", absl::StrJoin(m.holders, ", "),
                          " holds");
    case MisuseRule::kUnlockSharedNotHeld:
      return absl::StrCat("thread ", m.thread, " unlock_shared()s ", object, " without a shared hold on it");
    case MisuseRule::kDestroyedWhileHeld:
      if (m.object_type == "barrier") {
        return absl::StrCat(object, " was destroyed while thread", m.holders.size() == 1 ? " " : "s ",
                            absl::StrJoin(m.holders, ", "), m.holders.size() == 1 ? " waits" : " wait", " at it");
      }
      if (shared_mutex || m.holders.size() != 1) return absl::StrCat(object, " was destroyed while held");
      return absl::StrCat(object, " was destroyed while thread ", m.holders.front(), " still held it");
    case MisuseRule::kWaitWithoutLock:
      return absl::StrCat("thread ", m.thread, " waits on a ", m.object_type,
                          " without holding the mutex of its unique_lock");
    case MisuseRule::kCountDownOutOfRange:
      return absl::StrCat("latch counted down by ", m.amount.value_or(0), " with only ", m.available.value_or(0),
                          " left");
    case MisuseRule::kArrivalOutOfRange:
      return absl::StrCat("barrier arrival of ", m.amount.value_or(0), " with only ", m.available.value_or(0),
                          " expected in this phase");
    case MisuseRule::kReleaseOutOfRange:
      return absl::StrCat("semaphore", m.object.name.empty() ? "" : absl::StrCat(" '", m.object.name, "'"),
                          " released by ", m.amount.value_or(0), " with count ", m.available.value_or(0),
                          " and maximum ", m.maximum.value_or(0));
    case MisuseRule::kJoinNotJoinable:
      return "join of a weft::thread that is not joinable (already joined, detached, or never started)";
    case MisuseRule::kJoinSelf:
      return absl::StrCat("thread ", m.thread, " joins itself (this would deadlock)");
    case MisuseRule::kDetachNotJoinable:
      return "detach of a weft::thread that is not joinable";
    case MisuseRule::kThreadDestroyedWhileJoinable:
      return absl::StrCat("the weft::thread handle of thread ", m.other_thread,
                          " was destroyed while joinable: join() or detach() it first (std::thread would call "
                          "std::terminate here)");
    case MisuseRule::kChannelClosedTwice:
      return absl::StrCat(object, " closed twice");
    case MisuseRule::kSendOnClosedChannel:
      return absl::StrCat("send on ", object, ", which is closed");
    case MisuseRule::kSelectDuplicateCase:
      return absl::StrCat("a select whose case ", m.amount.value_or(0),
                          " is a second default or a second timeout: a select has at most one of each");
    case MisuseRule::kExitUnwindSwallowed:
      return absl::StrCat("thread ", m.thread,
                          " caught the unwinding of pthread_exit in a catch (...) and did not rethrow it (glibc aborts "
                          "the process here: \"FATAL: exception not rethrown\")");
  }
  return std::string(misuse_rule_name(m.rule));
}

std::string message_of(const Misuse& m) { return absl::StrCat("misuse: ", rule_text(m)); }

// ---- data races

const char* verb(AccessKind kind) {
  switch (kind) {
    case AccessKind::kRead:
      return "reads";
    case AccessKind::kWrite:
      return "writes";
    case AccessKind::kConstruction:
      return "creates";
  }
  return "accesses";
}

// "'balance'", or the label the interleaving uses ("var#2"), or the bytes.
std::string subject(const DataRace& race) {
  if (!race.object.name.empty()) return absl::StrCat("'", race.object.name, "'");
  if (!race.object.label.empty()) return race.object.label;
  return absl::StrCat(race.end - race.begin, " bytes at ", hex(race.begin));
}

bool same_bytes(const DataRace& race) {
  return race.earlier.begin == race.later.begin && race.earlier.end == race.later.end;
}

std::string message_of(const DataRace& race) {
  return absl::StrCat("data race on ", subject(race), ": thread ", race.later.thread, " ", verb(race.later.kind),
                      " it at step ", race.later.step, ", and nothing orders this after thread ", race.earlier.thread,
                      "'s ", std::string(access_kind_name(race.earlier.kind)), " at step ", race.earlier.step);
}

// "boost::lockfree::queue<int>::pop<int>(int&)" -> "boost::lockfree::queue::pop":
// a call stack line names the function; its template arguments and
// parameter lists would drown the line. Lambdas keep their braces
// ("f()::{lambda(int)#1}::operator()").
std::string short_function(std::string_view function) {
  std::string out;
  int angles = 0;
  int braces = 0;
  for (size_t i = 0; i < function.size(); ++i) {
    const char c = function[i];
    const std::string_view before = function.substr(0, i);
    if (c == '{') ++braces;
    if (c == '}' && braces > 0) --braces;
    if (c == '<' && !before.ends_with("operator") && !before.ends_with("operator<")) {
      ++angles;
      continue;
    }
    if (c == '>' && angles > 0) {
      --angles;
      continue;
    }
    if (angles > 0) continue;
    if (c == '(' && braces == 0 && !function.substr(i).starts_with("(anonymous namespace)")) {
      if (before.ends_with("operator") && function.substr(i).starts_with("()")) {
        out += "()";
        ++i;
        continue;
      }
      // The parameter list: skip it, keep what follows ("::{lambda...}").
      int parens = 0;
      for (; i < function.size(); ++i) {
        if (function[i] == '(') ++parens;
        if (function[i] == ')' && --parens == 0) break;
      }
      continue;
    }
    out += c;
  }
  // What is left of " const" and other qualifiers after the parameters.
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.ends_with(" const")) out.resize(out.size() - 6);
  return out;
}

std::vector<std::string> details_of(const DataRace& race) {
  const std::string what = subject(race);
  std::vector<std::string> lines;
  // A label (a heap block's: "bytes [0, 4) of the 56-byte block thread 0
  // allocated at step 36") says where the bytes are in words that replay
  // the same, where the address may differ from run to run (the
  // allocator's): an access wider than the overlap is given by its offset.
  const bool labeled = race.object.name.empty() && !race.object.label.empty();
  const auto add = [&](const char* heading, const MemoryAccess& a) {
    std::string text = absl::StrCat(heading, "thread ", a.thread, " ", verb(a.kind), " ", what);
    if (!same_bytes(race)) {
      if (labeled) {
        absl::StrAppend(&text, " (an access of ", a.end - a.begin, " bytes at offset ",
                        static_cast<int64_t>(a.begin) - static_cast<int64_t>(race.begin), " from them)");
      } else {
        absl::StrAppend(&text, " (", a.end - a.begin, " bytes at ", hex(a.begin), ")");
      }
    }
    absl::StrAppend(&text, " at step ", a.step, ", ", format_position(a.where));
    lines.push_back(std::move(text));
    for (const SourcePosition& call : a.stack) {
      if (!call.known()) continue;  // in a library without line information
      std::string frame = absl::StrCat("         called from ", format_position(call));
      if (!call.function.empty()) absl::StrAppend(&frame, " in ", short_function(call.function));
      lines.push_back(std::move(frame));
    }
  };
  add("earlier: ", race.earlier);
  add("later:   ", race.later);
  if (!same_bytes(race)) {
    std::string overlap = absl::StrCat("the two ranges overlap in ", race.end - race.begin, " bytes");
    if (!labeled) absl::StrAppend(&overlap, " at ", hex(race.begin));
    lines.push_back(std::move(overlap));
  }
  return lines;
}

// ---- lock-order inversions

std::string lock_label(const ObjectRef& lock) {
  if (!lock.name.empty()) return absl::StrCat("'", lock.name, "'");
  if (!lock.label.empty()) return lock.label;
  return "an unnamed mutex";
}

// "'rw' shared": the mode matters when a shared_mutex is in the cycle.
std::string held(const LockOrderEdge& e) { return absl::StrCat(lock_label(e.held), e.held_shared ? " shared" : ""); }
std::string taken(const LockOrderEdge& e) { return absl::StrCat(lock_label(e.taken), e.taken_shared ? " shared" : ""); }

std::string when(const LockOrderEdge& e) {
  if (e.earlier_execution) return absl::StrCat("in execution ", *e.earlier_execution, " of this exploration");
  return absl::StrCat("earlier in this execution, steps ", e.held_step, " and ", e.taken_step);
}

std::string message_of(const LockOrderInversion& inv) {
  if (inv.edges.empty()) return "lock-order inversion (potential deadlock)";
  const LockOrderEdge& e = inv.edges.front();
  std::string text = absl::StrCat("lock-order inversion (potential deadlock): thread ", e.thread, " locks ", taken(e),
                                  " while holding ", held(e));
  if (inv.edges.size() == 2) {
    const LockOrderEdge& back = inv.edges[1];
    absl::StrAppend(&text, ", but thread ", back.thread, " locked ", taken(back), " while holding ", held(back), " (",
                    when(back), ")");
    return text;
  }
  std::vector<std::string> cycle{lock_label(e.held)};
  for (const LockOrderEdge& x : inv.edges) cycle.push_back(lock_label(x.taken));
  absl::StrAppend(&text, ", closing the cycle ", absl::StrJoin(cycle, " -> "));
  return text;
}

std::vector<std::string> details_of(const LockOrderInversion& inv) {
  std::vector<std::string> lines;
  if (inv.edges.empty()) return lines;
  const LockOrderEdge& e = inv.edges.front();
  lines.push_back(absl::StrCat("thread ", e.thread, " holds ", held(e), " (locked at ", format_position(e.held_at),
                               ", step ", e.held_step, ") and locks ", taken(e), " at ", format_position(e.taken_at),
                               " (step ", e.taken_step, ")"));
  bool from_earlier_executions = false;
  for (size_t i = 1; i < inv.edges.size(); ++i) {
    const LockOrderEdge& x = inv.edges[i];
    lines.push_back(absl::StrCat("thread ", x.thread, " held ", held(x), " (locked at ", format_position(x.held_at),
                                 ") and locked ", taken(x), " at ", format_position(x.taken_at), " (", when(x), ")"));
    from_earlier_executions |= x.earlier_execution.has_value();
  }
  if (from_earlier_executions) {
    lines.push_back(
        "a replay of this token runs this execution alone, where the locks are taken in one order only: it shows "
        "no inversion. Explore again (same seed) to see this report, or turn Options::detect_lock_order off to "
        "look for the deadlock itself");
  }
  lines.push_back(
      "threads taking these locks in these orders can each hold one and wait forever for the next: this schedule "
      "did not deadlock, another can. Take the locks in one global order, or together with std::scoped_lock");
  return lines;
}

// ---- linearizability

std::string message_of(const NotLinearizable& n) {
  return absl::StrCat("the history of ", n.history.size(), " operations has no legal sequential order");
}

// The checker's own explanation tables (weft::lin::render_text, as
// `weft lincheck` prints them), without their summary line.
std::vector<std::string> details_of(const NotLinearizable& n) {
  lin::HistoryView view;
  view.show_elapsed = false;
  for (const HistoryOperation& op : n.history) {
    view.operations.push_back({op.client, op.call, op.ret.value_or(lin::kEndOfTime), op.operation, op.outcome_known});
  }
  view.prefix_states = n.prefix_states;
  lin::CheckResult result;
  result.verdict = lin::Verdict::kNotLinearizable;
  result.explained = n.explained;
  result.core = n.core;
  result.core_is_minimal = n.core_is_minimal;
  result.has_prefix = n.has_prefix;
  result.prefix_end = n.prefix_end;
  result.prefix_linearization = n.prefix;
  result.first_failing = n.first_failing;
  result.prefix_is_longest = n.prefix_is_longest;
  std::vector<std::string> lines = absl::StrSplit(lin::render_text(view, result), '\n');
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (!lines.empty()) lines.erase(lines.begin());  // the summary line
  return lines;
}

// ---- replay divergence

std::string message_of(const ReplayDivergence& d) {
  std::string why;
  const std::string enabled = absl::StrJoin(d.enabled, ", ");
  switch (d.choice) {
    case ReplayDivergence::Choice::kThread:
      why = d.expected ? absl::StrCat("expected thread ", *d.expected, " to be enabled at decision ", d.decision,
                                      ", but the enabled threads are ", enabled)
                       : absl::StrCat("the recorded schedule ended after ", d.recorded,
                                      " decisions, but the program has more choices (enabled threads: ", enabled, ")");
      break;
    case ReplayDivergence::Choice::kValue:
      why = d.expected ? absl::StrCat("expected a choice among more than ", *d.expected, " values at decision ",
                                      d.decision, ", but the program chooses among ", d.choices)
                       : absl::StrCat("the recorded schedule ended after ", d.recorded,
                                      " decisions, but the program asks for a choice among ", d.choices);
      break;
    case ReplayDivergence::Choice::kNone:
      why = "the program finished, but the token records more decisions";
      break;
  }
  return absl::StrCat("schedule diverged at step ", d.step, ": ", why);
}

std::vector<std::string> details_of(const ReplayDivergence&) {
  return {
      "the program no longer makes the choices recorded in the token: the code changed, or the body depends on "
      "something weft does not control (real time, real randomness, hash order of pointers, an uncontrolled "
      "std::thread)"};
}

// The kinds whose message says everything.
template <typename E>
std::vector<std::string> details_of(const E&) {
  return {};
}

}  // namespace

std::string failure_message(const Evidence& evidence) {
  return std::visit([](const auto& e) { return message_of(e); }, evidence);
}

std::vector<std::string> failure_details(const Evidence& evidence) {
  return std::visit([](const auto& e) { return details_of(e); }, evidence);
}

void set_evidence(Failure& failure, Evidence evidence) {
  failure.kind = kind_of(evidence);
  failure.message = failure_message(evidence);
  failure.evidence = std::move(evidence);
}

}  // namespace weft::detail
