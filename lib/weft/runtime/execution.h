// One execution of a test body: weft threads as fibers on one OS thread, and
// the controlled scheduler that decides, at every scheduling point, which one
// runs next. The primitives in sync/ are its only clients; test authors never
// touch this header.
//
// Protocol for a primitive operation, running on the current weft thread:
//
//   Execution& ex = Execution::get();
//   ex.point(Op::kLock, this, name_, loc);     // the scheduler may switch here
//   while (held_) {                            // the operation, atomically:
//     waiters_.push_back(ex.current());        // no other fiber runs until
//     ex.block(*this);                         // the next point or block
//   }
//   held_ = true;
//
// Only one fiber runs at a time, so nothing here needs a lock.
#pragma once

#include <signal.h>
#include <unwind.h>

#include <csetjmp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "weft/base/event.h"
#include "weft/base/ids.h"
#include "weft/base/op.h"
#include "weft/base/source_location.h"
#include "weft/report/failure.h"
#include "weft/runtime/decision_log.h"
#include "weft/runtime/fiber_jump.h"
#include "weft/runtime/stack_pool.h"
#include "weft/runtime/thread_fn.h"
#include "weft/runtime/trace_window.h"
#include "weft/strategy/strategy.h"

namespace weft::detail {

class HappensBefore;
class LockOrder;

inline constexpr int64_t kNoDeadline = INT64_MAX;

// An object a blocked thread waits on, as a deadlock report names it.
struct WaitedObject {
  const void* object = nullptr;
  const char* name = nullptr;
};

// Something a thread can block on. Deadlock reports ask it which threads hold
// it: the edges of the wait-for graph. (What it is comes from the blocked
// thread's pending operation.) A wait on several objects at once (a select)
// also lists them, so the report can name every one.
class Waitable {
 public:
  virtual void holders(std::vector<ThreadId>& out) const { (void)out; }
  virtual void objects(std::vector<WaitedObject>& out) const { (void)out; }

 protected:
  ~Waitable() = default;
};

enum class WakeReason : uint8_t { kWoken, kTimedOut, kSpurious, kAborted };

// Whether a scheduling point may unwind the thread when the execution is
// being aborted. Operations that destructors call (unlock, notify, release,
// join, ...) must not throw: they return, and the thread is unwound at its
// next cancellable point instead.
enum class Cancel : uint8_t { kCancellable, kNonCancellable };

// Thrown into each unfinished thread to unwind it after a failure. Not a
// std::exception, so `catch (const std::exception&)` in user code lets it by.
struct AbortExecution {};

struct ExecutionConfig {
  uint64_t max_steps = 100000;
  bool spurious_wakeups = false;
  bool detect_races = true;
  std::size_t stack_size = 256 * 1024;
};

class Execution final : public ExecutionView {
 public:
  Execution(const ExecutionConfig& config, StackPool& stacks);
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // The execution running on this OS thread. Calling a weft primitive
  // outside weft::explore is a user error reported by not_exploring().
  static Execution& get() {
    if (current_execution_ == nullptr) [[unlikely]]
      not_exploring();
    return *current_execution_;
  }
  static Execution* get_if_any() { return current_execution_; }

  // Runs `body` as thread 0 until every thread finishes or a failure aborts
  // the execution. `index` is the execution's position in the exploration.
  void run(const std::function<void()>& body, Strategy& strategy, uint64_t index);

  // ---- for primitives -----------------------------------------------------
  ThreadId current() const { return current_; }
  uint64_t step() const { return steps_; }
  int64_t now() const { return now_; }
  int thread_count() const { return thread_count_; }

  // The scheduling point before a visible operation of the current thread.
  void point(Op op, const void* object, const char* name, weft::source_location where,
             Cancel cancel = Cancel::kCancellable, uint64_t value = 0, const void* pc = nullptr);
  // The running thread goes on to wait for another object than its last
  // scheduling point named, without a point of its own (a condition
  // variable's wait reacquiring the mutex): if it blocks, deadlock reports
  // say "blocked in <op> on <object>", and its wakeup step names the object.
  void retarget_pending(Op op, const void* object, const char* name) {
    running_->pending.op = op;
    running_->pending.object = object;
    running_->pending.name = name;
  }
  // this_thread::yield: note_yield() then point(Op::kYield, ...), in one
  // frame (spin loops yield at every turn).
  void yield_point(weft::source_location where);

  // Blocks the current thread on `on` until wake(), or until `deadline`
  // (virtual ns) when it is the earliest pending deadline. `spurious` lets
  // the scheduler wake it at any time (condition variables, when enabled).
  WakeReason block(const Waitable& on, int64_t deadline = kNoDeadline, bool spurious = false,
                   Cancel cancel = Cancel::kCancellable);
  void wake(ThreadId thread);

