// The in-process watchdog of weft::explore (Options::stall_timeout): one
// monitor thread per process (started with the first exploration, so that
// explorations do not create threads: that would move the addresses later
// mmaps return, which reports show) notices when one execution runs for
// longer than the timeout, which
// means the body is stuck where weft cannot schedule it (a real std::mutex, a
// spin on a plain std::atomic, blocking I/O). It then interrupts the stuck OS
// thread with a signal to take its native stack, prints a report with the
// execution's seed token and the likely cause, tells the observer, and ends
// the process: a thread stuck in a real lock cannot be unwound.
//
//   StallWatchdog watchdog(std::chrono::seconds(10), &execution, observer);
//   watchdog.execution_starting(index, token_prefix, token_suffix, {});
//   execution.run(...);
//   watchdog.execution_finished();
#pragma once

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace weft {
class ExecutionObserver;
}

namespace weft::detail {

class Execution;

class StallWatchdog {
 public:
  // No thread when `timeout` is zero.
  StallWatchdog(std::chrono::milliseconds timeout, const Execution* execution, ExecutionObserver* observer);
  ~StallWatchdog();
  StallWatchdog(const StallWatchdog&) = delete;
  StallWatchdog& operator=(const StallWatchdog&) = delete;

  // The execution's seed token is prefix + index + suffix, or `given_token`
  // when it is not empty (a replay). The strings are copied only when they
  // change.
  void execution_starting(uint64_t index, std::string_view prefix, std::string_view suffix,
                          std::string_view given_token) {
    if (!watching_) return;
    if (prefix != prefix_ || suffix != suffix_ || given_token != given_token_)
      update_token(prefix, suffix, given_token);
    index_.store(index, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);  // odd: an execution runs
  }
  void execution_finished() {
    if (watching_) generation_.fetch_add(1, std::memory_order_release);
  }

 private:
  void update_token(std::string_view prefix, std::string_view suffix, std::string_view given_token);
  friend class StallMonitor;
  // On the monitor's thread: reports (and ends the process) when the
  // execution running has not changed for the timeout.
  void check(std::chrono::steady_clock::time_point now);
  [[noreturn]] void report_stall();

  const std::chrono::milliseconds timeout_;
  const Execution* execution_;
  ExecutionObserver* observer_;
  const bool watching_;
  pthread_t explorer_thread_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> index_{0};
  std::mutex mutex_;  // guards the token strings
  std::string prefix_, suffix_, given_token_;
  // The monitor's view (its thread only): the generation last seen, since when.
  uint64_t seen_ = 0;
  std::chrono::steady_clock::time_point since_;
};

}  // namespace weft::detail
