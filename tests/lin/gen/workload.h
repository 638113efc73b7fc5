// Generated histories for testing and benchmarking the linearizability
// checker: a simulated object (CAS register, key/value map or queue) that is
// linearizable by construction, used by concurrent clients whose operations
// may time out, never return, or take effect long after their client gave up.
// Every choice comes from weft's own Rng, so a seed gives the same history on
// every platform.
//
//   weft::lin::gen::Workload w;
//   w.kind = weft::lin::gen::Kind::kRegister;
//   w.clients = 20; w.operations = 500; w.unknown_percent = 25; w.seed = 7;
//   weft::lin::gen::History h = weft::lin::gen::simulate(w);   // linearizable
//   inject(h, w);                 // anomaly.h: make it not linearizable, with a proof
//   std::string text = log_text(h);                             // log_text.h
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace weft::lin::gen {

enum class Kind { kRegister, kKv, kQueue };

// An injected fault of the simulated object. kStaleRead: a read returns an
// old value; kLostWrite: a write is acknowledged but never applied;
// kWrongCas: a compare-and-set reports the wrong result; kDuplicateDequeue:
// two dequeues return the same element.
enum class Anomaly { kNone, kStaleRead, kLostWrite, kWrongCas, kDuplicateDequeue };

struct Workload {
  Kind kind = Kind::kRegister;
  std::uint64_t seed = 1;
  int clients = 10;          // concurrent workers
  int operations = 200;      // operations in the history
  int unknown_percent = 10;  // share of operations whose outcome is unknown
  int values = 5;            // distinct values written: narrow (5) or wide (1'000'000)
  int keys = 4;              // kv: keys
  bool read_runs = false;    // phases where every client only reads
  Anomaly anomaly = Anomaly::kNone;
  double anomaly_at = 0.5;  // where to inject it, as a fraction of the history
};

// The functions of the three objects: read/write/cas (register), get/put/append
// (kv: kRead, kWrite, kAppend), enqueue/dequeue (queue).
enum class Fn : std::uint8_t { kRead, kWrite, kCas, kAppend, kEnqueue, kDequeue };

// How an operation ended, as its client saw it.
enum class Ending : std::uint8_t {
  kOk,           // returned normally with its result
  kFail,         // cas: the values did not match
  kReadTimeout,  // a read that failed: no information (the client carries on)
  kInfo,         // the client gave up: outcome unknown (Jepsen's :info)
  kNever,        // no completion at all
};

inline constexpr double kNever = std::numeric_limits<double>::infinity();
inline constexpr std::int64_t kNil = -1;  // register: never written; queue: empty

struct Op {
  std::int64_t process = 0;  // Jepsen-style: a client that gave up continues under a new id
  Fn fn = Fn::kRead;
  int key = 0;            // kv
  std::int64_t arg = 0;   // register write value, cas from; queue enqueue value
  std::int64_t arg2 = 0;  // register cas to
  std::string text;       // kv put/append argument
  Ending ending = Ending::kOk;
  std::int64_t result = kNil;  // register read, queue dequeue (kNil: nil / empty)
  std::string text_result;     // kv get
  double call = 0;
  double ret = 0;  // when the completion line is written (kNever for none)

  // Simulation only, not part of the history.
  double effect = kNever;     // when it took effect on the object (kNever: never)
  bool from_current = false;  // cas: expects the value current at its call

  bool outcome_known() const { return ending == Ending::kOk || ending == Ending::kFail; }
};

enum class Expected { kLinearizable, kNotLinearizable, kUndecided };

struct History {
  Kind kind = Kind::kRegister;
  std::vector<Op> ops;  // by call time
  Expected expected = Expected::kLinearizable;
  // Why it is not linearizable (the witness), or why that is undecided.
  std::string reason;
};

// Simulates the workload against a correct object: the history is
// linearizable (every operation takes effect at one instant within its
// interval, or, with an unknown outcome, at some instant after its call or
// never). `lost` >= 0 names an operation whose effect the object drops
// while acknowledging it (the lost-write anomaly).
History simulate(const Workload& w, int lost = -1);

const char* kind_name(Kind kind);
const char* anomaly_name(Anomaly anomaly);
const char* expected_name(Expected expected);

}  // namespace weft::lin::gen
