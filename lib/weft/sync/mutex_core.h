// The state machine behind every weft mutex type: owner, recursion depth,
// waiters, and the happens-before clock that unlock hands to the next lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "weft/base/source_location.h"
#include "weft/detect/vector_clock.h"
#include "weft/runtime/execution.h"

namespace weft::detail {

class MutexCore final : public Waitable {
 public:
  MutexCore(const char* name, bool recursive);
  ~MutexCore();
  MutexCore(const MutexCore&) = delete;
  MutexCore& operator=(const MutexCore&) = delete;

  // `pc`: the caller's return address, for when `where` is in a system header.
  void lock(weft::source_location where, const void* pc = nullptr);
  bool try_lock(weft::source_location where, const void* pc = nullptr);
  // `deadline` in virtual ns; returns false on timeout.
  bool try_lock_until(int64_t deadline, weft::source_location where, const void* pc = nullptr);
  void unlock(weft::source_location where, const void* pc = nullptr);

  // For condition variables: release fully / reacquire without a scheduling
  // point of their own (the wait is the point).
  void release_for_wait();
  void reacquire_after_wait(weft::source_location where);

  void holders(std::vector<ThreadId>& out) const override {
    if (owner_ != kNoThread) out.push_back(owner_);
  }
  bool held_by_current() const;
  const char* name() const { return name_; }

 private:
  bool acquire_or_block(Execution& ex, int64_t deadline, weft::source_location where, const void* pc = nullptr);
  void take(Execution& ex, weft::source_location where, const void* pc, bool blocking);
  void give(Execution& ex);
  const char* name_;
  bool recursive_;
  ThreadId owner_ = kNoThread;
  int depth_ = 0;
  // Inline: a mutex lives for one execution, and a heap vector here cost an
  // allocation in every execution where the lock was contended.
  absl::InlinedVector<ThreadId, 4> waiters_;
  SyncClock clock_;
  uint32_t order_node_;  // its identity in the lock-order graph, which outlives the execution
};

}  // namespace weft::detail
