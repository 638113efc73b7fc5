// What weft found: the kind of bug, its evidence as typed fields, where, the
// interleaving that led to it, and the token that replays it.
//
//   weft::Result r = weft::explore(options, body);
//   if (r.failure) {
//     std::cerr << r.failure->report;            // the full, readable report
//     std::cerr << r.failure->token << "\n";     // paste into WEFT_REPLAY=
//     if (const weft::DataRace* race = r.failure->evidence_if<weft::DataRace>()) {
//       // typed facts, no prose to parse: race->earlier.where.line, race->later.kind, ...
//     }
//   }
//
// Only report/ turns evidence into words: the text report (render.h), the
// JSON form (json.h, documented in docs/report-format.md) and the HTML page
// (html.h) all read the same fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace weft {

// The order is the order of the alternatives of Evidence (below).
enum class FailureKind {
  kAssertion,           // WEFT_ASSERT / WEFT_ASSERT_MSG was false
  kUncaughtException,   // an exception escaped a weft thread
  kDeadlock,            // unfinished threads, none can run
  kLivelock,            // max_steps exceeded: threads spin without progress
  kMisuse,              // API misuse: unlock not held, double join, ...
  kStackOverflow,       // a thread ran off its guarded stack
  kDataRace,            // two unordered accesses, at least one a write
  kLockOrderInversion,  // locks taken in opposite orders: a potential deadlock
  kNotLinearizable,     // a recorded history has no legal sequential order
  kReplayDiverged,      // the token no longer fits the program
  kCrash,               // a fatal signal in the body (reported by the weft tool's crash replay)
};

// "assertion failed", "data race", ...: the report's and the JSON's names.
std::string_view failure_kind_name(FailureKind kind);

// A source position, kept as plain values so a Failure outlives the code.
struct SourcePosition {
  std::string file;
  int line = 0;
  std::string function;
  bool known() const { return line > 0; }
  bool operator==(const SourcePosition&) const = default;
};

// An object a failure names.
struct ObjectRef {
  std::string name;   // what the user named it; empty when unnamed
  std::string label;  // how the interleaving shows it: the name, or its kind and order of first
                      // appearance ("mutex#2"); empty when no step of the failing execution shows it
  bool operator==(const ObjectRef&) const = default;
};

// ---- kAssertion --------------------------------------------------------------
struct AssertionFailure {
  std::string condition;  // the asserted expression, as written
  std::string message;    // WEFT_ASSERT_MSG's message; empty for WEFT_ASSERT
  bool operator==(const AssertionFailure&) const = default;
};

// ---- kUncaughtException ------------------------------------------------------
struct UncaughtException {
  int thread = -1;                // the thread it escaped from
  std::string type;               // its dynamic type, demangled ("std::runtime_error"); empty when unknown
  bool is_std_exception = false;  // derived from std::exception, so `what` is its what()
  std::string what;
  bool operator==(const UncaughtException&) const = default;
};

// ---- kDeadlock ---------------------------------------------------------------
struct BlockedThread {
  int thread = 0;
  std::string operation;           // what it is blocked in, as the trace names it: "lock", "wait", "join", "recv", ...
  ObjectRef object;                // what it waits on; empty for "join"
  std::vector<ObjectRef> objects;  // a select: every channel it waits on (`object` is the first); else empty
  SourcePosition site;             // where it blocked
  std::vector<int> holders;        // the threads it waits for: the object's holders, or the thread it joins
  bool operator==(const BlockedThread&) const = default;
};

struct Deadlock {
  std::vector<BlockedThread> blocked;  // every blocked thread, by id
  // A cycle of the wait-for graph (each thread waits for the first holder of
  // what it is blocked on), its first thread repeated at the end; empty when
  // the threads wait for nothing that can come (a notify, a thread that left).
  std::vector<int> cycle;
  bool operator==(const Deadlock&) const = default;
};

// ---- kLivelock ---------------------------------------------------------------
struct RepeatedStep {
  std::string operation;  // "yield", "load", "try_lock", ...
  ObjectRef object;       // empty when the operation has no object
  SourcePosition where;   // the source_location the step recorded (unknown for operators)
  int count = 0;          // how often, in the steps examined
  bool operator==(const RepeatedStep&) const = default;
};

struct LivelockThread {
  int thread = 0;
  bool blocked = false;
  std::vector<RepeatedStep> repeats;  // every distinct step it made lately, most frequent first
  bool operator==(const LivelockThread&) const = default;
};

struct Livelock {
  uint64_t max_steps = 0;               // the limit the execution exceeded
  uint64_t window = 0;                  // the last steps examined for `repeats`
  std::vector<LivelockThread> threads;  // every unfinished thread, by id
  bool operator==(const Livelock&) const = default;
};

