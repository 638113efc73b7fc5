#include "gen/anomaly.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "weft/base/rng.h"

namespace weft::lin::gen {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Register values as text ("nil" before the first write), so that register
// and kv share one witness search; a kv state is its string ("" at first).
std::string reg_value(std::int64_t v) { return v == kNil ? "nil" : std::to_string(v); }
std::string initial_state(const History& h) { return h.kind == Kind::kKv ? "" : "nil"; }

// The latest instant the operation may take effect: its return, or never for
// an operation with an unknown outcome (its client gave up, the operation
// did not).
double last_effect(const Op& op) { return op.outcome_known() ? op.ret : kInfinity; }

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string describe(const History& h, std::size_t i) {
  const Op& op = h.ops[i];
  const bool kv = h.kind == Kind::kKv;
  std::string what;
  switch (op.fn) {
    case Fn::kRead:
      what = (kv ? "get -> \"" + op.text_result + "\"" : "read -> " + reg_value(op.result));
      break;
    case Fn::kWrite:
      what = kv ? "put \"" + op.text + "\"" : "write " + reg_value(op.arg);
      break;
    case Fn::kCas:
      what = "cas " + reg_value(op.arg) + " -> " + reg_value(op.arg2) + (op.ending == Ending::kOk ? " ok" : " fail");
      break;
    case Fn::kAppend:
      what = "append \"" + op.text + "\"";
      break;
    case Fn::kEnqueue:
      what = "enqueue " + std::to_string(op.arg);
      break;
    case Fn::kDequeue:
      what = "dequeue -> " + (op.result == kNil ? std::string("empty") : std::to_string(op.result));
      break;
  }
  if (kv) what += " on key " + std::to_string(op.key);
  return "call #" + std::to_string(i + 1) + " (process " + std::to_string(op.process) + ", " + what + ")";
}

// The state an operation with a known outcome saw at its instant, if it pins one.
std::optional<std::string> required_state(const History& h, const Op& op) {
  if (op.ending != Ending::kOk) return std::nullopt;
  if (op.fn == Fn::kRead) return h.kind == Kind::kKv ? op.text_result : reg_value(op.result);
  if (op.fn == Fn::kCas) return reg_value(op.arg);
  return std::nullopt;
}

std::string written(const History& h, const Op& op) { return h.kind == Kind::kKv ? op.text : reg_value(op.arg); }

// Whether the operation, if it took effect, may have left the state equal to u.
bool may_produce(const History& h, const Op& op, const std::string& u) {
  switch (op.fn) {
    case Fn::kWrite:
      return written(h, op) == u;
    case Fn::kCas:
      return op.ending != Ending::kFail && reg_value(op.arg2) == u;
    case Fn::kAppend:
      return ends_with(u, op.text);
    default:
      return false;
  }
}

// Whether the operation certainly took effect and left the state != u.
bool certainly_not(const History& h, const Op& op, const std::string& u) {
  if (op.ending != Ending::kOk) return false;
  switch (op.fn) {
    case Fn::kWrite:
      return written(h, op) != u;
    case Fn::kCas:
      return reg_value(op.arg2) != u;
    case Fn::kAppend:
      return !ends_with(u, op.text);
    default:
      return false;
  }
}

// The overwritten-read witness for operation r requiring state u.
std::string overwritten(const History& h, std::size_t r, const std::string& u) {
  const Op& reader = h.ops[r];
  // Producers of u called by r's return must all have returned before w is called.
  double latest = -kInfinity;
  for (std::size_t p = 0; p < h.ops.size() && h.ops[p].call <= reader.ret; ++p) {
    if (p == r || h.ops[p].key != reader.key) continue;
    if (may_produce(h, h.ops[p], u)) latest = std::max(latest, last_effect(h.ops[p]));
  }
  if (latest == kInfinity) return "";
  for (std::size_t w = 0; w < h.ops.size() && h.ops[w].call < reader.call; ++w) {
    const Op& op = h.ops[w];
    if (w == r || op.key != reader.key || op.call <= latest || op.ret >= reader.call) continue;
    if (!certainly_not(h, op, u)) continue;
    return describe(h, r) + " needs the value \"" + u + "\", but " + describe(h, w) +
           " replaced it before that call, and every operation that can set \"" + u +
           "\" either returned before that or was called after it";
  }
  return "";
}

// The pinned-failed-cas witness for a cas r that reported failure.
std::string pinned(const History& h, std::size_t r) {
  const Op& cas = h.ops[r];
  const std::string a = reg_value(cas.arg);
  // The latest-called operation that certainly set a and returned before
  // the cas: the later it is, the fewer operations can interfere.
  std::optional<std::size_t> setter;
  for (std::size_t w = 0; w < h.ops.size() && h.ops[w].call < cas.call; ++w) {
    const Op& op = h.ops[w];
    if (op.ret >= cas.call || op.ending != Ending::kOk) continue;
    const bool sets_a =
        (op.fn == Fn::kWrite && reg_value(op.arg) == a) || (op.fn == Fn::kCas && reg_value(op.arg2) == a);
    if (sets_a) setter = w;
  }
  if (!setter) return "";
  const Op& w = h.ops[*setter];
  for (std::size_t p = 0; p < h.ops.size() && h.ops[p].call <= cas.ret; ++p) {
    const Op& op = h.ops[p];
    if (p == r || p == *setter || last_effect(op) < w.call) continue;
    const bool may_change = (op.fn == Fn::kWrite && reg_value(op.arg) != a) ||
                            (op.fn == Fn::kCas && op.ending != Ending::kFail && reg_value(op.arg2) != a);
    if (may_change) return "";
  }
  return describe(h, r) + " failed, but " + describe(h, *setter) + " set " + a +
         " before it was called and no operation that can change the value overlaps that span";
}

// The too-many-dequeues witness for element v.
std::string too_many_dequeues(const History& h, std::int64_t v) {
  int dequeued = 0, enqueued = 0;
  for (const Op& op : h.ops) {
    if (op.fn == Fn::kDequeue && op.ending == Ending::kOk && op.result == v) ++dequeued;
    if (op.fn == Fn::kEnqueue && op.arg == v) ++enqueued;
  }
  if (dequeued <= enqueued) return "";
  return std::to_string(dequeued) + " dequeues returned " + std::to_string(v) + ", which was enqueued " +
         std::to_string(enqueued) + " time(s)";
}

// Operations satisfying `eligible`, nearest to the target position first.
template <class Eligible>
std::vector<std::size_t> sites(const History& h, double at, Eligible eligible) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    if (eligible(h.ops[i])) out.push_back(i);
  }
  const double target = at * static_cast<double>(h.ops.size());
  std::stable_sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
    return std::abs(static_cast<double>(a) - target) < std::abs(static_cast<double>(b) - target);
  });
  return out;
}

