// What weft found: the kind of bug, where, the interleaving that led to it,
// and the token that replays it.
//
//   weft::Result r = weft::explore(options, body);
//   if (r.failure) {
//     std::cerr << r.failure->report;            // the full, readable report
//     std::cerr << r.failure->token << "\n";     // paste into WEFT_REPLAY=
//   }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weft {

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
};

std::string_view failure_kind_name(FailureKind kind);

// A source position, kept as plain values so a Failure outlives the code.
struct SourcePosition {
  std::string file;
  int line = 0;
  std::string function;
  bool known() const { return line > 0; }
};

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
  std::string message;               // one line: what went wrong
  std::vector<std::string> details;  // more lines: waits, holders, cycle, accesses
  int thread = -1;                   // the thread that failed, -1 if none did
  SourcePosition where;              // where it failed, when known
  uint64_t execution = 0;            // index of the failing execution
  uint64_t step = 0;                 // step at which it failed
  int thread_count = 0;
  std::vector<TraceStep> trace;  // the interleaving, oldest first
  std::string token;             // full-decision form: replays exactly
  std::string seed_token;        // seed form: strategy + seed + execution
  std::string replay_command;    // the line to paste, when known
  std::string report;            // the rendered text report
};

}  // namespace weft
