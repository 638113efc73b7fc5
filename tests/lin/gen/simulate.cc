// The simulation behind gen::simulate(): workers issue operations one after
// another; each operation takes effect on the object at one instant of its
// interval, so the object is linearizable by construction. An operation whose
// client gives up (a timeout, a crash) may take effect at any later instant,
// long after the client moved on, or never.
#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "gen/workload.h"
#include "weft/base/rng.h"

namespace weft::lin::gen {
namespace {

using weft::detail::Rng;

// Time units: an operation takes about 1, a client thinks about 0.2 between
// operations and gives up after 3.
constexpr double kLatency = 0.5;  // call to effect, and effect to return (means)
constexpr double kThink = 0.2;
constexpr double kTimeout = 3.0;
constexpr double kLateEffect = 6.0;  // mean delay of the effect of an abandoned operation

double uniform(Rng& rng) { return (static_cast<double>(rng.next() >> 11) + 0.5) * 0x1.0p-53; }
double exponential(Rng& rng, double mean) { return -mean * std::log(uniform(rng)); }

std::string token(std::int64_t n) { return "w" + std::to_string(n) + ";"; }

// Read-only phases alternate with mixed ones when the workload asks for
// them: every client then reads the same value over and over.
class Phases {
 public:
  Phases(const Workload& w, Rng& rng) : w_(w), rng_(rng) { end_ = length(); }
  bool read_only_at(double t) {
    if (!w_.read_runs) return false;
    while (t >= end_) {
      read_only_ = !read_only_;
      end_ += length();
    }
    return read_only_;
  }

 private:
  // A phase lasts 30 to 300 operations' worth of time.
  double length() {
    const double ops = 30 + rng_.below(271);
    return ops * (2 * kLatency + kThink) / w_.clients;
  }
  const Workload& w_;
  Rng& rng_;
  double end_ = 0;
  bool read_only_ = false;
};

// Draws the operations and their timing; results come later, from run().
// Nothing drawn here depends on the object's state, so the same seed gives
// the same operations with or without a lost write.
std::vector<Op> draw_operations(const Workload& w) {
  Rng rng(weft::detail::mix_seed(w.seed, static_cast<std::uint64_t>(w.kind)));
  Phases phases(w, rng);
  struct Worker {
    double free_at;
    std::int64_t process;
  };
  auto later = [](const Worker& a, const Worker& b) { return a.free_at > b.free_at; };
  std::priority_queue<Worker, std::vector<Worker>, decltype(later)> workers(later);
  for (int i = 0; i < w.clients; ++i) workers.push({exponential(rng, kThink), i});

  std::vector<Op> ops;
  std::int64_t next_element = 0;
  const auto value = [&] { return static_cast<std::int64_t>(rng.below(static_cast<std::uint32_t>(w.values))); };
  while (static_cast<int>(ops.size()) < w.operations) {
    Worker worker = workers.top();
    workers.pop();
    Op op;
    op.process = worker.process;
    op.call = worker.free_at;
    const bool read_only = phases.read_only_at(op.call);
    const std::uint32_t pick = read_only ? 0 : rng.below(100);
    switch (w.kind) {
      case Kind::kRegister:
        op.fn = pick < 50 ? Fn::kRead : pick < 75 ? Fn::kWrite : Fn::kCas;
        op.arg = value();
        op.arg2 = value();
        op.from_current = op.fn == Fn::kCas && rng.chance(1, 2);
        break;
      case Kind::kKv:
        op.fn = pick < 50 ? Fn::kRead : pick < 65 ? Fn::kWrite : Fn::kAppend;
        op.key = static_cast<int>(rng.below(static_cast<std::uint32_t>(w.keys)));
        op.text = token(value());
        break;
      case Kind::kQueue:
        op.fn = pick < 50 ? Fn::kDequeue : Fn::kEnqueue;
        // Wide queues hold distinct elements, narrow ones repeat a few.
        op.arg = w.values > 1000 ? next_element++ : value();
        break;
    }
    const bool reads = op.fn == Fn::kRead;
    // kv: porcupine's kv model has no unknown outcomes, so only writes that
    // never complete (and always take effect) are unknown there.
    const bool may_be_unknown = !(w.kind == Kind::kKv && reads);
    if (may_be_unknown && rng.chance(static_cast<std::uint32_t>(w.unknown_percent), 100)) {
      const double give_up = op.call + kTimeout;
      if (reads) {
        op.ending = Ending::kReadTimeout;  // definite failure: the same process carries on
        op.ret = give_up;
      } else {
        op.ending = rng.chance(1, 2) ? Ending::kInfo : Ending::kNever;
        op.ret = op.ending == Ending::kInfo ? give_up : kNever;
        const bool applied = w.kind == Kind::kKv || rng.chance(1, 2);
        const double delay = exponential(rng, kLateEffect);
        if (applied) op.effect = op.call + delay;
        worker.process += w.clients;  // Jepsen retires a process whose outcome is unknown
      }
      worker.free_at = give_up + exponential(rng, kThink);
    } else {
      const double slow = rng.chance(1, 20) ? 10 : 1;  // a heavy tail of slow operations
      op.effect = op.call + exponential(rng, kLatency) * slow;
      op.ret = op.effect + exponential(rng, kLatency) * slow;
      worker.free_at = op.ret + exponential(rng, kThink);
    }
    ops.push_back(std::move(op));
    workers.push(worker);
  }
  return ops;
}

// Runs the operations against a correct object, in the order of their
// effects, and fills in their results.
void run(const Workload& w, std::vector<Op>& ops, int lost) {
  struct Event {
    double time;
    int kind;  // 0: call, 1: effect
    std::size_t op;
    bool operator<(const Event& o) const { return std::tie(time, kind, op) < std::tie(o.time, o.kind, o.op); }
  };
  std::vector<Event> events;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    events.push_back({ops[i].call, 0, i});
    if (ops[i].effect != kNever) events.push_back({ops[i].effect, 1, i});
  }
  std::sort(events.begin(), events.end());

