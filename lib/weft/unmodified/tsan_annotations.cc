// ThreadSanitizer's dynamic annotations that libraries call when they are
// built with -fsanitize=thread: a happens-before edge through an address,
// for synchronization the compiler's instrumentation cannot see (moodycamel's
// atomicops.h brackets its fences with them under clang, since
// ThreadSanitizer ignores fences). On a weft thread each is an edge of weft's
// happens-before detector through the address's clock; elsewhere nothing.
// Not scheduling points: they annotate an operation that is one already, or
// none at all.
#include "weft/detect/happens_before.h"
#include "weft/unmodified/control.h"

namespace {

weft::detail::SyncClock* annotation_clock(weft::detail::Execution*& ex, const void* address) {
  ex = weft::detail::controlling_execution();
  if (ex == nullptr || ex->races() == nullptr) return nullptr;
  return &weft::detail::ExecutionTables::of(*ex).atomic_clock(address);
}

}  // namespace

extern "C" {

// Everything the calling thread has seen happens before whatever a later
// AnnotateHappensAfter on the same address does.
void AnnotateHappensBefore(const char* /*file*/, int /*line*/, const volatile void* address) {
  weft::detail::Execution* ex = nullptr;
  if (weft::detail::SyncClock* clock = annotation_clock(ex, const_cast<const void*>(address))) {
    ex->races()->release(ex->current(), *clock);
  }
}

void AnnotateHappensAfter(const char* /*file*/, int /*line*/, const volatile void* address) {
  weft::detail::Execution* ex = nullptr;
  if (weft::detail::SyncClock* clock = annotation_clock(ex, const_cast<const void*>(address))) {
    ex->races()->acquire(ex->current(), *clock);
  }
}

}  // extern "C"