bool proven(History& h, const std::string& witness, const char* what) {
  h.expected = Expected::kNotLinearizable;
  h.reason = std::string(what) + ": " + witness;
  return true;
}

bool undecided(History& h, const char* what, std::size_t site) {
  h.expected = Expected::kUndecided;
  h.reason = std::string(what) + " injected at call #" + std::to_string(site + 1) +
             "; no witness found (unknown outcomes may explain it)";
  return false;
}

bool inject_stale_read(History& h, const Workload& w) {
  weft::detail::Rng rng(weft::detail::mix_seed(w.seed, 77));
  const bool kv = h.kind == Kind::kKv;
  const auto reads =
      sites(h, w.anomaly_at, [](const Op& op) { return op.fn == Fn::kRead && op.ending == Ending::kOk; });
  for (std::size_t tries = 0; tries < std::min<std::size_t>(reads.size(), 200); ++tries) {
    const std::size_t r = reads[tries];
    Op& read = h.ops[r];
    // Candidates: states the object had before (values written, values read)
    // and the initial one last.
    std::vector<std::string> values;
    for (std::size_t i = 0; i < r; ++i) {
      const Op& op = h.ops[i];
      if (op.key != read.key || op.ret >= read.call) continue;
      if (op.fn == Fn::kWrite && op.ending == Ending::kOk) values.push_back(written(h, op));
      if (op.fn == Fn::kRead && op.ending == Ending::kOk) values.push_back(kv ? op.text_result : reg_value(op.result));
    }
    for (std::size_t k = values.size(); k > 1; --k) std::swap(values[k - 1], values[rng.below(k)]);
    if (values.size() > 8) values.resize(8);
    values.push_back(initial_state(h));
    const std::string current = kv ? read.text_result : reg_value(read.result);
    for (const std::string& u : values) {
      if (u == current) continue;
      const std::string witness = overwritten(h, r, u);
      if (witness.empty()) continue;
      if (kv) {
        read.text_result = u;
      } else {
        read.result = u == "nil" ? kNil : std::stoll(u);
      }
      return proven(h, overwritten(h, r, u), "stale read");
    }
  }
  if (reads.empty()) return false;
  Op& read = h.ops[reads[0]];
  if (kv) {
    read.text_result = "";
  } else {
    read.result = kNil;
  }
  return undecided(h, "stale read", reads[0]);
}

