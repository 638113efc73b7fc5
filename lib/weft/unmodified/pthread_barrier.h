// A pthread_barrier_t in one execution: `count` threads arrive, the last
// arrival completes the round and releases the others. Everything each
// thread did before arriving happens-before everything any of them does
// after the round, and nothing of the next round leaks into it.
//
//   PthreadBarrier& b = tables.barrier(user_barrier, count);
//   return b.wait(ex, user_barrier, pc);   // PTHREAD_BARRIER_SERIAL_THREAD or 0
#pragma once

#include <cstdint>
#include <vector>

#include "weft/detect/vector_clock.h"
#include "weft/runtime/execution.h"

namespace weft::detail {

class PthreadBarrier final : public Waitable {
 public:
  explicit PthreadBarrier(unsigned count) : count_(count) {}

  // A scheduling point naming `object`; blocks until the round completes.
  // Returns PTHREAD_BARRIER_SERIAL_THREAD to the arrival that completes it
  // (as glibc does), 0 to the others.
  int wait(Execution& ex, const void* object, const void* pc);

  // The threads waiting for the round to complete.
  const std::vector<ThreadId>& waiting() const { return waiting_; }

 private:
  unsigned count_;
  uint64_t round_ = 0;
  std::vector<ThreadId> waiting_;
  SyncClock arrivals_;  // what the arrivals of this round have seen
};

}  // namespace weft::detail
