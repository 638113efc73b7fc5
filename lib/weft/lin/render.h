// Human-readable reports of a check: a text table for terminals and logs, and
// a self-contained HTML page with a timeline (one row per client, one bar per
// operation), in the spirit of porcupine's visualization.
//
//   auto view = weft::lin::view_of(model, history, result);
//   std::cout << weft::lin::render_text(view, result);
//   std::ofstream("report.html") << weft::lin::render_html(view, result);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "weft/lin/check_result.h"
#include "weft/lin/history.h"
#include "weft/lin/model.h"

namespace weft::lin {

struct OperationView {
  std::int64_t client = 0;
  Time call = 0;
  Time ret = kEndOfTime;  // kEndOfTime when the outcome is unknown
  std::string text;       // "cas(1, 2) -> ok"
  bool outcome_known = true;
};

// A history reduced to what the reports show, so that rendering needs no
// model and no templates.
struct HistoryView {
  std::string title;             // e.g. the file name
  std::string model;             // e.g. "cas-register"
  std::string time_label = "t";  // "line" for logs whose time is the line
  // Show how long the check took. Off where reports must be reproducible
  // (a replayed failure should print the same message).
  bool show_elapsed = true;
  std::vector<OperationView> operations;
  // Model state after each step of CheckResult::prefix_linearization (empty
  // when the model cannot describe states).
  std::vector<std::string> prefix_states;
};

template <Model M>
HistoryView view_of(const M& model, const HistoryOf<M>& history, const CheckResult& result) {
  HistoryView view;
  for (const auto& op : history) {
    view.operations.push_back({op.client, op.call, op.ret, model.describe(op.input, op.output), op.outcome_known()});
  }
  if constexpr (HasDescribeState<M>) {
    typename M::State state = model.initial();
    for (std::size_t i : result.prefix_linearization) {
      const auto& op = history[i];
      std::optional<typename M::State> next;
      // One still pending at the prefix's end has an unknown outcome there.
      if (op.output && op.ret <= result.prefix_end) {
        next = model.step(state, op.input, *op.output);
      } else if constexpr (HasStepUnknown<M>) {
        next = model.step_unknown(state, op.input);
      }
      if (!next) break;  // cannot happen for a linearization the checker found
      state = std::move(*next);
      view.prefix_states.push_back(model.describe_state(state));
    }
  }
  return view;
}

// One line: "<title>: linearizable (...)".
std::string render_summary(const HistoryView& view, const CheckResult& result);
// The summary, and for a violation the smallest failing sub-history and the
// longest linearizable prefix as tables.
std::string render_text(const HistoryView& view, const CheckResult& result);
// render_text() without the summary line: empty unless not linearizable.
std::string render_explanation(const HistoryView& view, const CheckResult& result);
std::string render_html(const HistoryView& view, const CheckResult& result);

}  // namespace weft::lin
