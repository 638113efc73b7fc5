#include "weft/lin/render.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "weft/report/html_escape.h"

namespace weft::lin {
namespace {

using weft::detail::html_escape;

std::string show_time(Time t) { return t == kEndOfTime ? "never" : absl::StrCat(t); }

std::vector<std::size_t> by_call(const HistoryView& view, std::vector<std::size_t> ops) {
  std::stable_sort(ops.begin(), ops.end(),
                   [&](std::size_t a, std::size_t b) { return view.operations[a].call < view.operations[b].call; });
  return ops;
}

// A plain text table with columns sized to their widest cell.
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text = "  ";
    for (std::size_t c = 0; c < cells.size(); ++c) {
      absl::StrAppend(&text, cells[c]);
      if (c + 1 < cells.size()) text.append(width[c] - cells[c].size() + 2, ' ');
    }
    absl::StrAppend(&out, text, "\n");
  };
  line(header);
  for (const auto& row : rows) line(row);
  return out;
}

}  // namespace

std::string render_summary(const HistoryView& view, const CheckResult& result) {
  std::string out = absl::StrCat(view.title.empty() ? "history" : view.title, ": ", verdict_name(result.verdict));
  std::vector<std::string> facts;
  if (!view.model.empty()) facts.push_back(view.model);
  facts.push_back(absl::StrCat(view.operations.size(), " operations"));
  if (result.stats.parts > 1) facts.push_back(absl::StrCat(result.stats.parts, " parts"));
  if (view.show_elapsed) {
    facts.push_back(absl::StrFormat("%.3f ms", absl::ToDoubleMilliseconds(result.stats.elapsed)));
  }
  absl::StrAppend(&out, " (", absl::StrJoin(facts, ", "), ")");
  if (!result.message.empty()) absl::StrAppend(&out, ": ", result.message);
  if (result.verdict == Verdict::kUnknown && result.stats.parts > 0) {
    // How far the search got, so a user can judge whether more time helps.
    std::vector<std::string> progress;
    if (result.stats.parts > 1) {
      progress.push_back(absl::StrCat(result.stats.parts_decided, " of ", result.stats.parts, " parts decided"));
    }
    if (result.stats.reached != std::numeric_limits<Time>::min()) {
      progress.push_back(absl::StrCat("operations returning before ", view.time_label, " ",
                                      show_time(result.stats.reached), " linearized"));
    }
    progress.push_back(absl::StrCat(result.stats.nodes, " search nodes"));
    absl::StrAppend(&out, " (", absl::StrJoin(progress, "; "), ")");
  }
  return out;
}

std::string render_text(const HistoryView& view, const CheckResult& result) {
  return render_summary(view, result) + "\n" + render_explanation(view, result);
}

std::string render_explanation(const HistoryView& view, const CheckResult& result) {
  std::string out;
  if (result.verdict != Verdict::kNotLinearizable) return out;
  const std::string& tl = view.time_label;
  auto row = [&](std::size_t i) {
    const OperationView& op = view.operations[i];
    return std::vector<std::string>{absl::StrCat(op.client), show_time(op.call), show_time(op.ret), op.text};
  };
  if (!result.explained) {
    absl::StrAppend(&out, "\n(no explanation: it was turned off)\n");
    return out;
  }
  // A core of hundreds of operations (a long history whose explanation ran
  // out of budget) is shown by its most recent operations.
  constexpr std::size_t kMaxRows = 40;
  std::vector<std::vector<std::string>> rows;
  const std::vector<std::size_t> core = by_call(view, result.core);
  const std::size_t skipped = core.size() > kMaxRows ? core.size() - kMaxRows : 0;
  for (std::size_t k = skipped; k < core.size(); ++k) rows.push_back(row(core[k]));
  absl::StrAppend(&out, "\n",
                  result.core.size() == 1
                      ? std::string("This operation cannot be linearized")
                      : absl::StrCat("These ", result.core.size(), " operations cannot be linearized together"),
                  ", whatever any other operation did",
                  result.core_is_minimal ? "" : " (perhaps not minimal: the explanation reached its budget)", ":\n",
                  skipped > 0 ? absl::StrCat("  (", skipped, " earlier ones not shown)\n") : "",
                  table({"client", absl::StrCat("call ", tl), absl::StrCat("return ", tl), "operation"}, rows));
  if (result.has_prefix) {
    rows.clear();
    std::size_t step = 0;
    for (std::size_t i : result.prefix_linearization) {
      auto r = row(i);
      r.insert(r.begin(), absl::StrCat(step + 1));
      r.push_back(step < view.prefix_states.size() ? view.prefix_states[step] : "");
      rows.push_back(std::move(r));
      ++step;
    }
    absl::StrAppend(
        &out, "\nThe history is linearizable up to ", tl, " ", result.prefix_end,
        result.prefix_is_longest ? "" : " (perhaps further: the explanation reached its budget)",
        "; one linearization of that prefix:\n",
        table({"#", "client", absl::StrCat("call ", tl), absl::StrCat("return ", tl), "operation", "state after"},
              rows));
  } else {
    absl::StrAppend(&out, result.prefix_is_longest
                              ? "\nNo prefix of the history is linearizable.\n"
                              : "\nNo linearizable prefix was found before the explanation reached its budget.\n");
  }
  rows.clear();
  for (std::size_t i : result.first_failing) rows.push_back(row(i));
  absl::StrAppend(&out,
                  result.prefix_is_longest ? "\nIt stops being linearizable when this returns:\n"
                                           : "\nIt stops being linearizable when this returns, or earlier:\n",
                  table({"client", absl::StrCat("call ", tl), absl::StrCat("return ", tl), "operation"}, rows));
  if (view.show_elapsed) {
    absl::StrAppend(
        &out, absl::StrFormat("\nExplained in %.3f ms.\n", absl::ToDoubleMilliseconds(result.stats.explain_elapsed)));
  }
  return out;
}

