// The one hook scenario testing needs from weft's runtime: fail the current
// execution with the failure kind "not linearizable" (rather than as an
// assertion), so reports, JSON output and tools name the right kind.
// Only scenario.h uses it; it needs the `weft` library.
#pragma once

#include <string>
#include <vector>

#include "weft/base/source_location.h"
#include "weft/report/failure.h"
#include "weft/runtime/execution.h"

namespace weft::lin::detail {

// Unwinds the current execution (inside weft::explore) with a
// kNotLinearizable failure. Outside an execution there is nothing to unwind:
// it returns false and the caller reports some other way.
inline bool fail_not_linearizable(std::string message, std::vector<std::string> details,
                                  weft::source_location where = weft::source_location::current()) {
  weft::detail::Execution* execution = weft::detail::Execution::get_if_any();
  if (execution == nullptr) return false;
  execution->fail(FailureKind::kNotLinearizable, std::move(message), where, std::move(details));
  return true;
}

}  // namespace weft::lin::detail
