// One step of an execution as the runtime records it: cheap to store at every
// scheduling point, turned into a readable weft::TraceStep (report/trace.h)
// only when a failure is reported.
#pragma once

#include <cstdint>

#include "weft/base/ids.h"
#include "weft/base/op.h"
#include "weft/base/source_location.h"

namespace weft::detail {

struct RawEvent {
  ThreadId thread = 0;
  Op op = Op::kStart;
  bool preempted = false;
  // The operation did not take effect: a failed try_lock, CAS, try_acquire,
  // try_recv, ..., or an atomic RMW that wrote back the value it read (set
  // after the step by Execution::note_failed_attempt). It only read its object.
  bool failed = false;
  const void* object = nullptr;
  const char* name = nullptr;  // the object's user-given name, if any
  uint64_t value = 0;          // op-specific: the chosen value, the joined thread
  weft::source_location where;
  // Operators cannot take a weft::source_location argument (x = x + 1): they
  // record their caller's address instead, symbolized only for a report.
  const void* pc = nullptr;
};

}  // namespace weft::detail
