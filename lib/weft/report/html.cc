#include "weft/report/html.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "weft/report/describe.h"
#include "weft/report/html_escape.h"
#include "weft/report/trace.h"

namespace weft {
namespace {

using detail::html_escape;

// Beyond this many steps the page keeps both ends and every highlighted
// step, as the text report does with its shorter limits: a browser handles
// tens of thousands of rows, not millions.
constexpr size_t kHead = 2000, kTail = 8000;

constexpr const char* kStyle =
    "body{font-family:sans-serif;margin:1.5em;color:#222}\n"
    "h1{font-size:1.25em} dt{font-weight:bold;float:left;width:7em} dd{margin:0 0 .2em 7em}\n"
    "ul.details li{font-family:monospace;margin:.2em 0}\n"
    ".trace{overflow:auto;max-height:75vh;border:1px solid #ccc}\n"
    "table{border-collapse:collapse;font-family:monospace;font-size:12px}\n"
    "th{position:sticky;top:0;background:#eee;padding:4px 8px;border-bottom:1px solid #999}\n"
    "td{padding:2px 8px;border-left:1px solid #e4e4e4;white-space:nowrap;vertical-align:top}\n"
    "td.step{text-align:right;color:#777;border-left:none}\n"
    "tr:hover td{background:#f3f3ff} tr.hl td{background:#ffe9a8} tr.hl td.step{font-weight:bold;color:#000}\n"
    "tr.gap td{color:#777;font-style:italic;background:#f7f7f7}\n"
    "tr[data-failed] td{background:#ffd0d0} tr[data-failed] td.step{font-weight:bold;color:#b00}\n"
    ".pre{color:#b00;font-weight:bold} .loc{color:#777}\n"
    "pre{background:#f6f6f6;padding:.8em;overflow:auto}\n";

std::string cell(const TraceStep& s) {
  std::string text;
  if (s.preempted) text = "<span class='pre' title='preemption: the previous thread could have gone on'>*</span>";
  absl::StrAppend(&text, html_escape(s.op));
  if (!s.object.empty()) absl::StrAppend(&text, " ", html_escape(s.object));
  if (s.where.known()) {
    const std::string title =
        s.where.function.empty() ? s.where.file : absl::StrCat(s.where.function, " at ", s.where.file);
    absl::StrAppend(&text, " <span class='loc' title='", html_escape(title), ":", s.where.line, "'>",
                    html_escape(detail::format_position(s.where)), "</span>");
  }
  return text;
}

std::string trace_table(const Failure& f) {
  const int threads = std::max(f.thread_count, 1);
  std::string out = "<table>\n<tr><th>step</th>";
  for (int t = 0; t < threads; ++t) absl::StrAppend(&out, "<th>thread ", t, "</th>");
  out += "</tr>\n";
  const size_t n = f.trace.size();
  const bool cut = n > kHead + kTail;
  for (size_t i = 0; i < n; ++i) {
    const TraceStep& s = f.trace[i];
    if (i > 0 && s.step > f.trace[i - 1].step + 1) {
      absl::StrAppend(&out, "<tr class='gap'><td></td><td colspan='", threads, "'>", s.step - f.trace[i - 1].step - 1,
                      " steps elided (a long execution keeps only its first and last steps)</td></tr>\n");
    }
    if (cut && i == kHead) {
      absl::StrAppend(&out, "<tr class='gap'><td></td><td colspan='", threads, "'>", n - kHead - kTail,
                      " steps not shown (highlighted ones are)</td></tr>\n");
    }
    if (cut && i >= kHead && i < n - kTail && !s.highlighted) continue;
    // The step it failed at is marked too, whether or not the message names it.
    absl::StrAppend(&out, "<tr id='step-", s.step, "'", s.highlighted ? " class='hl'" : "",
                    s.step == f.step ? " data-failed='true' title='the failing step'" : "", "><td class='step'>",
                    s.step, "</td>");
    for (int t = 0; t < threads; ++t) absl::StrAppend(&out, "<td>", t == s.thread ? cell(s) : "", "</td>");
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

}  // namespace

std::string failure_to_html(const Failure& f) {
  const std::string kind(failure_kind_name(f.kind));
  std::string out = absl::StrCat("<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>weft: ", html_escape(kind),
                                 "</title>\n<style>\n", kStyle, "</style></head><body>\n");
  absl::StrAppend(&out, "<h1>weft found a bug: ", html_escape(f.message), "</h1>\n<dl>\n");
  absl::StrAppend(&out, "<dt>kind</dt><dd>", html_escape(kind), "</dd>\n");
  if (f.where.known()) {
    absl::StrAppend(&out, "<dt>where</dt><dd>", html_escape(f.where.file), ":", f.where.line, "</dd>\n");
  }
  if (f.thread >= 0) absl::StrAppend(&out, "<dt>thread</dt><dd>", f.thread, "</dd>\n");
  absl::StrAppend(&out, "<dt>execution</dt><dd>", f.execution, ", failed at step <a href='#step-", f.step, "'>", f.step,
                  "</a></dd>\n</dl>\n");
  const std::vector<std::string> details = detail::failure_details(f.evidence);
  if (!details.empty()) {
    out += "<ul class='details'>\n";
    for (const std::string& d : details) absl::StrAppend(&out, "<li>", html_escape(d), "</li>\n");
    out += "</ul>\n";
  }
  absl::StrAppend(&out, "<h2>Interleaving</h2>\n<p>", f.trace.size() + f.elided_steps, " steps, ",
                  std::max(f.thread_count, 1),
                  " threads. <span class='pre'>*</span> marks a preemption (a switch away from a thread that "
                  "could have gone on); highlighted rows are the steps the message refers to.</p>\n"
                  "<div class='trace'>\n",
                  trace_table(f), "</div>\n");
  out += "<h2>Replay</h2>\n<pre>";
  if (!f.replay_command.empty()) absl::StrAppend(&out, html_escape(f.replay_command), "\n");
  absl::StrAppend(&out, "from code: weft::replay(\"", html_escape(f.token), "\", body)\n");
  absl::StrAppend(&out, "token:      ", html_escape(f.token), "\n");
  if (!f.seed_token.empty()) absl::StrAppend(&out, "seed token: ", html_escape(f.seed_token), "\n");
  out += "</pre>\n</body></html>\n";
  return out;
}

}  // namespace weft