// ---- kMisuse -----------------------------------------------------------------
// The rules of the primitives' contracts. Each has a stable name
// (misuse_rule_name) for JSON consumers; new rules are added at the end.
enum class MisuseRule {
  kRelock,                        // locks a non-recursive mutex (or shared_mutex) it already holds: self-deadlock
  kLockSharedWhileExclusive,      // lock_shared() on a shared_mutex it holds exclusively: self-deadlock
  kUnlockNotHeld,                 // unlock() of a lock the thread does not hold (exclusively)
  kUnlockSharedNotHeld,           // unlock_shared() without a shared hold
  kDestroyedWhileHeld,            // a mutex or shared_mutex destroyed while held
  kWaitWithoutLock,               // condition_variable::wait without holding the unique_lock's mutex
  kCountDownOutOfRange,           // latch::count_down(n) with n < 0 or more than is left
  kArrivalOutOfRange,             // barrier arrival of n <= 0 or more than the phase expects
  kReleaseOutOfRange,             // counting_semaphore::release(n) with n < 0 or past the maximum
  kJoinNotJoinable,               // join() of a weft::thread that is not joinable
  kJoinSelf,                      // a thread joins itself
  kDetachNotJoinable,             // detach() of a weft::thread that is not joinable
  kThreadDestroyedWhileJoinable,  // a weft::thread handle destroyed while joinable (std::thread would terminate)
  kChannelClosedTwice,            // close() of a closed channel
  kSendOnClosedChannel,           // send on a closed channel
  kSelectDuplicateCase,           // a select with two default cases or two timeouts
  kExitUnwindSwallowed,           // a catch (...) ends pthread_exit's unwinding without rethrowing it
};

// "relock", "unlock_not_held", ...: the rule's stable name.
std::string_view misuse_rule_name(MisuseRule rule);

struct Misuse {
  MisuseRule rule = MisuseRule::kRelock;
  // The primitive whose contract was broken: "mutex", "shared_mutex",
  // "condition_variable", "latch", "barrier", "semaphore", "thread", "channel",
  // "select".
  std::string object_type;
  ObjectRef object;
  int thread = -1;           // the thread that broke the rule
  std::vector<int> holders;  // the threads holding the lock, for the lock rules
  int other_thread = -1;     // the thread a join or a thread handle names; -1 when none
  // The numbers of the counting rules: the argument given, what was left
  // (latch count, arrivals the barrier phase expects, semaphore count), the
  // semaphore's maximum.
  std::optional<int64_t> amount, available, maximum;
  bool operator==(const Misuse&) const = default;
};

// ---- kStackOverflow ----------------------------------------------------------
struct StackOverflow {
  int thread = -1;
  uint64_t stack_size = 0;  // usable bytes of its stack (Options::stack_size, rounded up to pages)
  bool operator==(const StackOverflow&) const = default;
};

// ---- kDataRace ---------------------------------------------------------------
enum class AccessKind { kRead, kWrite, kConstruction };

// "read", "write", "construction".
std::string_view access_kind_name(AccessKind kind);

struct MemoryAccess {
  int thread = 0;
  AccessKind kind = AccessKind::kRead;
  uint64_t step = 0;     // its step in the failing execution's trace
  SourcePosition where;  // the source line (resolved from the return address for operators)
  uint64_t begin = 0;    // the bytes it touched: [begin, end)
  uint64_t end = 0;
  // The call sites that led to it, innermost first (unmodified code, from
  // __tsan_func_entry/exit); empty when unknown.
  std::vector<SourcePosition> stack;
  bool operator==(const MemoryAccess&) const = default;
};

struct DataRace {
  ObjectRef object;    // the variable; empty for unnamed annotated memory
  uint64_t begin = 0;  // the bytes both accesses touched: [begin, end)
  uint64_t end = 0;
  MemoryAccess earlier;  // nothing orders `later` after it
  MemoryAccess later;    // the access that failed
  bool operator==(const DataRace&) const = default;
};

// ---- kLockOrderInversion -----------------------------------------------------
// One edge of the lock-order graph: a thread took `taken` while holding `held`.
struct LockOrderEdge {
  int thread = 0;
  ObjectRef held;  // the label is empty when the lock was not used in the failing execution
  bool held_shared = false;
  ObjectRef taken;
  bool taken_shared = false;
  SourcePosition held_at;   // where `held` was locked
  SourcePosition taken_at;  // where `taken` was locked while `held` was held
  uint64_t held_step = 0;   // the steps of those two acquisitions, in the execution that took them
  uint64_t taken_step = 0;
  // Set when an earlier execution of the exploration took these locks (its
  // index); unset when the failing execution did, whose trace shows the steps.
  std::optional<uint64_t> earlier_execution;
  bool operator==(const LockOrderEdge&) const = default;
};

