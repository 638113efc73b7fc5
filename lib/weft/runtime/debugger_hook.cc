#include "weft/runtime/debugger_hook.h"

// Out of line and with a side effect the optimizer must keep, so that the
// call and the symbol survive every build type.
extern "C" __attribute__((noinline, used)) void weft_failure_raised() noexcept { asm volatile("" ::: "memory"); }