  // Creates a thread; it runs when the scheduler picks it.
  ThreadId spawn(ThreadFn&& fn, weft::source_location where);
  bool finished(ThreadId thread) const { return threads_[thread]->status == Status::kFinished; }
  // Blocks the current thread until `thread` exits (join).
  void wait_for_exit(ThreadId thread);
  // The same until `deadline` (virtual ns) at the latest (a timed join):
  // whether `thread` exited.
  bool wait_for_exit_until(ThreadId thread, int64_t deadline);

  // Ends the running thread now, as pthread_exit does: its stack is unwound
  // to the fiber's base by a forced unwind (libgcc's, the kind glibc's
  // pthread_exit uses), so destructors run and a catch (...) on the way
  // must rethrow, and the thread then ends as if its function had returned.
  // Swallowing the unwind is reported as misuse (glibc aborts the process).
  [[noreturn]] void exit_running_thread();

  // The decisions of the token being replayed, when one is: a divergence
  // report names the one that no longer fits. Must outlive run().
  void set_replayed_decisions(std::span<const uint32_t> decisions) { replayed_ = decisions; }

  // An aborted execution unwinds its threads by throwing AbortExecution
  // from their next scheduling point. Code that must not be unwound asks
  // for its threads to be abandoned instead: weft::unmodified, whose points
  // sit in interposed pthread calls and ThreadSanitizer entry points, which
  // callers assume never throw, and whose std::thread objects terminate the
  // process if destroyed joinable. Each thread then stops for good at its
  // next point: its stack is reclaimed, the objects it owned are leaked.
  // For the current execution only.
  void abandon_on_abort() { abandon_on_abort_ = true; }

  // Runs `fn` once when this execution ends: after its threads are gone,
  // outside it (get_if_any() is null). For per-execution state kept by
  // layers above the runtime (weft::unmodified's tables of pthread objects).
  void at_end(absl::AnyInvocable<void()> fn) { at_end_.push_back(std::move(fn)); }
  // One pointer of per-execution state for a layer above the runtime, null
  // at the start of each execution. Not a thread_local of that layer: with
  // per-thread TLS (thread_storage.h) each weft thread sees its own.
  void*& layer_state() { return layer_state_; }
  // One object a layer above the runtime keeps across the executions of
  // this Execution (an exploration), to reuse what the previous execution
  // allocated: weft::unmodified keeps its tables there, emptied at each
  // execution's end. Null until the layer sets it; destroyed with the
  // Execution.
  std::shared_ptr<void>& layer_cache() { return layer_cache_; }

  // The thread pointer `thread` runs on (its pthread_t, for glibc), or 0
  // when the threads share the OS thread's TLS (no ThreadStorage installed).
  uintptr_t thread_pointer(ThreadId thread) const { return threads_[thread]->thread_pointer; }

  // A controlled nondeterministic choice in [0, n), recorded like a switch.
  uint32_t choose(uint32_t n, weft::source_location where);

  // The current thread yields or sleeps: evidence of a spin loop, which PCT
  // answers by demoting it.
  void note_yield() { strategy_->thread_spinning(current_); }
  // The current thread's operation at this step did not take effect (a
  // failed try_lock, CAS, try_acquire, try_recv, ...; an RMW that wrote the
  // value that was there, which only read it): marks the step, and
  // tells the strategy the thread spins if it failed the same operation on
  // the same object before, with no write to the object by another thread
  // and no write at all by itself in between: it waits for another thread.
  // A single failure is no evidence: a CAS that reads a value
  // (compare_exchange(expected = 0, 0)) fails without any loop around it.
  void note_failed_attempt();

  bool spurious_wakeups() const { return config_.spurious_wakeups; }
  bool aborting() const { return aborting_; }
  HappensBefore* races() { return races_; }
  void set_race_detector(HappensBefore* detector) { races_ = detector; }
  LockOrder* lock_order() { return lock_order_; }
  void set_lock_order_detector(LockOrder* detector) { lock_order_ = detector; }

  // Reports a failure of the current thread, with its evidence, and unwinds
  // the execution. Returns only in non-cancellable contexts (destructors):
  // then the thread goes on until its next cancellable point.
  void fail(Evidence evidence, weft::source_location where, Cancel cancel = Cancel::kCancellable);
  // Like fail(), with extra steps to highlight in the trace.
  void fail_highlighting(Evidence evidence, weft::source_location where, std::vector<uint64_t> highlight_steps,
                         Cancel cancel = Cancel::kCancellable);
  // Builds the failure of the current thread at this step, as fail() would,
  // but lets the execution go on: data races recorded when
  // Options::stop_on_race is false. finish_failure fills in the token later.
  Failure describe_failure(Evidence evidence, weft::source_location where, std::vector<uint64_t> highlight_steps) const;

