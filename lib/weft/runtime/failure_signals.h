// Signal handling while weft explores: a stack overflow on a guard page
// becomes a kStackOverflow failure; any other crash prints the schedule
// token of the execution that crashed before the process dies, so the
// failure is never lost (the most reported pain with peer tools).
#pragma once

#include <signal.h>

#include <cstdint>
#include <string_view>

namespace weft::detail {

class Execution;
void crash_handler(int signal, siginfo_t* info, void* context);

class FailureSignals {
 public:
  explicit FailureSignals(Execution* execution);
  ~FailureSignals();
  FailureSignals(const FailureSignals&) = delete;
  FailureSignals& operator=(const FailureSignals&) = delete;

  // What to print if the process crashes: `before` + the index of the
  // execution running + `after` (the seed token is split around the index,
  // so the per-execution cost is one store). Copied into fixed buffers.
  static void set_crash_note(std::string_view before, std::string_view after);
  static void set_crash_execution(uint64_t index) { crash_execution_ = index; }
  // When true, a fatal signal on a weft thread fails the execution with
  // Crash evidence (its interleaving so far) instead of ending the process.
  // Only for a process that replays one crashing schedule and then exits
  // (the weft tool's crash replay): the crashed thread's state is abandoned,
  // and memory may be corrupt.
  static void set_crashes_are_failures(bool on) { crashes_are_failures_ = on; }

 private:
  static inline volatile uint64_t crash_execution_ = 0;
  static inline volatile bool crashes_are_failures_ = false;
  friend void crash_handler(int, siginfo_t*, void*);
};

}  // namespace weft::detail
