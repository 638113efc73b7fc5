// The lock types' side of lock-order detection (detect/lock_order.h): the
// detector takes everything as arguments; these hooks read the current
// execution for it, and turn a cycle it finds into a failure with its
// evidence. With the detector off, each costs one load.
//
//   uint32_t node_ = lock_order_node_for_new_lock();      // in the constructor
//   note_acquired(ex, this, node_, name, where, pc, /*blocking=*/true, Hold::kExclusive);
//   note_released(ex, this);
#pragma once

#include <cstdint>

#include "weft/base/source_location.h"
#include "weft/detect/lock_order.h"
#include "weft/runtime/execution.h"

namespace weft::detail {

// The node of a lock being constructed now: LockOrder::created() for the
// running thread when an execution with the detector runs, else
// LockOrder::kUnregistered.
uint32_t lock_order_node_for_new_lock();

// Records the acquisition and, when it closes a cycle, fails the execution
// with a kLockOrderInversion.
void report_acquired(LockOrder& order, Execution& ex, const void* lock, uint32_t node, const char* name,
                     weft::source_location where, const void* pc, bool blocking, Hold mode);

inline void note_acquired(Execution& ex, const void* lock, uint32_t node, const char* name, weft::source_location where,
                          const void* pc, bool blocking, Hold mode) {
  if (LockOrder* order = ex.lock_order()) report_acquired(*order, ex, lock, node, name, where, pc, blocking, mode);
}

inline void note_released(Execution& ex, const void* lock) {
  if (LockOrder* order = ex.lock_order()) order->released(ex.current(), lock);
}

}  // namespace weft::detail
