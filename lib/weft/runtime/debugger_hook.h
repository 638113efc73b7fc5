// A function a debugger can stop on: weft calls it the moment it records a
// failure, on the stack of the thread that caused it (an assertion, a racing
// access, the operation that closed a deadlock), before anything unwinds.
//
//   WEFT_REPLAY=w1d-... gdb -ex 'break weft_failure_raised' -ex run
//       --args build/examples/bank_test --gtest_filter=Bank.DISABLED_LostUpdate   (one line)
//
// `weft replay --gdb` runs exactly that. Crashes need no hook: the debugger
// stops at the signal itself.
#pragma once

extern "C" void weft_failure_raised() noexcept;
