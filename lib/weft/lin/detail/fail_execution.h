// The one hook scenario testing needs from weft's runtime: fail the current
// execution with the failure kind "not linearizable" (rather than as an
// assertion), with the checker's explanation as its evidence, so reports,
// JSON output and tools name the right kind and the operations.
// Only scenario.h uses it; it needs the `weft` library.
#pragma once

#include <optional>
#include <utility>

#include "weft/base/source_location.h"
#include "weft/lin/check_result.h"
#include "weft/lin/render.h"
#include "weft/report/failure.h"
#include "weft/runtime/execution.h"

namespace weft::lin::detail {

// The evidence of a violation: the history as `view` shows it, and the
// checker's explanation (indices into it).
inline NotLinearizable evidence_of(const HistoryView& view, const CheckResult& result) {
  NotLinearizable evidence;
  for (const OperationView& op : view.operations) {
    evidence.history.push_back({.client = op.client,
                                .call = op.call,
                                .ret = op.ret == kEndOfTime ? std::nullopt : std::optional<int64_t>(op.ret),
                                .operation = op.text,
                                .outcome_known = op.outcome_known});
  }
  evidence.explained = result.explained;
  evidence.core = result.core;
  evidence.core_is_minimal = result.core_is_minimal;
  evidence.has_prefix = result.has_prefix;
  evidence.prefix_end = result.prefix_end;
  evidence.prefix = result.prefix_linearization;
  evidence.prefix_states = view.prefix_states;
  evidence.first_failing = result.first_failing;
  return evidence;
}

// Unwinds the current execution (inside weft::explore) with a
// kNotLinearizable failure. Outside an execution there is nothing to unwind:
// it returns false and the caller reports some other way.
inline bool fail_not_linearizable(NotLinearizable evidence,
                                  weft::source_location where = weft::source_location::current()) {
  weft::detail::Execution* execution = weft::detail::Execution::get_if_any();
  if (execution == nullptr) return false;
  execution->fail(std::move(evidence), where);
  return true;
}

}  // namespace weft::lin::detail