struct LockOrderInversion {
  // The cycle: edges[0] is the acquisition that closed it (the failing
  // thread, now); each edge's `taken` is the next edge's `held`, and the
  // last edge's `taken` is edges[0]'s `held`.
  std::vector<LockOrderEdge> edges;
  bool operator==(const LockOrderInversion&) const = default;
};

// ---- kNotLinearizable --------------------------------------------------------
struct HistoryOperation {
  int64_t client = 0;          // who called it (a scenario's thread: 0 for the init and post parts)
  int64_t call = 0;            // logical times of its call and return
  std::optional<int64_t> ret;  // unset: it never returned
  std::string operation;       // as the model describes it: "enq(1) -> ok"
  bool outcome_known = true;
  bool operator==(const HistoryOperation&) const = default;
};

struct NotLinearizable {
  std::vector<HistoryOperation> history;  // everything the execution recorded
  // The explanation (indices into `history`), when the checker computed one
  // (it may be off: the others are empty then).
  bool explained = false;
  std::vector<size_t> core;  // a smallest set of operations that cannot be linearized together
  bool core_is_minimal = false;
  bool has_prefix = false;                 // some prefix of the history is linearizable:
  int64_t prefix_end = 0;                  // up to this time,
  std::vector<size_t> prefix;              // in this order,
  std::vector<std::string> prefix_states;  // the model's state after each (when it can describe states);
  std::vector<size_t> first_failing;       // and the operations whose return ends it
  bool prefix_is_longest = false;          // false: the explanation's budget ran out before it could tell
  bool operator==(const NotLinearizable&) const = default;
};

// ---- kReplayDiverged ---------------------------------------------------------
struct ReplayDivergence {
  // What the program asked for where the token no longer fit: which thread
  // runs next, a weft::choose value, or nothing more (it finished).
  enum class Choice { kThread, kValue, kNone };
  uint64_t step = 0;  // the step at which it diverged
  Choice choice = Choice::kNone;
  uint64_t decision = 0;             // the index of the token's decision that did not fit (kNone: decisions used)
  uint64_t recorded = 0;             // decisions the token records
  std::optional<uint32_t> expected;  // the token's decision there; unset when the token ran out
  std::vector<int> enabled;          // kThread: the threads that could run
  uint32_t choices = 0;              // kValue: the program chose among this many values
  bool operator==(const ReplayDivergence&) const = default;
};

// ---- kCrash -------------------------------------------------------------------
// A body that crashed (SIGSEGV, SIGABRT, ...) cannot go on; the `weft` tool
// replays the crashing schedule once in a fresh worker that turns the signal
// into this failure, so the report shows the interleaving up to the crash.
struct Crash {
  int thread = -1;          // the thread that was running
  int signal = 0;           // the signal number
  std::string signal_name;  // strsignal's words ("Segmentation fault")
  bool operator==(const Crash&) const = default;
};

// The evidence of a failure: exactly one kind applies, so a variant rather
// than optional members (which would allow none or two); its alternatives are
// in FailureKind order, so Failure::kind == FailureKind(evidence.index()) for
// every failure weft reports, and renderers std::visit it: a kind added
// without words in report/ does not compile.
using Evidence = std::variant<AssertionFailure, UncaughtException, Deadlock, Livelock, Misuse, StackOverflow, DataRace,
                              LockOrderInversion, NotLinearizable, ReplayDivergence, Crash>;

inline FailureKind kind_of(const Evidence& evidence) { return static_cast<FailureKind>(evidence.index()); }

// One step of the failing interleaving: thread `thread` performed `op` on
// `object`. `preempted` marks a switch away from a thread that could go on.
struct TraceStep {
  uint64_t step = 0;
  int thread = 0;
  std::string op;
  std::string object;
  SourcePosition where;
  bool preempted = false;
  bool highlighted = false;  // a step the failure message refers to
};

struct Failure {
  FailureKind kind = FailureKind::kAssertion;
  std::string message;     // one line: what went wrong (report/ words for `evidence`)
  Evidence evidence;       // the facts, typed: the alternative for `kind`
  int thread = -1;         // the thread that failed, -1 if none did
  SourcePosition where;    // where it failed, when known
  uint64_t execution = 0;  // index of the failing execution
  uint64_t step = 0;       // step at which it failed
  int thread_count = 0;
  std::vector<TraceStep> trace;  // the interleaving, oldest first
  // Steps of a long execution left out of `trace`: it keeps the first and
  // the last steps only, and its step numbers jump over these.
  uint64_t elided_steps = 0;
  std::string token;           // full-decision form: replays exactly
  std::string seed_token;      // seed form: strategy + seed + execution
  std::string replay_command;  // the line to paste, when known
  std::string report;          // the rendered text report

  // The evidence as `E` (weft::DataRace, weft::Deadlock, ...), or null when it is another kind.
  template <typename E>
  const E* evidence_if() const {
    return std::get_if<E>(&evidence);
  }
};

}  // namespace weft
