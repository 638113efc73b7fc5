// API misuse as a failure: every primitive reports a broken rule of its
// contract through this one helper, with the facts (report/failure.h's
// Misuse); the words are report/'s.
//
//   if (owner_ != ex.current()) {
//     report_misuse(ex, {.rule = MisuseRule::kUnlockNotHeld, .object_type = "mutex"}, this, name_, where,
//                   Cancel::kNonCancellable);
//     return;
//   }
#pragma once

#include "weft/base/source_location.h"
#include "weft/report/failure.h"
#include "weft/runtime/execution.h"

namespace weft::detail {

// Fails the current execution with `misuse`, broken by the current thread on
// `object` (its address, which gives the label the interleaving shows, and
// the user's name for it, or null). Returns only when `cancel` is
// kNonCancellable or the execution is already failing (see Execution::fail).
void report_misuse(Execution& ex, Misuse misuse, const void* object, const char* name, weft::source_location where,
                   Cancel cancel = Cancel::kCancellable);

}  // namespace weft::detail
