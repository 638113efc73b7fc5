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

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
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
        result.message =
            "operation " + std::to_string(i) + " has an unknown outcome, but the model has no step_unknown()";
        return result;
      }
    }
  }
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (history[i].ret < history[i].call) {
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

  // Parts are searched in rounds with a doubling work budget, so one hard
  // part cannot hide a violation that another part shows quickly.
  detail::Deadline deadline(options.time_limit);
  std::vector<std::unique_ptr<detail::PartSearch>> searches(parts.size());
  std::vector<std::vector<std::size_t>> linearizations(parts.size());
  std::vector<std::size_t> open(parts.size());
  std::iota(open.begin(), open.end(), std::size_t{0});
  bool timed_out = false;
  std::optional<std::size_t> failed;
  for (std::uint64_t budget = 16384; !open.empty() && !timed_out && !failed; budget *= 2) {
    std::vector<std::size_t> still_open;
    for (std::size_t k : open) {
      if (timed_out || failed) {
        still_open.push_back(k);
        continue;
      }
      if (!searches[k]) {
        searches[k] = detail::make_search(model, history, parts[k], options.reductions, deadline, result.stats);
      }
      detail::SearchResult r = searches[k]->resume(budget);
      switch (r.outcome) {
        case detail::Outcome::kNotLinearizable:
          failed = k;
          ++result.stats.parts_decided;
          break;
        case detail::Outcome::kLinearizable:
          linearizations[k] = std::move(r.linearization);
          searches[k].reset();
          ++result.stats.parts_decided;
          break;
        case detail::Outcome::kTimedOut:
          timed_out = true;
          still_open.push_back(k);
          break;
        case detail::Outcome::kPaused:
          still_open.push_back(k);
          break;
      }
    }
    open = std::move(still_open);
  }
  result.stats.elapsed = absl::Now() - start;
  if (failed) {
    result.verdict = Verdict::kNotLinearizable;
    searches.clear();  // free the memo before explaining
    if (options.on_verdict) options.on_verdict(result);
    if (!options.explain) {
      result.failing_part = parts[*failed];
      return result;
    }
    // Trials of the explanation may search somewhat more than the verdict
    // needed, not without bound; the explanation has its own time budget.
    const std::uint64_t trial_work = std::max<std::uint64_t>(80'000, 10 * detail::work_done(result.stats));
    const absl::Duration budget =
        options.explain_time_limit.value_or(std::max(absl::Milliseconds(100), result.stats.elapsed));
    const absl::Time explain_start = absl::Now();
    detail::Explainer<M>(model, history, parts[*failed], options.reductions, budget, trial_work).explain(result);
    result.stats.explain_elapsed = absl::Now() - explain_start;
    return result;
  }
  if (timed_out) {
    result.verdict = Verdict::kUnknown;
    result.message = "time limit reached before a verdict";
    Time reached = kEndOfTime;
    for (std::size_t k : open) {
      reached = std::min(reached, searches[k] ? searches[k]->reached() : std::numeric_limits<Time>::min());
    }
    result.stats.reached = reached;
  } else {
    result.verdict = Verdict::kLinearizable;
    result.linearizations = std::move(linearizations);
  }
  if (options.on_verdict) options.on_verdict(result);
  return result;
}

}  // namespace weft::lin
