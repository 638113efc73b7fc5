#include "results_output.h"

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "weft/report/html_escape.h"

namespace weft::tool {
namespace {

namespace json = boost::json;

std::string bug_field(const TestOutcome& o, std::string_view key) {
  if (!o.bug) return "";
  const json::value* v = o.bug->if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

std::string failure_field(const TestOutcome& o, std::string_view key) {
  if (!o.bug) return "";
  const json::value* f = o.bug->if_contains("failure");
  if (f == nullptr || !f->is_object()) return "";
  const json::value* v = f->get_object().if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

absl::Status write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path);
  out << content;
  out.close();
  if (!out) return absl::InvalidArgumentError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

// "bank_test" from "build/examples/bank_test".
std::string base_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

}  // namespace

std::string outcome_report(const TestOutcome& o) {
  std::string out;
  switch (o.status) {
    case TestOutcome::Status::kBug:
      // The worker's report already ends with the replay command.
      return bug_field(o, "report");
    case TestOutcome::Status::kCrash:
      out = absl::StrCat("crash: ", o.problem);
      break;
    case TestOutcome::Status::kHang:
      out = absl::StrCat("hang: ", o.problem);
      break;
    case TestOutcome::Status::kError:
      out = absl::StrCat("error: ", o.problem, "\n");
      break;
    default:
      return "";
  }
  if (!o.replay_command.empty()) absl::StrAppend(&out, "replay: ", o.replay_command, "\n");
  return out;
}

void print_summary(FILE* out, const std::vector<TestOutcome>& outcomes) {
  for (const TestOutcome& o : outcomes) {
    const std::string report = outcome_report(o);
    if (report.empty()) continue;
    std::fprintf(out, "\n=== %s %s: %s\n%s", base_name(o.binary).c_str(), o.test.c_str(),
                 std::string(status_name(o.status)).c_str(), report.c_str());
    if (o.status == TestOutcome::Status::kBug) {
      std::fprintf(out, "(found at execution %llu of the exploration; seed token %s)\n",
                   static_cast<unsigned long long>(o.bug_execution), failure_field(o, "seed_token").c_str());
      if (std::string d = bug_field(o, "divergence"); !d.empty()) {
        std::fprintf(out,
                     "weft: the body is not deterministic under weft: %s. It depends on something outside weft's "
                     "control (real time, real threads, unseeded randomness, addresses).\n",
                     d.c_str());
      }
    }
  }
  size_t width = 4;
  for (const TestOutcome& o : outcomes) width = std::max(width, o.test.size());
  std::fprintf(out, "\n%-*s  %12s  %12s  %10s  %8s  %s\n", static_cast<int>(width), "test", "executions", "steps",
               "schedules", "seconds", "result");
  for (const TestOutcome& o : outcomes) {
    std::string result(status_name(o.status));
    if (o.status == TestOutcome::Status::kBug) absl::StrAppend(&result, ": ", failure_field(o, "kind"));
    std::fprintf(out, "%-*s  %12llu  %12llu  %10zu  %8.2f  %s\n", static_cast<int>(width), o.test.c_str(),
                 static_cast<unsigned long long>(o.executions), static_cast<unsigned long long>(o.steps),
                 o.schedules.size(), std::chrono::duration<double>(o.elapsed).count(), result.c_str());
  }
}

absl::Status write_json(const std::string& path, const std::vector<TestOutcome>& outcomes) {
  json::array tests;
  for (const TestOutcome& o : outcomes) {
    json::object t{{"binary", o.binary},
                   {"test", o.test},
                   {"result", status_name(o.status)},
                   {"executions", o.executions},
                   {"steps", o.steps},
                   {"distinct_schedules", o.schedules.size()},
                   {"seconds", std::chrono::duration<double>(o.elapsed).count()},
                   {"failure", nullptr},
                   {"problem", o.problem},
                   {"token", o.token},
                   {"replay_command", o.replay_command}};
    if (o.bug) {
      if (const json::value* f = o.bug->if_contains("failure")) t["failure"] = *f;
      t["report"] = bug_field(o, "report");
      t["divergence"] = bug_field(o, "divergence");
    }
    tests.push_back(std::move(t));
  }
  return write_file(
      path, json::serialize(json::object{{"format", "weft-run"}, {"version", 1}, {"tests", std::move(tests)}}) + "\n");
}

absl::Status write_junit(const std::string& path, const std::vector<TestOutcome>& outcomes) {
  using detail::html_escape;
  int failures = 0;
  double seconds = 0;
  for (const TestOutcome& o : outcomes) {
    failures += o.status != TestOutcome::Status::kPassed && o.status != TestOutcome::Status::kNotRun ? 1 : 0;
    seconds += std::chrono::duration<double>(o.elapsed).count();
  }
  std::string xml = absl::StrFormat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"weft\" tests=\"%d\" failures=\"%d\" "
      "time=\"%.3f\">\n",
      outcomes.size(), failures, seconds);
  std::string current_binary;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const TestOutcome& o = outcomes[i];
    if (o.binary != current_binary) {
      if (!current_binary.empty()) xml += "  </testsuite>\n";
      current_binary = o.binary;
      int n = 0, f = 0, skipped = 0;
      for (const TestOutcome& p : outcomes) {
        if (p.binary != o.binary) continue;
        ++n;
        f += p.status != TestOutcome::Status::kPassed && p.status != TestOutcome::Status::kNotRun ? 1 : 0;
        skipped += p.status == TestOutcome::Status::kNotRun ? 1 : 0;
      }
      absl::StrAppend(&xml, "  <testsuite name=\"", html_escape(base_name(o.binary)), "\" tests=\"", n,
                      "\" failures=\"", f, "\" skipped=\"", skipped, "\">\n");
    }
    const size_t dot = o.test.find('.');
    absl::StrAppend(&xml, "    <testcase classname=\"", html_escape(o.test.substr(0, dot)), "\" name=\"",
                    html_escape(dot == std::string::npos ? o.test : o.test.substr(dot + 1)), "\" time=\"",
                    absl::StrFormat("%.3f", std::chrono::duration<double>(o.elapsed).count()), "\"");
    if (o.status == TestOutcome::Status::kPassed) {
      absl::StrAppend(&xml, "/>\n");
    } else if (o.status == TestOutcome::Status::kNotRun) {
      absl::StrAppend(&xml,
                      ">\n      <skipped message=\"not run: the run stopped at an earlier bug (use --keep-going)\"/>\n "
                      "   </testcase>\n");
    } else {
      const std::string message =
          o.status == TestOutcome::Status::kBug ? failure_field(o, "message") : std::string(status_name(o.status));
      absl::StrAppend(&xml, ">\n      <failure message=\"", html_escape(message), "\" type=\"",
                      html_escape(status_name(o.status)), "\">", html_escape(outcome_report(o)),
                      "</failure>\n    </testcase>\n");
    }
  }
  if (!current_binary.empty()) xml += "  </testsuite>\n";
  xml += "</testsuites>\n";
  return write_file(path, xml);
}

absl::Status write_report_dir(const std::string& dir, const std::vector<TestOutcome>& outcomes) {
  for (const TestOutcome& o : outcomes) {
    if (o.status != TestOutcome::Status::kBug) continue;
    const std::string stem = (std::filesystem::path(dir) / o.test).string();
    if (const json::value* f = o.bug->if_contains("failure")) {
      if (absl::Status s = write_file(stem + ".json", json::serialize(*f) + "\n"); !s.ok()) return s;
    }
    if (std::string html = bug_field(o, "html"); !html.empty()) {
      if (absl::Status s = write_file(stem + ".html", html); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace weft::tool