  std::int64_t reg = kNil;
  std::map<int, std::string> kv;
  std::deque<std::int64_t> queue;
  for (const Event& e : events) {
    Op& op = ops[e.op];
    if (e.kind == 0) {
      // A client that expects the current value (it just read it) asks for it.
      if (op.from_current && reg != kNil) op.arg = reg;
      continue;
    }
    const bool apply = static_cast<int>(e.op) != lost;
    switch (op.fn) {
      case Fn::kRead:
        if (w.kind == Kind::kKv) {
          op.text_result = kv[op.key];
        } else {
          op.result = reg;
        }
        break;
      case Fn::kWrite:
        if (!apply) break;
        if (w.kind == Kind::kKv) {
          kv[op.key] = op.text;
        } else {
          reg = op.arg;
        }
        break;
      case Fn::kAppend:
        if (apply) kv[op.key] += op.text;
        break;
      case Fn::kCas: {
        const bool match = reg == op.arg;
        if (op.ending == Ending::kOk && !match) op.ending = Ending::kFail;
        if (match && apply) reg = op.arg2;
        break;
      }
      case Fn::kEnqueue:
        if (apply) queue.push_back(op.arg);
        break;
      case Fn::kDequeue:
        if (queue.empty()) {
          op.result = kNil;
        } else {
          op.result = queue.front();
          if (apply) queue.pop_front();
        }
        break;
    }
  }
}

}  // namespace

History simulate(const Workload& w, int lost) {
  History h;
  h.kind = w.kind;
  h.ops = draw_operations(w);
  run(w, h.ops, lost);
  h.expected = Expected::kLinearizable;
  h.reason = "simulated object (linearizable by construction)";
  return h;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kRegister:
      return "register";
    case Kind::kKv:
      return "kv";
    case Kind::kQueue:
      return "queue";
  }
  return "?";
}

const char* anomaly_name(Anomaly anomaly) {
  switch (anomaly) {
    case Anomaly::kNone:
      return "none";
    case Anomaly::kStaleRead:
      return "stale-read";
    case Anomaly::kLostWrite:
      return "lost-write";
    case Anomaly::kWrongCas:
      return "wrong-cas";
    case Anomaly::kDuplicateDequeue:
      return "duplicate-dequeue";
  }
  return "?";
}

const char* expected_name(Expected expected) {
  switch (expected) {
    case Expected::kLinearizable:
      return "linearizable";
    case Expected::kNotLinearizable:
      return "not-linearizable";
    case Expected::kUndecided:
      return "undecided";
  }
  return "?";
}

}  // namespace weft::lin::gen
