// The interface every scheduling strategy implements.
//
// At each scheduling point where two or more threads are enabled, the
// runtime asks the strategy which one runs next; at each weft::choose(n) with
// n >= 2, which value comes out. A strategy is told when executions start and
// end, when threads are created, and when a thread shows evidence of spinning
// (a yield, a sleep, a failed operation repeated on an object no other thread
// changed meanwhile), so spin loops can be handled.
//
// A strategy that needs to know what the threads are about to do (which
// pending operations conflict, for POS and SURW; a DPOR search) reads it from
// the ExecutionView the runtime attaches for each execution: every thread's
// pending operation, and a window of the steps taken. One that needs every
// step (POS, SURW, the fuzzer's feedback, DPOR) asks for them (wants_steps)
// and gets each one through step_taken, keeping what it needs of it: the
// runtime itself keeps only a window, so that memory does not grow with the
// length of an execution. Strategies that do not ask pay nothing: pick_thread
// gets only the enabled ids.
//
//   std::unique_ptr<Strategy> s = make_strategy("pct:3").value();
//   s->begin_execution(seed, 0);
//   ThreadId next = s->pick_thread(enabled, current);
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "weft/base/event.h"
#include "weft/base/ids.h"

namespace weft::detail {

// What a strategy may read about the execution it schedules. Valid from
// attach() until the execution ends; the runtime implements it.
class ExecutionView {
 public:
  // The operation `thread` performs when it is next picked, with the object
  // it names (RawEvent::object, op_kind(op) says how it acts on it). For a
  // thread woken from blocking it is kWakeup with the object it blocked on
  // (it retries that operation). Defined for every thread created so far.
  virtual const RawEvent& pending(ThreadId thread) const = 0;
  // The steps kept of those taken so far, in order: all of them in a short
  // execution, else the first ones and at least the last 8,000
  // (runtime/trace_window.h): what a report's interleaving shows, weft::choose
  // values included (op kChoose). The step a pick_thread call chooses is
  // appended when that call returns; RawEvent::failed is set on a step whose
  // operation did not take effect right after it ran. Every step, kept or
  // not, goes to Strategy::step_taken when the strategy wants_steps().
  virtual std::span<const RawEvent> steps() const = 0;
  // Threads created so far in this execution (ids 0 .. threads() - 1),
  // whether enabled, blocked or finished.
  virtual int threads() const = 0;
  // Whether `thread` is blocked. An enabled blocked thread is one the
  // scheduler may wake: by its timeout, or spuriously.
  virtual bool blocked(ThreadId thread) const = 0;

 protected:
  ~ExecutionView() = default;
};

// What a systematic search (dfs:K, dpor) covered so far.
struct SearchCoverage {
  int bound = 0;             // the preemption bound asked for (K); -1: none ("dpor")
  int reached = 0;           // the bound of the pass running or last run
  bool exhausted = false;    // every schedule (class, with DPOR) within `bound` ran
  bool complete = false;     // ...and no schedule of the program has more preemptions
  uint64_t schedules = 0;    // distinct schedules run
  uint64_t classes = 0;      // distinct Mazurkiewicz traces among them
  int last_preemptions = 0;  // the preemptions of the last execution
};

class Strategy {
 public:
  virtual ~Strategy() = default;

  // `seed` is the exploration's seed and `index` the execution's position in
  // it; all randomness of the execution must derive from these two (and from
  // the executions this strategy ran before in the same exploration, which a
  // replay_spec() must then describe).
  virtual void begin_execution(uint64_t seed, uint64_t index) = 0;
  // `choice_points` counts the points of the execution where >= 2 threads
  // were enabled. The view is still attached.
  virtual void end_execution(uint64_t choice_points) { (void)choice_points; }

  // Called by the runtime at the start of each execution, before the first
  // thread is created; `view` outlives the execution.
  void attach(const ExecutionView& view) { view_ = &view; }

  // `parent` is the creating thread, kNoThread for thread 0.
  virtual void thread_created(ThreadId id, ThreadId parent) {
    (void)id;
    (void)parent;
  }
  // `id` is spinning: it yielded, slept, woke spuriously, or failed the same
  // operation twice on an object no other thread changed in between.
  virtual void thread_spinning(ThreadId id) { (void)id; }

  // `enabled` is sorted and has at least two entries. `current` is the thread
  // at the scheduling point (it may or may not be enabled). Returns an element
  // of `enabled`, or kNoThread when replay cannot continue (see failure()).
  virtual ThreadId pick_thread(std::span<const ThreadId> enabled, ThreadId current) = 0;
  // A value in [0, n), n >= 2; or n itself when replay cannot continue.
  virtual uint32_t pick_value(uint32_t n) = 0;

  // Whether step_taken is to be called: a strategy that needs every step
  // (the runtime keeps only a window of them) and keeps what it needs of each.
  virtual bool wants_steps() const { return false; }
  // Every step of the execution, once, in order, once it is final (its
  // RawEvent::failed set): before the next step is recorded, before the
  // pick_thread call that follows it, and before the execution ends. So at
  // pick_thread every earlier step has been given, as when end_execution
  // runs. Only when wants_steps(); `step` is valid during the call only.
  virtual void step_taken(const RawEvent& step) { (void)step; }

  // Human-readable name: "random", "pct:2".
  virtual std::string name() const = 0;
  // What the seed-form token must hold to rebuild this execution's
  // strategy: "random", "pct2k57". Accepted by make_strategy().
  virtual std::string replay_spec() const = 0;
  // The execution of the same seed a seed-form replay must run first, when
  // this strategy learns from one (SURW profiles the program in its first).
  virtual std::optional<uint64_t> replay_prerequisite() const { return std::nullopt; }

  // Systematic strategies only: true once every schedule within the bound
  // has run (the explorer then stops), and what the search covered.
  virtual bool search_done() const { return false; }
  virtual std::optional<SearchCoverage> coverage() const { return std::nullopt; }

  // Why pick_* could not continue (replay strategies only).
  virtual std::string failure() const { return {}; }
  // Replay only: decisions left unused when the execution ended.
  virtual bool exhausted() const { return true; }

 protected:
  // The attached view: null outside an execution.
  const ExecutionView* view() const { return view_; }

 private:
  const ExecutionView* view_ = nullptr;
};

// "random", "pct:<d>", "pos", "surw", "fuzz", "dfs:<K>", "dfs:<K>:nodpor",
// "dpor", or a replay_spec() ("pct2k57").
absl::StatusOr<std::unique_ptr<Strategy>> make_strategy(absl::string_view spec);

}  // namespace weft::detail
