// The weft:: twins of the seed patterns (seed_patterns.h over WeftTypes),
// compiled in weft_twins.cc WITHOUT ThreadSanitizer instrumentation, as a
// weft:: test would be: in an instrumented file, the plain loads and stores
// inside weft::atomic's inline functions would be checked as plain memory
// too, racing with each other.
//
//   weft::explore(options, weft_twins::lost_wakeup_if);
#pragma once

namespace weft_twins {

void lost_update();
void lost_update_locked();
void lock_order_deadlock();
void lock_order_scoped();
void lost_wakeup_if();
void lost_wakeup_while();
void treiber_aba_pointer_head();
void treiber_aba_tagged_head();
void actor_get_then_set();
void actor_one_message();

}  // namespace weft_twins
