// The interface every scheduling strategy implements.
//
// At each scheduling point where two or more threads are enabled, the
// runtime asks the strategy which one runs next; at each weft::choose(n) with
// n >= 2, which value comes out. A strategy is told when executions start and
// end, when threads are created, and when a thread yields (yield, sleep,
// failed try_lock), so spin loops can be handled.
//
//   std::unique_ptr<Strategy> s = make_strategy("pct:3").value();
//   s->begin_execution(seed, 0);
//   ThreadId next = s->pick_thread(enabled, current);
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "weft/base/ids.h"

namespace weft::detail {

class Strategy {
 public:
  virtual ~Strategy() = default;

  // `seed` is the exploration's seed and `index` the execution's position in
  // it; all randomness of the execution must derive from these two.
  virtual void begin_execution(uint64_t seed, uint64_t index) = 0;
  // `choice_points` counts the points of the execution where >= 2 threads
  // were enabled.
  virtual void end_execution(uint64_t choice_points) { (void)choice_points; }

  virtual void thread_created(ThreadId id) { (void)id; }
  virtual void thread_yielded(ThreadId id) { (void)id; }

  // `enabled` is sorted and has at least two entries. `current` is the thread
  // at the scheduling point (it may or may not be enabled). Returns an element
  // of `enabled`, or kNoThread when replay cannot continue (see failure()).
  virtual ThreadId pick_thread(std::span<const ThreadId> enabled, ThreadId current) = 0;
  // A value in [0, n), n >= 2; or n itself when replay cannot continue.
  virtual uint32_t pick_value(uint32_t n) = 0;

  // Human-readable name: "random", "pct:2".
  virtual std::string name() const = 0;
  // What the seed-form token must hold to rebuild this execution's
  // strategy: "random", "pct2k57". Accepted by make_strategy().
  virtual std::string replay_spec() const = 0;

  // Why pick_* could not continue (replay strategies only).
  virtual std::string failure() const { return {}; }
  // Replay only: decisions left unused when the execution ended.
  virtual bool exhausted() const { return true; }
};

// "random", "pct:<d>", or a replay_spec() ("pct2k57").
absl::StatusOr<std::unique_ptr<Strategy>> make_strategy(absl::string_view spec);

}  // namespace weft::detail