  // The label the interleaving gives `object` ("balance", "var#2"), or "".
  std::string object_label(const void* object) const;

  // ---- for strategies (ExecutionView) --------------------------------------
  const RawEvent& pending(ThreadId thread) const override { return threads_[thread]->pending; }
  // A window of the steps (trace_window.h); every one goes to a strategy
  // that wants_steps() through step_taken.
  std::span<const RawEvent> steps() const override { return trace_.kept(); }
  int threads() const override { return thread_count_; }
  bool blocked(ThreadId thread) const override { return threads_[thread]->status == Status::kBlocked; }

  // ---- for the explorer ---------------------------------------------------
  const std::optional<Failure>& failure() const { return failure_; }
  std::optional<Failure> take_failure() { return std::move(failure_); }
  const DecisionLog& decisions() const { return decisions_; }
  uint64_t choice_points() const { return choice_points_; }
  // Called when a guard page is hit (see failure_signals.h). Async-signal-safe.
  [[noreturn]] void on_stack_overflow_signal();
  // Called for a fatal signal when crashes are reported as failures (see
  // failure_signals.h): the running thread is lost as on a stack overflow,
  // and the execution fails with Crash evidence. Async-signal-safe.
  [[noreturn]] void on_crash_signal(int signal);
  // True while a weft thread's code runs (not the OS thread's own context).
  bool in_weft_thread() const { return running_ != nullptr && running_ != &main_; }
  // True when `address` is in the guard region of a running fiber's stack.
  bool is_guard_address(const void* address) const { return stacks_.is_guard_address(address); }
  // Hook for the failure builder: fills the token fields of a failure.
  std::function<void(Failure&)> finish_failure;

 private:
  enum class Status : uint8_t { kRunnable, kBlocked, kFinished };

  struct ExitWaitable final : Waitable {
    ThreadId thread = 0;
    void holders(std::vector<ThreadId>& out) const override { out.push_back(thread); }
  };

  struct Thread {
    // Where the thread resumes when switched to: null while it runs, and
    // for a thread never given a fiber (or whose fiber a stack overflow lost).
    FiberContext context = nullptr;
    ThreadId id = 0;
    ThreadFn fn;
    Status status = Status::kRunnable;
    const Waitable* waiting_on = nullptr;
    int64_t deadline = kNoDeadline;
    bool spurious_ok = false;
    WakeReason wake_reason = WakeReason::kWoken;
    ExitWaitable exit;
    std::vector<ThreadId> joiners;
    RawEvent pending{};  // the operation it performs when next picked
    // The operation it last blocked in: a thread woken (pending.op becomes
    // kWakeup) that blocks again without a new point, e.g. after losing the
    // race for a mutex, is still blocked in that operation.
    Op blocked_in = Op::kStart;
    weft::source_location created_at;
    // Stack bounds, for the sanitizers' fiber-switch annotations.
    const void* stack_bottom = nullptr;
    std::size_t stack_size = 0;
    void* stack_top = nullptr;
    bool abandoned = false;  // stopped for good by an abort (abandon_on_abort)
    // Its TLS (thread_storage.h); 0: the OS thread's. Kept for the thread
    // record's life, so thread i has the same TLS in every execution.
    uintptr_t thread_pointer = 0;
    // exit_running_thread()'s unwind, which must outlive the frames it
    // unwinds, and whether it reached the thread's base.
    _Unwind_Exception exit_unwind{};
    bool exit_reached_base = false;
  };

  [[noreturn]] static void not_exploring();

