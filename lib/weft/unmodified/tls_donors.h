// The TLS of weft threads in unmodified code: each weft thread runs on the
// TCB of a real pthread parked for the purpose (a "donor"), so its
// thread_local variables, errno and pthread_self() are its own
// (docs/unmodified.md, "Thread model"). Installed by __tsan_init.
//
//   install_tls_donors();                // every later execution uses them
//   if (is_tls_donor(handle)) ...        // a weft thread's pthread_t
#pragma once

#include <pthread.h>

namespace weft::detail {

void install_tls_donors();

// Whether `thread` is a donor's pthread_t: the handle of a weft thread,
// never a thread of its own to join or detach.
bool is_tls_donor(pthread_t thread);

}  // namespace weft::detail
