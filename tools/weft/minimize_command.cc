// `weft minimize`: a schedule that fails the same way as a token's (same kind,
// same line) with fewer preemptions, then fewer steps.
//
//   weft minimize build/examples/bank_test Bank.DISABLED_LostUpdate w1d-AqCNBgkBAQAB...
#include <iostream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "command.h"
#include "exploration.h"
#include "flag_args.h"
#include "weft/report/token.h"
#include "worker_process.h"

ABSL_FLAG(uint64_t, budget, 2000, "executions per search strategy (pct:1, pct:2, random)");

namespace weft::tool {
namespace {

namespace json = boost::json;

const std::vector<absl::string_view> kMinimizeFlags = {"budget"};

std::string minimize_usage() {
  return absl::StrCat(
      "usage: weft minimize BINARY TEST TOKEN [options]\n\n"
      "Searches for a schedule of TEST that fails the same way as TOKEN's (the same kind of failure\n"
      "at the same line) with fewer preemptions, then fewer steps; prints the counts before and\n"
      "after, the new token and its report.\n"
      "Exit: 1 the failure (minimized or not) is shown, 2 bad usage or input, 3 internal error.\n\n"
      "Options:\n",
      describe_flags(kMinimizeFlags));
}

int bad(absl::string_view message) {
  std::cerr << "weft minimize: " << message << "\n";
  return kBadInput;
}

uint64_t count(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_uint64() ? v->get_uint64() : v != nullptr && v->is_int64() ? v->get_int64() : 0;
}

int minimize_run(const std::vector<std::string>& args) {
  auto positional = parse_flag_args(args, kMinimizeFlags);
  if (!positional.ok()) return bad(absl::StrCat(positional.status().message(), "; run `weft help minimize`"));
  if (positional->size() != 3) return bad("expected BINARY TEST TOKEN");
  const std::string& binary = (*positional)[0];
  const std::string& test = (*positional)[1];
  const std::string token(absl::StripAsciiWhitespace((*positional)[2]));
  if (absl::StatusOr<detail::ScheduleToken> t = detail::parse_token(token); !t.ok()) {
    return bad(absl::StrCat(t.status().message(), "; copy the whole token from the report (it may have been cut)"));
  }
  if (absl::GetFlag(FLAGS_budget) == 0) return bad("--budget must be at least 1");
  std::unique_ptr<WorkerProcess> worker;
  if (absl::Status found = require_test(binary, test, &worker); !found.ok()) return bad(found.message());

  ExploreSettings settings;
  settings.weft_binary = program_invocation_name;
  json::object request{{"op", "minimize"},
                       {"test", test},
                       {"token", token},
                       {"budget", absl::GetFlag(FLAGS_budget)},
                       {"replay_command", replay_command(settings, binary, test, "{token}")}};
  if (absl::Status s = worker->send(request); !s.ok()) return bad(s.message());
  absl::StatusOr<json::object> reply = worker->receive(std::chrono::minutes(30));
  if (!reply.ok()) {
    std::cerr << "weft minimize: the worker " << worker->wait_for_exit()
              << " while searching (a crash or hang in another schedule; `weft run` isolates those)\n"
              << worker->log_tail();
    return kBugFound;
  }
  if (const json::value* e = reply->if_contains("error"); e != nullptr && e->is_string()) {
    return bad(std::string(e->get_string()));
  }
  const json::object& before = reply->at("before").as_object();
  const json::object& after = reply->at("after").as_object();
  std::cout << "before: " << count(before, "preemptions") << " preemptions, " << count(before, "steps") << " steps\n"
            << "after:  " << count(after, "preemptions") << " preemptions, " << count(after, "steps") << " steps ("
            << count(*reply, "executions") << " executions searched)\n"
            << "token:  " << after.at("token").as_string().c_str() << "\n\n"
            << reply->at("report").as_string().c_str();
  return kBugFound;
}

}  // namespace

extern const Command kMinimizeCommand{"minimize", "find a simpler schedule that fails the same way", minimize_usage,
                                      minimize_run};

}  // namespace weft::tool