bool inject_lost_write(History& h, const Workload& w) {
  const auto writes = sites(h, w.anomaly_at, [](const Op& op) {
    return (op.fn == Fn::kWrite || op.fn == Fn::kAppend) && op.ending == Ending::kOk;
  });
  for (std::size_t tries = 0; tries < std::min<std::size_t>(writes.size(), 40); ++tries) {
    const std::size_t lost = writes[tries];
    History changed = simulate(w, static_cast<int>(lost));
    // Readers soon after the lost write are the ones that can tell.
    for (std::size_t r = lost + 1; r < changed.ops.size() && r < lost + 400; ++r) {
      if (changed.ops[r].key != changed.ops[lost].key || changed.ops[r].call <= changed.ops[lost].ret) continue;
      const auto u = required_state(changed, changed.ops[r]);
      if (!u) continue;
      const std::string witness = overwritten(changed, r, *u);
      if (witness.empty()) continue;
      h = std::move(changed);
      return proven(h, witness + " (" + describe(h, lost) + " was acknowledged but never applied)", "lost write");
    }
  }
  if (writes.empty()) return false;
  h = simulate(w, static_cast<int>(writes[0]));
  return undecided(h, "lost write", writes[0]);
}

bool inject_wrong_cas(History& h, const Workload& w) {
  const auto cases = sites(h, w.anomaly_at, [](const Op& op) {
    return op.fn == Fn::kCas && (op.ending == Ending::kOk || op.ending == Ending::kFail);
  });
  for (std::size_t tries = 0; tries < std::min<std::size_t>(cases.size(), 400); ++tries) {
    const std::size_t c = cases[tries];
    Op& cas = h.ops[c];
    cas.ending = cas.ending == Ending::kOk ? Ending::kFail : Ending::kOk;
    const std::string witness = cas.ending == Ending::kOk ? overwritten(h, c, reg_value(cas.arg)) : pinned(h, c);
    if (!witness.empty()) return proven(h, witness, "wrong cas result");
    cas.ending = cas.ending == Ending::kOk ? Ending::kFail : Ending::kOk;
  }
  if (cases.empty()) return false;
  Op& cas = h.ops[cases[0]];
  cas.ending = cas.ending == Ending::kOk ? Ending::kFail : Ending::kOk;
  return undecided(h, "wrong cas result", cases[0]);
}

bool inject_duplicate_dequeue(History& h, const Workload& w) {
  const auto dequeues =
      sites(h, w.anomaly_at, [](const Op& op) { return op.fn == Fn::kDequeue && op.ending == Ending::kOk; });
  std::optional<std::size_t> fallback;
  for (std::size_t tries = 0; tries < std::min<std::size_t>(dequeues.size(), 200); ++tries) {
    const std::size_t d = dequeues[tries];
    // Values other dequeues returned, nearest first.
    for (std::size_t other : dequeues) {
      const std::int64_t v = h.ops[other].result;
      if (other == d || v == kNil || v == h.ops[d].result) continue;
      const std::int64_t before = h.ops[d].result;
      h.ops[d].result = v;
      const std::string witness = too_many_dequeues(h, v);
      if (!witness.empty()) return proven(h, describe(h, d) + " repeats an element: " + witness, "duplicate dequeue");
      h.ops[d].result = before;
      if (!fallback) fallback = d;
      break;  // the nearest value is the natural duplicate; try the next site
    }
  }
  if (!fallback) return false;
  for (std::size_t other : dequeues) {
    if (other != *fallback && h.ops[other].result != kNil) {
      h.ops[*fallback].result = h.ops[other].result;
      break;
    }
  }
  return undecided(h, "duplicate dequeue", *fallback);
}

}  // namespace

bool inject(History& h, const Workload& w) {
  switch (w.anomaly) {
    case Anomaly::kNone:
      return false;
    case Anomaly::kStaleRead:
      return inject_stale_read(h, w);
    case Anomaly::kLostWrite:
      return inject_lost_write(h, w);
    case Anomaly::kWrongCas:
      return inject_wrong_cas(h, w);
    case Anomaly::kDuplicateDequeue:
      return inject_duplicate_dequeue(h, w);
  }
  return false;
}

std::string find_witness(const History& h) {
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const Op& op = h.ops[i];
    if (h.kind == Kind::kQueue) {
      if (op.fn == Fn::kDequeue && op.ending == Ending::kOk && op.result != kNil) {
        std::string w = too_many_dequeues(h, op.result);
        if (!w.empty()) return w;
      }
      continue;
    }
    if (auto u = required_state(h, op)) {
      std::string w = overwritten(h, i, *u);
      if (!w.empty()) return w;
    }
    if (op.fn == Fn::kCas && op.ending == Ending::kFail) {
      std::string w = pinned(h, i);
      if (!w.empty()) return w;
    }
  }
  return "";
}

}  // namespace weft::lin::gen
