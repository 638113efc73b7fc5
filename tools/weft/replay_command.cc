// `weft replay`: runs one schedule of one WEFT_TEST in a worker and prints its
// report, the same bytes `weft run` printed for the bug.
//
//   weft replay build/examples/bank_test Bank.DISABLED_LostUpdate w1d-AQIDBA...
//   weft replay build/examples/bank_test Bank.DISABLED_LostUpdate failure.json --html failure.html
//   weft replay build/examples/bank_test Bank.DISABLED_LostUpdate w1d-AQIDBA... --gdb
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "command.h"
#include "exploration.h"
#include "flag_args.h"
#include "weft/explore.h"
#include "weft/report/token.h"
#include "worker_process.h"

ABSL_DECLARE_FLAG(std::string, json);
ABSL_DECLARE_FLAG(absl::Duration, stall_timeout);
ABSL_FLAG(std::string, html, "", "write the failure's HTML page to this file");
ABSL_FLAG(bool, gdb, false,
          "run the test binary itself under gdb, stopped where the failure is raised (on the failing thread's stack)");

namespace weft::tool {
namespace {

namespace json = boost::json;

const std::vector<absl::string_view> kReplayFlags = {"json", "html", "stall_timeout", "gdb"};

std::string replay_usage() {
  return absl::StrCat(
      "usage: weft replay BINARY TEST TOKEN_OR_FILE [options]\n\n"
      "Runs TEST of BINARY once under the schedule TOKEN (a w1d-/w1s-/w1i- token, or a file holding one,\n"
      "or a failure's JSON, or a WEFT_FUZZ_TEST's libFuzzer crash file) and prints its report and interleaving.\n"
      "Exit: 0 the schedule passes, 1 it fails (or crashes or hangs), 2 bad usage or input, 3 internal error.\n"
      "With --gdb, gdb replaces weft: the binary runs under it with WEFT_REPLAY set, and gdb stops at\n"
      "weft_failure_raised (or at the crashing signal); `bt` shows the failing thread's stack.\n\n"
      "Options:\n",
      describe_flags(kReplayFlags));
}

int bad(absl::string_view message) {
  std::cerr << "weft replay: " << message << "\n";
  return kBadInput;
}

// The token itself, from the argument or the file it names.
absl::StatusOr<std::string> read_token(const std::string& arg) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(arg, ec)) {
    // A path that names nothing is a mistyped file, not a bad token.
    if (absl::StrContains(arg, '/') && !absl::StartsWith(arg, "w1")) {
      return absl::InvalidArgumentError(
          absl::StrCat("no such file: ", arg, " (give a token, or a file holding one, a failure's JSON or a crash)"));
    }
    return std::string(absl::StripAsciiWhitespace(arg));
  }
  std::ifstream in(arg, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  const std::string content(absl::StripAsciiWhitespace(text.str()));
  if (!absl::StartsWith(content, "w1") && !absl::StartsWith(content, "{")) {
    // Neither a token nor a failure's JSON: a fuzzer's input (a libFuzzer
    // crash file of a WEFT_FUZZ_TEST), whose bytes are the schedule, run with
    // the options the fuzz target uses (weft::Options' defaults).
    detail::ScheduleToken t;
    t.form = detail::ScheduleToken::Form::kInput;
    t.max_steps = weft::Options{}.max_steps;
    t.input = text.str();
    return detail::format_token(t);
  }
  if (!content.empty() && content[0] == '{') {
    boost::system::error_code error;
    json::value v = json::parse(content, error);
    const json::value* token = !error && v.is_object() ? v.get_object().if_contains("token") : nullptr;
    if (token == nullptr || !token->is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(
          arg, ": JSON without a \"token\" string; give a failure's JSON (weft run --json or --report_dir)"));
    }
    return std::string(token->get_string());
  }
  return content;
}

absl::Status write(const std::string& path, const std::string& content) {
  std::ofstream out(path);
  out << content;
  out.close();
  return out ? absl::OkStatus() : absl::InvalidArgumentError(absl::StrCat("cannot write ", path));
}

