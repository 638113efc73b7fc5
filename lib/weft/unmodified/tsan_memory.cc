// ThreadSanitizer's entry points for plain memory and bookkeeping, called by
// code compiled with -fsanitize=thread (g++ and clang emit the same ones).
// An access on a weft thread is checked by weft's happens-before detector;
// it is not a scheduling point (there are far too many). Anywhere else it
// costs a thread-local load and a test.
#include <cstddef>
#include <cstdint>
#include <span>

#include "weft/detect/happens_before.h"
#include "weft/sync/access.h"
#include "weft/unmodified/call_stacks.h"
#include "weft/unmodified/control.h"

namespace weft::detail {
namespace {

[[gnu::always_inline]] inline void on_access(Op op, const void* address, std::size_t size, const void* pc) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) [[likely]]
    return;
  // check_access's work, inline: an access that finds no race (nearly all)
  // costs no call.
  HappensBefore* hb = ex->races();
  if (hb == nullptr || ex->aborting()) return;
  const ThreadId thread = ex->current();
  const std::span<const Race> races = hb->access(thread, address, size, op == Op::kWrite, nullptr, ex->step(), {}, pc,
                                                 ExecutionTables::of(*ex).call_stacks().current(thread));
  // An access may sit in a noexcept function: a race fails the execution
  // without unwinding here; the thread stops at its next cancellable point.
  if (!races.empty()) [[unlikely]]
    report_races(races, address, {}, Cancel::kNonCancellable);
}

}  // namespace
}  // namespace weft::detail

using weft::detail::on_access;
using weft::detail::Op;

#define WEFT_TSAN_ACCESS(kind, op, size)                                                                 \
  void __tsan_##kind##size(void* address) { on_access(op, address, size, __builtin_return_address(0)); } \
  void __tsan_unaligned_##kind##size(void* address) { on_access(op, address, size, __builtin_return_address(0)); }

extern "C" {

// Called by every instrumented module's constructor: resolves the real
// pthread functions before any thread can race to, and, by referring to the
// interposers, makes the linker take them from the archive even when the
// program's own code calls no pthread function (std::thread's calls come
// from libstdc++).
void __tsan_init() { weft::detail::install_pthread_interposers(); }

// Each weft thread's call stack, for race reports (call_stacks.h). The
// argument is the return address of the function being entered: its call
// site.
void __tsan_func_entry(void* return_address) {
  if (weft::detail::Execution* ex = weft::detail::controlling_execution()) {
    weft::detail::ExecutionTables::of(*ex).call_stacks().enter(ex->current(), return_address);
  }
}
void __tsan_func_exit() {
  if (weft::detail::Execution* ex = weft::detail::controlling_execution()) {
    weft::detail::ExecutionTables::of(*ex).call_stacks().exit(ex->current());
  }
}

void __tsan_read1(void* address) { on_access(Op::kRead, address, 1, __builtin_return_address(0)); }
void __tsan_write1(void* address) { on_access(Op::kWrite, address, 1, __builtin_return_address(0)); }
WEFT_TSAN_ACCESS(read, Op::kRead, 2)
WEFT_TSAN_ACCESS(read, Op::kRead, 4)
WEFT_TSAN_ACCESS(read, Op::kRead, 8)
WEFT_TSAN_ACCESS(read, Op::kRead, 16)
WEFT_TSAN_ACCESS(write, Op::kWrite, 2)
WEFT_TSAN_ACCESS(write, Op::kWrite, 4)
WEFT_TSAN_ACCESS(write, Op::kWrite, 8)
WEFT_TSAN_ACCESS(write, Op::kWrite, 16)

void __tsan_read_range(void* address, unsigned long size) {
  on_access(Op::kRead, address, size, __builtin_return_address(0));
}
void __tsan_write_range(void* address, unsigned long size) {
  on_access(Op::kWrite, address, size, __builtin_return_address(0));
}

// A virtual call reads the object's vptr; a constructor or destructor
// writes it. Writing the value already there is no write (ThreadSanitizer
// ignores it too: each constructor in a hierarchy stores its own vptr).
void __tsan_vptr_read(void** vptr) { on_access(Op::kRead, vptr, sizeof *vptr, __builtin_return_address(0)); }
void __tsan_vptr_update(void** vptr, void* value) {
  if (*vptr != value) on_access(Op::kWrite, vptr, sizeof *vptr, __builtin_return_address(0));
}

}  // extern "C"
