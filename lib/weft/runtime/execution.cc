#include "weft/runtime/execution.h"

#include <cxxabi.h>

#include <algorithm>
#include <boost/core/demangle.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <tuple>
#include <typeinfo>

#include "absl/container/flat_hash_map.h"
#include "weft/detect/happens_before.h"
#include "weft/report/describe.h"
#include "weft/report/symbolize.h"
#include "weft/report/trace.h"
#include "weft/runtime/debugger_hook.h"
#include "weft/runtime/sanitizer_fibers.h"
#include "weft/runtime/thread_storage.h"
#include "weft/strategy/conflict.h"

namespace weft::detail {

constinit thread_local Execution* Execution::current_execution_ = nullptr;

namespace {

// Follows each blocked thread's first holder until a thread repeats. Returns
// the cycle with its first thread repeated at the end, or nothing.
std::vector<ThreadId> find_wait_cycle(const absl::flat_hash_map<ThreadId, std::vector<ThreadId>>& waits_for) {
  std::vector<ThreadId> starts;
  for (const auto& [thread, holders] : waits_for) starts.push_back(thread);
  std::sort(starts.begin(), starts.end());  // deterministic reports
  for (ThreadId start : starts) {
    std::vector<ThreadId> path;
    ThreadId at = start;
    while (true) {
      if (auto seen = std::find(path.begin(), path.end(), at); seen != path.end()) {
        std::vector<ThreadId> cycle(seen, path.end());
        cycle.push_back(at);
        return cycle;
      }
      path.push_back(at);
      auto it = waits_for.find(at);
      if (it == waits_for.end() || it->second.empty()) break;
      at = it->second.front();
    }
  }
  return {};
}

}  // namespace

void Execution::not_exploring() {
  std::fputs(
      "weft: a weft primitive was used outside weft::explore (or WEFT_TEST), or from a thread weft does not "
      "control (a std::thread started by the test body). weft::thread, weft::mutex, weft::var and the rest only "
      "work on weft threads inside a test body that weft runs: start threads with weft::thread.\n",
      stderr);
  std::abort();
}

inline void Execution::record_step(const RawEvent& step) {
  if (feeds_steps_) [[unlikely]]
    feed_last_step();
  trace_.push_back(step);
  ++steps_;
}

Execution::Execution(const ExecutionConfig& config, StackPool& stacks) : config_(config), stacks_(stacks) {
  pthread_sigmask(SIG_SETMASK, nullptr, &signal_mask_);
}

Execution::~Execution() {
  // A finished thread's fiber stays parked for the next execution's thread
  // with the same id (see thread_main). Let each one return now, through
  // Boost.Context's normal exit, so its stack goes back to the pool.
  // A thread that did not finish (an execution left by an exception) is
  // never resumed: its stack is leaked rather than run on.
  retiring_ = true;
  for (std::unique_ptr<Thread>& t : threads_) {
    if (t->context == nullptr || t->status != Status::kFinished) continue;
    running_ = &main_;
    switch_to(*t);
    t->context = nullptr;  // its last words: a context that must not be resumed
    boost::context::stack_context stack{.size = t->stack_size, .sp = t->stack_top};
    stacks_.deallocate(stack);
  }
  if (ThreadStorage* storage = thread_storage()) {
    for (std::unique_ptr<Thread>& t : threads_) {
      if (t->thread_pointer != 0) storage->release(t->thread_pointer);
    }
  }
}

void Execution::reset() {
  for (int i = 0; i < thread_count_; ++i) {
    Thread& t = *threads_[i];
    t.fn = nullptr;
    t.joiners.clear();
  }
  thread_count_ = 0;
  runnable_.clear();
  wakeable_blocked_ = 0;
  steps_ = 0;
  choice_points_ = 0;
  now_ = 0;
  decisions_.clear();
  fed_ = 0;
  aborting_ = false;
  unwinding_ = kNoThread;
  lost_thread_ = kNoThread;
  crash_signal_ = 0;
  abandon_on_abort_ = false;
  layer_state_ = nullptr;
  failure_.reset();
  current_ = kNoThread;
}

void Execution::run(const std::function<void()>& body, Strategy& strategy, uint64_t index) {
  reset();
  strategy_ = &strategy;
  strategy.attach(*this);
  trace_.start();
  feeds_steps_ = strategy.wants_steps();
  index_ = index;
  current_execution_ = this;
  running_ = &main_;
  if (thread_storage() != nullptr) main_.thread_pointer = current_thread_pointer();
  spawn([&body] { body(); }, {});
  if (sigsetjmp(overflow_jump_, 0) == 0) {
    current_ = 0;
    Thread& first = *threads_[0];
    record_step(first.pending);
    switch_to(first);
  } else {
    handle_stack_overflow();
  }
  if (aborting_) resume_aborted_threads();
  if (abandon_on_abort_) reclaim_abandoned_threads();
  if (feeds_steps_) feed_last_step();
  current_execution_ = nullptr;
  strategy_ = nullptr;
  for (absl::AnyInvocable<void()>& fn : std::exchange(at_end_, {})) fn();
}

void Execution::switch_to(Thread& next) {
  Thread* self = running_;
  running_ = &next;
  switched_from_ = self;
  void* fake_stack = nullptr;
  start_fiber_switch(&fake_stack, next.stack_bottom, next.stack_size);
  // From here to the jump nothing reads TLS.
  if (next.thread_pointer != self->thread_pointer) set_thread_pointer(next.thread_pointer);
  const FiberTransfer from = jump_to(std::exchange(next.context, nullptr), this);
  // Back in `self`: whoever switched here left its continuation in `from`.
  const void* bottom = nullptr;
  std::size_t size = 0;
  finish_fiber_switch(fake_stack, &bottom, &size);
  if (switched_from_ == &main_ && bottom != nullptr) {
    main_.stack_bottom = bottom;
    main_.stack_size = size;
  }
  switched_from_->context = from.fctx;
}

void Execution::fiber_entry(FiberTransfer from) {
  Execution& ex = *static_cast<Execution*>(from.data);
  const void* bottom = nullptr;
  std::size_t size = 0;
  finish_fiber_switch(nullptr, &bottom, &size);
  if (ex.switched_from_ == &ex.main_ && bottom != nullptr) {
    ex.main_.stack_bottom = bottom;
    ex.main_.stack_size = size;
  }
  ex.switched_from_->context = from.fctx;
  ex.thread_main();
}

void Execution::thread_main() {
  Thread& self = *running_;
  const ThreadId id = self.id;
  // One fiber serves thread `id` of every execution: creating a fiber per
  // thread per execution (a pooled stack, make_fcontext, a round trip to
  // start it, a trip to free it) cost more than a short thread's body.
  while (!retiring_) {
    run_thread(self, id);
    // Parked: spawn() of the next thread with this id resumes it here.
    switch_to(aborting_ ? main_ : *pick_next());
  }
  // Retired by ~Execution: leave for good; main frees the stack.
  running_ = &main_;
  switched_from_ = &self;
  start_fiber_switch(nullptr, main_.stack_bottom, main_.stack_size);
  if (main_.thread_pointer != self.thread_pointer) set_thread_pointer(main_.thread_pointer);
  jump_to(std::exchange(main_.context, nullptr), this);
  // Not reached; no __builtin_unreachable() either (see fiber_entry).
}

void Execution::run_thread(Thread& self, ThreadId id) {
  if (self.thread_pointer != 0) {
    // A thread of its own: fresh TLS, then the runtime's own thread-local
    // state, which lives in it too.
    thread_storage()->thread_starting();
    current_execution_ = this;
  }
  if (!aborting_) {
    try {
      self.fn();
    } catch (const AbortExecution&) {
    } catch (const abi::__forced_unwind&) {
      // exit_running_thread() ends here: the thread ends as if its function
      // had returned.
      self.exit_reached_base = true;
    } catch (const std::exception& e) {
      if (!aborting_) {
        record_failure(UncaughtException{.thread = id,
                                         .type = boost::core::demangle(typeid(e).name()),
                                         .is_std_exception = true,
                                         .what = e.what()},
                       nullptr, {});
      }
    } catch (...) {
      // Boost.Context unwinds fibers it destroys with forced_unwind; weft
      // never destroys a suspended fiber, but never swallow it either.
      if (!aborting_) {
        const std::type_info* type = abi::__cxa_current_exception_type();
        record_failure(
            UncaughtException{.thread = id, .type = type != nullptr ? boost::core::demangle(type->name()) : ""},
            nullptr, {});
      }
    }
  }
  // The thread's captured state dies with the thread, as with std::thread.
  try {
    self.fn = nullptr;
  } catch (const AbortExecution&) {
  }
  self.exit_reached_base = false;
  if (self.thread_pointer != 0 && !aborting_) {
    // Then what glibc runs at a thread's end (thread_local and pthread_key
    // destructors), still on the thread's own TLS.
    try {
      thread_storage()->thread_finishing();
    } catch (const AbortExecution&) {
    }
  }
  if (!aborting_) point(Op::kExit, nullptr, nullptr, self.created_at, Cancel::kNonCancellable);

  self.status = Status::kFinished;
  std::erase(runnable_, id);
  if (races_ != nullptr) races_->thread_exit(id);
  for (ThreadId joiner : self.joiners) wake(joiner);
  self.joiners.clear();
}

ThreadId Execution::spawn(ThreadFn&& fn, weft::source_location where) {
  const ThreadId id = thread_count_++;
  if (static_cast<size_t>(id) == threads_.size()) threads_.push_back(std::make_unique<Thread>());
  Thread& t = *threads_[id];
  t.fn = std::move(fn);
  t.status = Status::kRunnable;
  t.waiting_on = nullptr;
  t.deadline = kNoDeadline;
  t.spurious_ok = false;
  t.wake_reason = WakeReason::kWoken;
  t.exit.thread = id;
  t.created_at = where;
  t.pending = RawEvent{.thread = id, .op = Op::kStart, .where = where};
  t.id = id;
  if (t.thread_pointer == 0) {
    if (ThreadStorage* storage = thread_storage()) t.thread_pointer = storage->acquire(id);
  }
  if (t.context == nullptr) {  // else: the fiber parked by thread `id` of an earlier execution
    const boost::context::stack_context stack = stacks_.allocate();
    t.context = boost::context::detail::make_fcontext(stack.sp, stack.size, &Execution::fiber_entry);
    t.stack_top = stack.sp;
    t.stack_size = stack.size;
    t.stack_bottom = static_cast<char*>(stack.sp) - stack.size;
  }
  runnable_.push_back(id);  // ids only grow: runnable_ stays sorted
  if (strategy_ != nullptr) strategy_->thread_created(id, current_);
  if (races_ != nullptr) races_->thread_start(current_, id);
  if (aborting_) {
    // Never runs: the execution is being unwound.
    t.status = Status::kFinished;
    runnable_.pop_back();
  }
  return id;
}

inline std::span<const ThreadId> Execution::collect_enabled() {
  if (wakeable_blocked_ == 0) [[likely]]
    return runnable_;
  return collect_enabled_with_wakeable();
}

std::span<const ThreadId> Execution::collect_enabled_with_wakeable() {
  // Blocked threads that may wake on their own: a spurious wakeup, or the
  // earliest pending deadline (timeouts fire in deadline order).
  int64_t earliest = kNoDeadline;
  for (int i = 0; i < thread_count_; ++i) {
    const Thread& t = *threads_[i];
    if (t.status == Status::kBlocked) earliest = std::min(earliest, t.deadline);
  }
  enabled_.assign(runnable_.begin(), runnable_.end());
  for (int i = 0; i < thread_count_; ++i) {
    const Thread& t = *threads_[i];
    if (t.status == Status::kBlocked && (t.spurious_ok || (t.deadline != kNoDeadline && t.deadline == earliest))) {
      enabled_.push_back(i);
    }
  }
  std::sort(enabled_.begin(), enabled_.end());
  return enabled_;
}

Execution::Thread* Execution::finish_or_deadlock() {
  for (int i = 0; i < thread_count_; ++i) {
    if (threads_[i]->status != Status::kFinished) {
      record_deadlock();
      return &main_;
    }
  }
  return &main_;  // every thread finished: the execution is complete
}

ReplayDivergence Execution::divergence(ReplayDivergence::Choice choice) const {
  ReplayDivergence d{.step = steps_, .choice = choice, .decision = decisions_.size(), .recorded = replayed_.size()};
  if (d.decision < replayed_.size()) d.expected = replayed_[d.decision];
  return d;
}

Execution::Thread* Execution::replay_diverged() {
  ReplayDivergence d = divergence(ReplayDivergence::Choice::kThread);
  const std::span<const ThreadId> enabled = collect_enabled();
  d.enabled.assign(enabled.begin(), enabled.end());
  record_failure(std::move(d), nullptr, {});
  return &main_;
}

void Execution::wake_by_scheduler(ThreadId chosen) {
  // Woken by the scheduler itself: a timeout, or a spurious wakeup.
  Thread& t = *threads_[chosen];
  const bool timed_out = t.deadline != kNoDeadline && (!t.spurious_ok || t.deadline <= now_);
  if (timed_out) now_ = std::max(now_, t.deadline);
  wake(chosen);
  t.wake_reason = timed_out ? WakeReason::kTimedOut : WakeReason::kSpurious;
  // A spurious wakeup is followed by a re-check and a new wait, like a
  // spin: demote the thread, or PCT picks it again forever.
  if (!timed_out && strategy_ != nullptr) strategy_->thread_spinning(chosen);
}

Execution::Thread* Execution::livelock() {
  record_livelock();
  return &main_;
}

inline Execution::Thread* Execution::pick_next_inline() {
  const std::span<const ThreadId> enabled = collect_enabled();
  if (enabled.empty()) [[unlikely]]
    return finish_or_deadlock();
  if (steps_ >= config_.max_steps) [[unlikely]]
    return livelock();
  ThreadId chosen = enabled[0];
  if (enabled.size() > 1) {
    ++choice_points_;
    if (feeds_steps_) feed_last_step();
    chosen = strategy_->pick_thread(enabled, current_);
    if (chosen == kNoThread) [[unlikely]]
      return replay_diverged();
    decisions_.push_back(static_cast<uint32_t>(chosen));
  }
  Thread& t = *threads_[chosen];
  if (t.status == Status::kBlocked) [[unlikely]]
    wake_by_scheduler(chosen);
  const bool preempted = chosen != current_ && current_ != kNoThread && threads_[current_]->status == Status::kRunnable;
  record_step(t.pending);
  // Marked on the copy: a byte store into t.pending right before the copy
  // reads it defeats store-to-load forwarding (a stall in every step).
  trace_.back().preempted = preempted;
  current_ = chosen;
  return &t;
}

Execution::Thread* Execution::pick_next() { return pick_next_inline(); }

inline void Execution::point_inline(Op op, const void* object, const char* name, weft::source_location where,
                                    Cancel cancel, uint64_t value, const void* pc) {
  if (aborting_) [[unlikely]] {
    abort_point(cancel);
    return;
  }
  running_->pending = RawEvent{current_, op, false, false, object, name, value, where, pc};
  Thread* next = pick_next_inline();
  if (next != running_) switch_to(*next);
  if (aborting_) [[unlikely]]
    abort_point(cancel);
}

void Execution::point(Op op, const void* object, const char* name, weft::source_location where, Cancel cancel,
                      uint64_t value, const void* pc) {
  point_inline(op, object, name, where, cancel, value, pc);
}

void Execution::yield_point(weft::source_location where) {
  note_yield();
  point_inline(Op::kYield, nullptr, nullptr, where, Cancel::kCancellable, 0, nullptr);
}

void Execution::note_failed_attempt() {
  // The attempt is the last step: the thread runs its operation right after
  // its scheduling point, before anyone else's.
  if (aborting_ || trace_.empty() || trace_.back().thread != current_) return;
  RawEvent& attempt = trace_.back();
  attempt.failed = true;
  if (repeats_failed_attempt(attempt)) strategy_->thread_spinning(current_);
}

bool Execution::repeats_failed_attempt(const RawEvent& attempt) const {
  // Under PCT a spinner runs alone, so its attempts are close; further back
  // than this, treat the attempt as a first one (and keep the cost bounded).
  constexpr size_t kLookBack = 512;
  static_assert(kLookBack < TraceWindow::kTail);
  const std::span<const RawEvent> recent = trace_.last(kLookBack + 1);
  for (size_t i = recent.size() - 1; i-- > 0;) {
    const RawEvent& e = recent[i];
    const bool wrote = changes_object(e);
    if (e.thread == attempt.thread) {
      if (e.object == attempt.object && e.op == attempt.op && e.failed) return true;
      if (wrote) return false;  // the thread changed something itself: progress, not a spin
    } else if (e.object == attempt.object && wrote) {
      return false;  // another thread changed the object: the next attempt may succeed
    }
  }
  return false;
}

void Execution::abort_point(Cancel cancel) {
  if (abandon_on_abort_) [[unlikely]]
    abandon_running();
  if (cancel == Cancel::kNonCancellable || std::uncaught_exceptions() > 0) return;
  // Threads unwind one at a time, newest first, under main's control: a
  // thread's objects may be referenced by the threads it started.
  if (unwinding_ != current_) switch_to(main_);
  throw AbortExecution{};
}

WakeReason Execution::block(const Waitable& on, int64_t deadline, bool spurious, Cancel cancel) {
  if (aborting_) [[unlikely]] {
    abort_point(cancel);
    return WakeReason::kAborted;
  }
  Thread& self = *running_;
  if (self.pending.op == Op::kWakeup) {
    self.pending.op = self.blocked_in;  // deadlock reports describe it by pending
  } else {
    self.blocked_in = self.pending.op;
  }
  self.status = Status::kBlocked;
  self.waiting_on = &on;
  self.deadline = deadline;
  self.spurious_ok = spurious;
  if (deadline != kNoDeadline || spurious) ++wakeable_blocked_;
  std::erase(runnable_, current_);
  Thread* next = pick_next();
  if (next != running_) switch_to(*next);
  if (aborting_) [[unlikely]] {
    abort_point(cancel);
    return WakeReason::kAborted;
  }
  return self.wake_reason;
}

void Execution::wake(ThreadId thread) {
  Thread& t = *threads_[thread];
  if (t.status != Status::kBlocked) return;
  if (t.deadline != kNoDeadline || t.spurious_ok) --wakeable_blocked_;
  t.status = Status::kRunnable;
  t.waiting_on = nullptr;
  t.deadline = kNoDeadline;
  t.spurious_ok = false;
  t.wake_reason = WakeReason::kWoken;
  t.pending.op = Op::kWakeup;
  runnable_.insert(std::lower_bound(runnable_.begin(), runnable_.end(), thread), thread);
}

void Execution::exit_running_thread() {
  Thread& self = *running_;
  self.exit_reached_base = false;
  self.exit_unwind = {};
  // "WEFTEXIT": a foreign exception class, as glibc's forced unwind has its own.
  self.exit_unwind.exception_class = 0x5745465445584954;
  self.exit_unwind.exception_cleanup = &Execution::exit_unwind_cleanup;
  _Unwind_ForcedUnwind(&self.exit_unwind, &Execution::exit_unwind_stop, nullptr);
  // Returns only when the unwinder cannot even start.
  std::fputs("weft: cannot unwind the thread that exits (no unwind information)\n", stderr);
  std::abort();
}

_Unwind_Reason_Code Execution::exit_unwind_stop(int, _Unwind_Action actions, _Unwind_Exception_Class,
                                                _Unwind_Exception*, _Unwind_Context*, void*) {
  // Every frame runs its cleanups and catch (...) blocks; run_thread's
  // catch ends the unwinding, so the end of the stack is never reached.
  if ((actions & _UA_END_OF_STACK) != 0) {
    std::fputs("weft: a thread's exit unwound past the base of its fiber\n", stderr);
    std::abort();
  }
  return _URC_NO_REASON;
}

void Execution::exit_unwind_cleanup(_Unwind_Reason_Code, _Unwind_Exception*) {
  Execution& ex = get();
  if (ex.running_->exit_reached_base) return;
  // A catch (...) in the thread's code ended the unwinding without
  // rethrowing it: glibc prints "FATAL: exception not rethrown" and aborts.
  // The thread goes on until its next scheduling point.
  ex.fail(Misuse{.rule = MisuseRule::kExitUnwindSwallowed, .object_type = "thread", .thread = ex.current_}, {},
          Cancel::kNonCancellable);
}

void Execution::wait_for_exit(ThreadId thread) { wait_for_exit_until(thread, kNoDeadline); }

bool Execution::wait_for_exit_until(ThreadId thread, int64_t deadline) {
  while (!finished(thread)) {
    std::vector<ThreadId>& joiners = threads_[thread]->joiners;
    joiners.push_back(current_);
    const WakeReason why = block(threads_[thread]->exit, deadline, false, Cancel::kNonCancellable);
    if (why == WakeReason::kAborted) return false;
    if (why == WakeReason::kTimedOut) {
      // No longer a joiner: the exit must not wake whatever it waits on next.
      std::erase(joiners, current_);
      return finished(thread);
    }
  }
  return true;
}

uint32_t Execution::choose(uint32_t n, weft::source_location where) {
  if (aborting_ || n <= 1) return 0;
  const uint32_t value = strategy_->pick_value(n);
  if (value >= n) [[unlikely]] {
    ReplayDivergence d = divergence(ReplayDivergence::Choice::kValue);
    d.choices = n;
    record_failure(std::move(d), &where, {});
    abort_point(Cancel::kCancellable);
    return 0;
  }
  decisions_.push_back(value);
  record_step(RawEvent{current_, Op::kChoose, false, false, nullptr, nullptr, value, where});
  return value;
}

void Execution::fail(Evidence evidence, weft::source_location where, Cancel cancel) {
  if (!aborting_) record_failure(std::move(evidence), &where, {});
  abort_point(cancel);
}

void Execution::fail_highlighting(Evidence evidence, weft::source_location where, std::vector<uint64_t> highlight_steps,
                                  Cancel cancel) {
  if (!aborting_) record_failure(std::move(evidence), &where, std::move(highlight_steps));
  abort_point(cancel);
}

void Execution::record_failure(Evidence evidence, const weft::source_location* where,
                               std::vector<uint64_t> highlight_steps) {
  aborting_ = true;
  failure_ = make_failure(std::move(evidence), where, std::move(highlight_steps));
  // Token and report now, before anything unwinds.
  if (finish_failure) finish_failure(*failure_);
  weft_failure_raised();
}

Failure Execution::describe_failure(Evidence evidence, weft::source_location where,
                                    std::vector<uint64_t> highlight_steps) const {
  return make_failure(std::move(evidence), &where, std::move(highlight_steps));
}

Failure Execution::make_failure(Evidence evidence, const weft::source_location* where,
                                std::vector<uint64_t> highlight_steps) const {
  Failure f;
  set_evidence(f, std::move(evidence));
  f.thread = current_;
  if (where != nullptr) f.where = to_position(*where);
  f.execution = index_;
  f.step = steps_;
  f.thread_count = thread_count_;
  const TraceExcerpt shown = trace_.excerpt();
  f.trace = to_trace_steps(shown, highlight_steps);
  f.elided_steps = shown.elided;
  return f;
}

std::string Execution::object_label(const void* object) const {
  ObjectLabels labels;
  const TraceExcerpt shown = trace_.excerpt();
  for (std::span<const RawEvent> part : {shown.head, shown.tail}) {
    for (const RawEvent& e : part) {
      std::string label = labels.label(e);
      if (e.object == object && !label.empty() && label != "?") return label;
    }
  }
  return {};
}

void Execution::record_deadlock() {
  ObjectLabels labels;
  // Label objects the way the trace does, so the report reads as one text.
  label_all(labels, trace_.excerpt());
  Deadlock deadlock;
  absl::flat_hash_map<ThreadId, std::vector<ThreadId>> waits_for;
  for (int i = 0; i < thread_count_; ++i) {
    const Thread& t = *threads_[i];
    if (t.status != Status::kBlocked) continue;
    BlockedThread& b = deadlock.blocked.emplace_back();
    b.thread = i;
    b.operation = op_name(t.pending.op == Op::kWakeup ? Op::kWait : t.pending.op);
    if (t.pending.op != Op::kJoin && t.pending.object != nullptr) {
      b.object = {t.pending.name != nullptr ? t.pending.name : "", labels.label(t.pending)};
    }
    b.site = resolve_site(t.pending.where, t.pending.pc);
    if (t.waiting_on != nullptr) {
      t.waiting_on->holders(b.holders);
      std::vector<WaitedObject> waited;
      t.waiting_on->objects(waited);
      for (const WaitedObject& w : waited) {
        RawEvent as_step = t.pending;
        as_step.object = w.object;
        as_step.name = w.name;
        b.objects.push_back({w.name != nullptr ? w.name : "", labels.label(as_step)});
      }
    }
    waits_for[i] = b.holders;
  }
  deadlock.cycle = find_wait_cycle(waits_for);
  const ThreadId keep = current_;
  current_ = kNoThread;  // no single thread failed
  record_failure(std::move(deadlock), nullptr, {});
  current_ = keep;
}

void Execution::record_livelock() {
  // What each unfinished thread kept doing in the last steps.
  constexpr size_t kWindow = 2000;
  static_assert(kWindow <= TraceWindow::kTail);
  ObjectLabels labels;
  label_all(labels, trace_.excerpt());
  const std::span<const RawEvent> recent = trace_.last(kWindow);
  Livelock livelock{.max_steps = config_.max_steps, .window = recent.size()};
  for (int i = 0; i < thread_count_; ++i) {
    if (threads_[i]->status == Status::kFinished) continue;
    LivelockThread& thread = livelock.threads.emplace_back();
    thread.thread = i;
    thread.blocked = threads_[i]->status == Status::kBlocked;
    // Steps count as the same when the report would name them the same: operation, object, line.
    absl::flat_hash_map<std::tuple<Op, std::string, std::string, int>, size_t> index;
    for (const RawEvent& e : recent) {
      if (e.thread != i) continue;
      RepeatedStep step{.operation = op_name(e.op), .where = to_position(e.where)};
      if (e.object != nullptr) step.object = {e.name != nullptr ? e.name : "", labels.label(e)};
      auto [it, added] = index.try_emplace({e.op, step.object.label, step.where.file, step.where.line}, 0);
      if (added) {
        it->second = thread.repeats.size();
        thread.repeats.push_back(std::move(step));
      }
      ++thread.repeats[it->second].count;
    }
    std::stable_sort(thread.repeats.begin(), thread.repeats.end(),
                     [](const RepeatedStep& a, const RepeatedStep& b) { return a.count > b.count; });
  }
  record_failure(std::move(livelock), nullptr, {});
}

void Execution::resume_aborted_threads() {
  for (ThreadId id = thread_count_ - 1; id >= 0; --id) {
    Thread& t = *threads_[id];
    if (t.status == Status::kFinished || id == lost_thread_) continue;
    if (t.status == Status::kBlocked) {
      if (t.deadline != kNoDeadline || t.spurious_ok) --wakeable_blocked_;
      t.status = Status::kRunnable;
    }
    unwinding_ = id;
    current_ = id;
    switch_to(t);
  }
  unwinding_ = kNoThread;
}

void Execution::abandon_running() {
  Thread& self = *running_;
  self.abandoned = true;
  self.status = Status::kFinished;
  std::erase(runnable_, current_);
  switch_to(main_);
  std::abort();  // never resumed: reclaim_abandoned_threads forgets the context
}

void Execution::reclaim_abandoned_threads() {
  for (int i = 0; i < thread_count_; ++i) {
    Thread& t = *threads_[i];
    if (!t.abandoned) continue;
    t.abandoned = false;
    // Its captured state may be referenced from the abandoned frames: keep it.
    t.fn.leak();
    t.context = nullptr;
    boost::context::stack_context stack{.size = t.stack_size, .sp = t.stack_top};
    stacks_.deallocate(stack);
  }
}

void Execution::on_stack_overflow_signal() {
  lost_thread_ = current_;
  siglongjmp(overflow_jump_, 1);
}

void Execution::on_crash_signal(int signal) {
  crash_signal_ = signal;
  on_stack_overflow_signal();
}

void Execution::handle_stack_overflow() {
  // Main resumes here, off the overflowed fiber. Main's saved continuation
  // points into frames that no longer exist: it must never be resumed.
  // Left by siglongjmp: still on the lost thread's TLS.
  if (main_.thread_pointer != 0) set_thread_pointer(main_.thread_pointer);
  pthread_sigmask(SIG_SETMASK, &signal_mask_, nullptr);
  main_.context = nullptr;
  running_ = &main_;
  Thread& lost = *threads_[lost_thread_];
  stacks_.abandon(lost.stack_top);
  // Its captured state may be referenced from the abandoned stack: keep it.
  lost.fn.leak();
  lost.status = Status::kFinished;
  std::erase(runnable_, lost_thread_);
  if (!aborting_) {
    current_ = lost_thread_;
    if (crash_signal_ != 0) {
      record_failure(Crash{.thread = lost_thread_, .signal = crash_signal_, .signal_name = strsignal(crash_signal_)},
                     &lost.pending.where, {});
    } else {
      record_failure(StackOverflow{.thread = lost_thread_, .stack_size = stacks_.usable_bytes()}, &lost.pending.where,
                     {});
    }
  }
}

}  // namespace weft::detail