std::string render_html(const HistoryView& view, const CheckResult& result) {
  // Which operations to draw: the failing part, or everything.
  std::vector<std::size_t> shown;
  if (result.verdict == Verdict::kNotLinearizable && !result.failing_part.empty()) {
    shown = result.failing_part;
  } else {
    for (std::size_t i = 0; i < view.operations.size(); ++i) shown.push_back(i);
  }
  shown = by_call(view, shown);

  // Times become ranks so that bars have readable widths whatever the clock.
  std::vector<Time> times;
  for (std::size_t i : shown) {
    times.push_back(view.operations[i].call);
    if (view.operations[i].ret != kEndOfTime) times.push_back(view.operations[i].ret);
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  auto rank = [&](Time t) -> std::size_t {
    if (t == kEndOfTime) return times.size() + 1;
    return std::lower_bound(times.begin(), times.end(), t) - times.begin();
  };
  std::map<std::int64_t, std::size_t> row_of;
  for (std::size_t i : shown) row_of.emplace(view.operations[i].client, 0);
  std::size_t r = 0;
  for (auto& [client, row] : row_of) row = r++;

  absl::flat_hash_set<std::size_t> core(result.core.begin(), result.core.end());
  absl::flat_hash_set<std::size_t> failing(result.first_failing.begin(), result.first_failing.end());
  absl::flat_hash_map<std::size_t, std::size_t> order;
  const auto& linearized = result.verdict == Verdict::kLinearizable && !result.linearizations.empty()
                               ? result.linearizations.front()
                               : result.prefix_linearization;
  for (std::size_t k = 0; k < linearized.size(); ++k) order[linearized[k]] = k + 1;

  constexpr int kUnit = 14, kRow = 26, kLeft = 70, kTop = 24;
  const int width = kLeft + static_cast<int>(times.size() + 3) * kUnit;
  const int height = kTop + static_cast<int>(row_of.size()) * kRow + 10;
  std::string svg = absl::StrFormat("<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d'>\n", width, height);
  for (const auto& [client, row] : row_of) {
    absl::StrAppendFormat(&svg, "<text x='4' y='%d' class='client'>client %d</text>\n",
                          kTop + static_cast<int>(row) * kRow + 15, client);
  }
  for (std::size_t i : shown) {
    const OperationView& op = view.operations[i];
    const int x0 = kLeft + static_cast<int>(rank(op.call)) * kUnit;
    const int x1 = kLeft + static_cast<int>(rank(op.ret)) * kUnit + kUnit / 2;
    const int y = kTop + static_cast<int>(row_of[op.client]) * kRow;
    std::string cls = "op";
    if (!op.outcome_known) cls += " unknown";
    if (order.contains(i)) cls += " linearized";
    if (core.contains(i)) cls += " core";
    if (failing.contains(i)) cls += " failing";
    const std::string tip =
        absl::StrCat(op.text, "\nclient ", op.client, ", ", view.time_label, " ", show_time(op.call), " to ",
                     show_time(op.ret), order.contains(i) ? absl::StrCat("\nlinearized #", order[i]) : "");
    absl::StrAppendFormat(&svg,
                          "<g class='%s'><title>%s</title><rect x='%d' y='%d' width='%d' "
                          "height='20' rx='3'/><text x='%d' y='%d'>%s</text></g>\n",
                          cls, html_escape(tip), x0, y, std::max(x1 - x0, 6), x0 + 3, y + 14,
                          html_escape(order.contains(i) ? absl::StrCat("#", order[i], " ", op.text) : op.text));
  }
  svg += "</svg>\n";

  std::string page = absl::StrCat(
      "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>", html_escape(view.title),
      " - weft lincheck</title>\n<style>\n"
      "body{font-family:sans-serif;margin:1.5em} pre{background:#f6f6f6;padding:1em;overflow:auto}\n"
      ".timeline{overflow-x:auto;border:1px solid #ddd} .client{font-size:12px;fill:#333}\n"
      ".op rect{fill:#d9d9d9;stroke:#888} .op text{font-size:10px;fill:#222;pointer-events:none}\n"
      ".op.linearized rect{fill:#b7e1b0;stroke:#4a9a3f} .op.unknown rect{fill-opacity:.4;stroke-dasharray:3 2}\n"
      ".op.core rect{fill:#f4a3a3;stroke:#b00} .op.failing rect{stroke-width:3}\n"
      ".op:hover rect{stroke:#000;stroke-width:2}\n"
      ".legend span{display:inline-block;padding:2px 8px;margin-right:8px;border:1px solid #888}\n"
      "</style></head><body>\n<h1>",
      html_escape(render_summary(view, result)), "</h1>\n",
      "<p class='legend'><span style='background:#b7e1b0'>linearized (number = order)</span>"
      "<span style='background:#f4a3a3'>cannot be linearized together</span>"
      "<span style='background:#d9d9d9'>other</span>"
      "<span style='border-style:dashed'>outcome unknown</span>"
      " Hover over an operation for details. Time runs left to right (as ranks of ",
      html_escape(view.time_label), ").</p>\n<div class='timeline'>", svg, "</div>\n<pre>",
      html_escape(render_text(view, result)), "</pre>\n</body></html>\n");
  return page;
}

}  // namespace weft::lin
