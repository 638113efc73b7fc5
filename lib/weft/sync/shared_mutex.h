// weft::shared_mutex: std::shared_mutex's interface. Works with
// std::unique_lock (exclusive) and std::shared_lock (shared).
//
//   weft::shared_mutex m;
//   { std::shared_lock read(m); ... }   // many readers at once
//   { std::unique_lock write(m); ... }  // one writer, no readers
//
// Happens-before: an exclusive unlock orders after it every later lock of
// either kind; a shared unlock orders after it the next exclusive lock.
// A reader gets in whenever no writer holds the lock (waiting writers do not
// hold readers back), and both modes take part in lock-order detection.
#pragma once

#include <shared_mutex>  // std::shared_lock, which works with weft::shared_mutex
#include <vector>

#include "weft/base/source_location.h"
#include "weft/detect/vector_clock.h"
#include "weft/runtime/execution.h"

namespace weft {

class shared_mutex final : private detail::Waitable {
 public:
  shared_mutex();
  explicit shared_mutex(const char* name);
  ~shared_mutex();
  shared_mutex(const shared_mutex&) = delete;
  shared_mutex& operator=(const shared_mutex&) = delete;

  void lock(weft::source_location where = weft::source_location::current());
  bool try_lock(weft::source_location where = weft::source_location::current());
  void unlock(weft::source_location where = weft::source_location::current());

  // Timed locks (std::shared_timed_mutex's, weft::unmodified's
  // pthread_rwlock_timed*lock): `deadline` in virtual ns, false on timeout.
  // `pc`: the caller's return address, for when `where` is unknown.
  bool lock_until(int64_t deadline, weft::source_location where, const void* pc = nullptr);
  bool lock_shared_until(int64_t deadline, weft::source_location where, const void* pc = nullptr);

  void lock_shared(weft::source_location where = weft::source_location::current());
  bool try_lock_shared(weft::source_location where = weft::source_location::current());
  void unlock_shared(weft::source_location where = weft::source_location::current());
  // Whether the running thread holds it shared (pthread_rwlock_unlock
  // releases whichever mode its caller holds).
  bool held_shared_by_current() const;

 private:
  void holders(std::vector<detail::ThreadId>& out) const override;
  void wake_all(detail::Execution& ex);

  const char* name_ = nullptr;
  detail::ThreadId writer_ = detail::kNoThread;
  std::vector<detail::ThreadId> readers_;  // one entry per shared hold
  std::vector<detail::ThreadId> waiters_;
  detail::SyncClock write_clock_;  // from exclusive unlocks, to every lock
  detail::SyncClock read_clock_;   // from shared unlocks, to exclusive locks
  uint32_t order_node_;            // its identity in the lock-order graph
};

}  // namespace weft