  void reset();
  // Picks the thread that runs next among the enabled ones (main_ when the
  // execution is over or failed). Called by the current thread at a point,
  // when it blocks, and when it exits.
  Thread* pick_next();
  // pick_next's body, inlined into point(): the step every operation pays.
  [[gnu::always_inline]] inline Thread* pick_next_inline();
  [[gnu::always_inline]] inline void point_inline(Op op, const void* object, const char* name,
                                                  weft::source_location where, Cancel cancel, uint64_t value,
                                                  const void* pc);
  std::span<const ThreadId> collect_enabled();
  // pick_next's rare paths, out of line so the hot path keeps a small frame.
  [[gnu::noinline]] std::span<const ThreadId> collect_enabled_with_wakeable();
  [[gnu::noinline]] Thread* finish_or_deadlock();
  [[gnu::noinline, gnu::cold]] Thread* replay_diverged();
  // The evidence of a replay that no longer fits, at this step.
  ReplayDivergence divergence(ReplayDivergence::Choice choice) const;
  [[gnu::noinline]] void wake_by_scheduler(ThreadId chosen);
  [[gnu::noinline, gnu::cold]] Thread* livelock();
  void switch_to(Thread& next);
  // The current thread meets a scheduling point while the execution aborts.
  void abort_point(Cancel cancel);
  void resume_aborted_threads();
  // abandon_on_abort(): the running thread stops for good (never returns).
  void abandon_running();
  // Gives the stacks of the abandoned threads back to the pool.
  void reclaim_abandoned_threads();
  void handle_stack_overflow();
  void make_runnable(ThreadId t);
  void make_not_runnable(ThreadId t);
  // A new fiber starts here, and never returns: thread_main leaves for good
  // by a jump. It is deliberately not [[noreturn]] (nor provably so): ASan
  // precedes calls to no-return functions with __asan_handle_no_return,
  // which fails on a fiber's fresh stack.
  static void fiber_entry(FiberTransfer from);
  void thread_main();
  // One thread's life on its fiber: the body, its exit step, waking joiners.
  void run_thread(Thread& self, ThreadId id);
  // exit_running_thread()'s unwinding: it goes on to the thread's base (the
  // catch in run_thread); the cleanup runs when a catch ends it, which is
  // misuse anywhere but there.
  static _Unwind_Reason_Code exit_unwind_stop(int version, _Unwind_Action actions, _Unwind_Exception_Class,
                                              _Unwind_Exception*, _Unwind_Context*, void*);
  static void exit_unwind_cleanup(_Unwind_Reason_Code reason, _Unwind_Exception* unwind);
  void record_failure(Evidence evidence, const weft::source_location* where, std::vector<uint64_t> highlight_steps);
  Failure make_failure(Evidence evidence, const weft::source_location* where,
                       std::vector<uint64_t> highlight_steps) const;
  bool repeats_failed_attempt(const RawEvent& attempt) const;
  void record_deadlock();
  void record_livelock();
  // Records the step the chosen thread takes now; the one before it is final.
  [[gnu::always_inline]] inline void record_step(const RawEvent& step);
  // Gives the last step to a strategy that wants_steps(), if not yet given.
  void feed_last_step() {
    if (fed_ < steps_) {
      strategy_->step_taken(trace_.back());
      fed_ = steps_;
    }
  }

  ExecutionConfig config_;
  StackPool& stacks_;
  Strategy* strategy_ = nullptr;
  HappensBefore* races_ = nullptr;
  LockOrder* lock_order_ = nullptr;
  uint64_t index_ = 0;

  // Thread records are reused across executions; thread_count_ are live.
  std::vector<std::unique_ptr<Thread>> threads_;
  int thread_count_ = 0;
  Thread main_;                // the OS thread's own context
  Thread* running_ = nullptr;  // whose code runs now (threads_ entry or main_)
  Thread* switched_from_ = nullptr;
  ThreadId current_ = kNoThread;

  std::vector<ThreadId> runnable_;  // sorted
  std::vector<ThreadId> enabled_;   // scratch for collect_enabled()
  int wakeable_blocked_ = 0;        // blocked threads with a deadline or spurious_ok

  uint64_t steps_ = 0;
  uint64_t choice_points_ = 0;
  int64_t now_ = 0;
  DecisionLog decisions_;
  std::span<const uint32_t> replayed_;
  TraceWindow trace_;
  bool feeds_steps_ = false;  // the strategy wants_steps()
  uint64_t fed_ = 0;          // steps given to it so far

  bool aborting_ = false;
  bool retiring_ = false;           // ~Execution: parked thread fibers return
  ThreadId unwinding_ = kNoThread;  // the thread main is unwinding now
  ThreadId lost_thread_ = kNoThread;
  int crash_signal_ = 0;  // the signal that lost lost_thread_; 0 for a stack overflow
  std::optional<Failure> failure_;
  std::vector<absl::AnyInvocable<void()>> at_end_;
  bool abandon_on_abort_ = false;
  void* layer_state_ = nullptr;
  std::shared_ptr<void> layer_cache_;
  sigjmp_buf overflow_jump_;
  // The signal mask to restore after a stack overflow: saved once, because
  // sigsetjmp(..., 1) would cost a system call in every execution.
  sigset_t signal_mask_;

  // constinit: other translation units read it without a TLS-wrapper call.
  static constinit thread_local Execution* current_execution_;
  friend struct ExecutionAccess;
};

}  // namespace weft::detail
