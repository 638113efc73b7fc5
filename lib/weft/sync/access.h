// Shared plumbing for weft::var, weft::atomic and annotated memory: the
// scheduling point before an access, the race check after it, and the
// happens-before effect of each atomic operation.
//
//   detail::plain_access(Op::kWrite, &value_, sizeof value_, name_, where, nullptr);
//   detail::atomic_sync(AtomicEffect::kLoad, std::memory_order_acquire, clock_);
//
// With Options::detect_races off, the race hooks cost a null-pointer check.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "weft/base/source_location.h"
#include "weft/detect/vector_clock.h"
#include "weft/runtime/execution.h"

namespace weft::detail {

// A scheduling point, then a race check of [address, address + size).
void plain_access(Op op, const void* address, std::size_t size, const char* name, weft::source_location where,
                  const void* pc);

// The race check alone, without a scheduling point: memory accesses of
// instrumented code (weft::unmodified), too many to be points. Must run on
// a weft thread. A race found fails the execution; with kNonCancellable
// the thread goes on to its next cancellable point (an access in a noexcept
// function must not throw).
// `stack` names the call stack the access was made from, for the report
// (see set_stack_frames); 0: none.
void check_access(Op op, const void* address, std::size_t size, const char* name, weft::source_location where,
                  const void* pc, Cancel cancel = Cancel::kCancellable, uint32_t stack = 0);

// What check_access does with the races the detector returned for an access
// to `address` (not empty): fails the execution with the most recent one, or
// records each new pair of sites when the exploration does not stop on races.
// For callers that ask the detector themselves (weft::unmodified's accesses,
// whose common case must not pay a call).
struct Race;
void report_races(std::span<const Race> races, const void* address, weft::source_location where,
                  Cancel cancel = Cancel::kCancellable);

// A weft::var was constructed at [address, address + size): forget what the
// memory held before (another object, freed) and count the construction as
// a write by the current thread. No scheduling point: construction is not
// shared yet. Does nothing outside an execution.
void checked_memory_created(const void* address, std::size_t size, const char* name, weft::source_location where);

// Names memory that has no label of its own in a race report, from what the
// layer that installed it knows (weft::unmodified: the heap block and who
// allocated it). Returns "" for memory it knows nothing of. The name must
// not depend on addresses, so a replay reports the same text.
using MemoryDescriber = std::string (*)(uintptr_t begin, uintptr_t end);
void set_memory_describer(MemoryDescriber describer);

// Turns the `stack` of check_access into the return addresses of its call
// sites, innermost first, from what the layer that installed it recorded
// (weft::unmodified: __tsan_func_entry/exit). A race report symbolizes them.
using StackFrames = void (*)(uint32_t stack, std::vector<const void*>& return_addresses);
void set_stack_frames(StackFrames frames);

// The happens-before effect of an atomic operation with `order`.
enum class AtomicEffect : uint8_t { kLoad, kStore, kReadModifyWrite };
void atomic_sync(AtomicEffect effect, std::memory_order order, SyncClock& clock);

// The happens-before effect of std::atomic_thread_fence(order) on the
// current thread (no scheduling point: a fence touches no shared object).
void atomic_fence(std::memory_order order);

// Scheduling point of an atomic operation (cancellable: atomics are not
// used in destructors often enough to justify the alternative).
inline void atomic_point(Op op, const void* object, const char* name, weft::source_location where,
                         const void* pc = nullptr) {
  Execution::get().point(op, object, name, where, Cancel::kCancellable, 0, pc);
}

}  // namespace weft::detail
