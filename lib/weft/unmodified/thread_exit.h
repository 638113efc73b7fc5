// What glibc does at a thread's start and end besides running its code,
// done for weft threads (which glibc never sees start or end): thread_local
// destructors, registered through __cxa_thread_atexit_impl (interposed), and
// the values and destructors of pthread keys (pthread_key_create,
// interposed). pthread_exit, interposed in the same file, ends a weft thread
// early and goes through the same end. Called by the TLS donors
// (tls_donors.cc) on the thread, on its own TLS:
//
//   clear_thread_specific_values();   // a new thread: no key has a value
//   ...the thread's function...
//   run_thread_end_destructors(ex);   // as glibc's start_thread does at its end
#pragma once

#include "weft/runtime/execution.h"

namespace weft::detail {

// Sets every key's value to null in the running thread, without running
// destructors: what a thread left behind when its execution abandoned it.
void clear_thread_specific_values();

// The thread_local destructors the running weft thread registered, newest
// first, then each pthread key's destructor on its non-null value, in key
// order, repeated while destructors set values (at most
// PTHREAD_DESTRUCTOR_ITERATIONS rounds); then every value is null. The
// destructors may reach scheduling points.
void run_thread_end_destructors(Execution& ex);

}  // namespace weft::detail
