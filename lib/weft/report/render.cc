#include "weft/report/render.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "weft/report/describe.h"
#include "weft/report/trace.h"

namespace weft::detail {
namespace {

constexpr size_t kMaxColumns = 6;  // more threads: one row per step instead
constexpr size_t kColumnWidth = 30;
constexpr size_t kHead = 40, kTail = 160;  // long traces keep both ends

std::string cell_text(const TraceStep& s) {
  std::string text = s.op;
  if (!s.object.empty()) absl::StrAppend(&text, " ", s.object);
  if (s.where.known()) absl::StrAppend(&text, " ", format_position(s.where));
  return text;
}

std::string fit(std::string text, size_t width) {
  if (text.size() > width) text = text.substr(0, width - 1) + "~";
  text.resize(width, ' ');
  return text;
}

}  // namespace

std::string render_text_report(const Failure& f, const ReportContext& context) {
  std::string out = absl::StrCat("weft found a bug: ", f.message, "\n");
  absl::StrAppend(&out, "  kind:      ", std::string(failure_kind_name(f.kind)), "\n");
  if (f.where.known()) absl::StrAppend(&out, "  where:     ", format_position(f.where), "\n");
  if (f.thread >= 0) absl::StrAppend(&out, "  thread:    ", f.thread, "\n");
  absl::StrAppend(&out, "  execution: ", f.execution, " (strategy ", context.strategy, ", seed 0x",
                  absl::Hex(context.seed), "), failed at step ", f.step, "\n");
  for (const std::string& d : failure_details(f.evidence)) {
    absl::StrAppend(&out, "  ", d, "\n");
  }

  const int threads = std::max(f.thread_count, 1);
  absl::StrAppend(&out, "\nInterleaving (", f.trace.size() + f.elided_steps, " steps, ", threads,
                  threads == 1 ? " thread" : " threads",
                  "; '*' marks a preemption, '>' a step the message refers to):\n");
  const bool columns = static_cast<size_t>(threads) <= kMaxColumns;
  if (columns) {
    std::string header = "  step  ";
    for (int t = 0; t < threads; ++t) absl::StrAppend(&header, "| ", fit(absl::StrCat("thread ", t), kColumnWidth));
    while (!header.empty() && header.back() == ' ') header.pop_back();
    absl::StrAppend(&out, header, "\n");
  }
  const size_t n = f.trace.size();
  for (size_t i = 0; i < n; ++i) {
    const TraceStep& s = f.trace[i];
    if (n > kHead + kTail && i == kHead) {
      if (f.elided_steps == 0) {
        absl::StrAppend(&out, "  ... ", n - kHead - kTail, " steps not shown ...\n");
      } else {
        absl::StrAppend(&out, "  ... ", n + f.elided_steps - kHead - kTail, " steps not shown, ", f.elided_steps,
                        " of them elided (a long execution keeps only its first and last steps) ...\n");
      }
    }
    if (n > kHead + kTail && i >= kHead && i < n - kTail && !s.highlighted) continue;
    const char mark = s.highlighted ? '>' : ' ';
    std::string row = absl::StrFormat("%c%5d  ", mark, s.step);
    if (columns) {
      for (int t = 0; t < threads; ++t) {
        if (t == s.thread) {
          absl::StrAppend(&row, "|", s.preempted ? "*" : " ", fit(cell_text(s), kColumnWidth));
        } else {
          absl::StrAppend(&row, "| ", std::string(kColumnWidth, ' '));
        }
      }
    } else {
      absl::StrAppend(&row, s.preempted ? "*" : " ", "thread ", s.thread, ": ", cell_text(s));
    }
    while (!row.empty() && row.back() == ' ') row.pop_back();
    absl::StrAppend(&out, row, "\n");
  }

  absl::StrAppend(&out, "\nReplay this exact interleaving:\n");
  if (!f.replay_command.empty()) absl::StrAppend(&out, "  ", f.replay_command, "\n");
  absl::StrAppend(&out, "  from code: weft::replay(\"", f.token, "\", body)\n");
  absl::StrAppend(&out, "  token:      ", f.token, "\n");
  if (!f.seed_token.empty()) absl::StrAppend(&out, "  seed token: ", f.seed_token, "\n");
  return out;
}

std::string render_brief_report(const Failure& f) {
  std::string out = absl::StrCat("weft: ", f.message, "\n");
  for (const std::string& d : failure_details(f.evidence)) absl::StrAppend(&out, "  ", d, "\n");
  absl::StrAppend(&out, "  token: ", f.token, "\n");
  return out;
}

}  // namespace weft::detail
