// check(): is a history of concurrent operations linearizable with respect to
// a sequential model? Works on any history, with or without weft's scheduler.
//
//   #include <weft/lin/check.h>
//   #include <weft/lin/models/register.h>
//
//   weft::lin::RegisterModel model;
//   weft::lin::HistoryOf<weft::lin::RegisterModel> h = ...;  // see history.h
//   weft::lin::CheckResult r = weft::lin::check(model, h);
//   if (r.verdict == weft::lin::Verdict::kNotLinearizable) {
//     std::cout << weft::lin::render_table(weft::lin::view_of(model, h), r);  // render.h
//   }
//
// The verdict is exact: the search reductions (see Reductions) never change it.
// With a time limit, the verdict may be kUnknown.
#pragma once

#include <cstddef>
#include <numeric>
#include <vector>

#include "absl/time/clock.h"
#include "weft/lin/check_result.h"
#include "weft/lin/detail/deadline.h"
#include "weft/lin/detail/explain.h"
#include "weft/lin/detail/search.h"
#include "weft/lin/history.h"
#include "weft/lin/model.h"

namespace weft::lin {

template <Model M>
CheckResult check(const M& model, const HistoryOf<M>& history, const CheckOptions& options = {}) {
  CheckResult result;
  const absl::Time start = absl::Now();

  if constexpr (!HasStepUnknown<M>) {
    for (std::size_t i = 0; i < history.size(); ++i) {
      if (!history[i].output) {
        result.verdict = Verdict::kUnknown;
        result.message = "operation " + std::to_string(i) +
                         " has an unknown outcome, but the model has no step_unknown()";
        return result;
      }
    }
  }
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (history[i].output && history[i].ret < history[i].call) {
      result.verdict = Verdict::kUnknown;
      result.message = "operation " + std::to_string(i) + " returns before it is called";
      return result;
    }
  }

  std::vector<std::vector<std::size_t>> parts;
  if constexpr (HasPartition<M>) {
    if (options.reductions.partition) parts = model.partition(history);
  }
  if (parts.empty()) {
    parts.emplace_back(history.size());
    std::iota(parts.back().begin(), parts.back().end(), std::size_t{0});
  }
  result.stats.parts = parts.size();

  detail::Deadline deadline(options.time_limit);
  bool timed_out = false;
  for (const auto& part : parts) {
    detail::SearchResult r =
        detail::search(model, history, part, options.reductions, deadline, result.stats);
    if (r.outcome == detail::Outcome::kNotLinearizable) {
      result.verdict = Verdict::kNotLinearizable;
      result.linearizations.clear();
      result.stats.elapsed = absl::Now() - start;
      if (options.explain) {
        detail::Explainer<M>(model, history, part, options.reductions, options.explain_time_limit)
            .explain(result);
      } else {
        result.failing_part = part;
      }
      return result;
    }
    if (r.outcome == detail::Outcome::kTimedOut) {
      timed_out = true;
      break;
    }
    result.linearizations.push_back(std::move(r.linearization));
  }
  result.stats.elapsed = absl::Now() - start;
  if (timed_out) {
    result.verdict = Verdict::kUnknown;
    result.message = "time limit reached before a verdict";
    result.linearizations.clear();
  } else {
    result.verdict = Verdict::kLinearizable;
  }
  return result;
}

}  // namespace weft::lin