// The gdb on PATH, or empty.
std::string find_gdb() {
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path != nullptr ? path : "", ':', absl::SkipEmpty())) {
    std::string candidate = absl::StrCat(dir, "/gdb");
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Replaces this process with gdb running TEST of BINARY under TOKEN, stopped
// where weft records the failure. Only returns on an error.
int exec_gdb(const std::string& binary, const std::string& test, const std::string& token) {
  if (!absl::GetFlag(FLAGS_html).empty() || !absl::GetFlag(FLAGS_json).empty()) {
    return bad("--gdb runs the binary itself, which writes no --html or --json; replay without --gdb for those");
  }
  const std::string gdb = find_gdb();
  if (gdb.empty()) return bad("--gdb needs gdb on PATH (Debian: apt-get install gdb)");
  // The test binary's own replay path (WEFT_REPLAY), not a worker: a worker
  // would wait for requests on pipes gdb's user cannot see.
  setenv("WEFT_REPLAY", token.c_str(), 1);
  std::vector<std::string> argv = {gdb, "-q", "-ex", "set breakpoint pending on", "-ex", "break weft_failure_raised",
                                   // A sanitizer build reports a crash itself, before any signal.
                                   "-ex", "break __ubsan_on_report", "-ex", "break __asan_on_error", "-ex", "run",
                                   "--args", binary, absl::StrCat("--gtest_filter=", test),
                                   "--gtest_also_run_disabled_tests"};
  std::vector<char*> c_argv;
  for (std::string& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  std::cout.flush();
  execv(gdb.c_str(), c_argv.data());
  std::cerr << "weft replay: cannot start " << gdb << ": " << std::strerror(errno) << "\n";
  return kInternalError;
}

int replay_run(const std::vector<std::string>& args) {
  auto positional = parse_flag_args(args, kReplayFlags);
  if (!positional.ok()) return bad(absl::StrCat(positional.status().message(), "; run `weft help replay`"));
  if (positional->size() != 3) {
    return bad("expected BINARY TEST TOKEN_OR_FILE, e.g. weft replay build/examples/bank_test Bank.Transfer w1d-...");
  }
  const std::string& binary = (*positional)[0];
  const std::string& test = (*positional)[1];
  absl::StatusOr<std::string> token = read_token((*positional)[2]);
  if (!token.ok()) return bad(token.status().message());
  if (absl::StatusOr<detail::ScheduleToken> t = detail::parse_token(*token); !t.ok()) {
    return bad(absl::StrCat(t.status().message(), "; copy the whole token from the report (it may have been cut)"));
  }
  std::unique_ptr<WorkerProcess> worker;
  if (absl::Status found = require_test(binary, test, &worker); !found.ok()) return bad(found.message());
  if (absl::GetFlag(FLAGS_gdb)) {
    worker.reset();
    return exec_gdb(binary, test, *token);
  }

  ExploreSettings settings;
  settings.weft_binary = program_invocation_name;
  const auto stall = absl::ToChronoMilliseconds(absl::GetFlag(FLAGS_stall_timeout));
  json::object request{{"op", "replay"},
                       {"test", test},
                       {"token", *token},
                       {"stall_timeout_ms", stall.count()},
                       {"replay_command", replay_command(settings, binary, test, "{token}")}};
  if (!absl::GetFlag(FLAGS_html).empty()) request["html"] = true;
  if (absl::Status s = worker->send(request); !s.ok()) return bad(s.message());
  std::string stalled;
  for (;;) {
    absl::StatusOr<json::object> reply = worker->receive(stall * 2 + std::chrono::seconds(10));
    if (!reply.ok()) {
      if (!stalled.empty()) {
        std::cout << "hang: " << stalled;
        return kBugFound;
      }
      std::cout << "crash: the worker " << worker->wait_for_exit() << " while replaying " << *token << "\n";
      if (!worker->log_tail().empty()) std::cout << "its last output:\n" << worker->log_tail();
      return kBugFound;
    }
    const std::string type =
        reply->contains("type") && (*reply)["type"].is_string() ? std::string((*reply)["type"].get_string()) : "";
    if (type == "stalled") {
      stalled = (*reply)["report"].is_string() ? std::string((*reply)["report"].get_string()) : "";
      continue;
    }
    if (type == "error") {
      std::cerr << "weft replay: " << json::serialize((*reply)["message"]) << "\n";
      return kInternalError;
    }
    if (const json::value* e = reply->if_contains("error"); e != nullptr && e->is_string()) {
      return bad(std::string(e->get_string()));
    }
    const json::value* bug = reply->if_contains("bug");
    if (bug == nullptr || !bug->is_object()) {
      std::cout << "the schedule ran to its end without a failure\n";
      return kOk;
    }
    const json::object& b = bug->get_object();
    std::cout << b.at("report").as_string().c_str();
    if (std::string path = absl::GetFlag(FLAGS_json); !path.empty()) {
      if (absl::Status s = write(path, json::serialize(b.at("failure")) + "\n"); !s.ok()) return bad(s.message());
    }
    if (std::string path = absl::GetFlag(FLAGS_html); !path.empty() && b.contains("html")) {
      if (absl::Status s = write(path, std::string(b.at("html").as_string())); !s.ok()) return bad(s.message());
      std::cerr << "HTML view: " << path << "\n";
    }
    return kBugFound;
  }
}

}  // namespace

extern const Command kReplayCommand{"replay", "run one schedule of a WEFT_TEST and show its report", replay_usage,
                                    replay_run};

}  // namespace weft::tool
