#include "weft/gtest/worker.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <boost/container_hash/hash.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "weft/gtest/worker_protocol.h"
#include "weft/report/html.h"
#include "weft/report/json.h"
#include "weft/runtime/failure_signals.h"

namespace weft::gtest {
namespace {

namespace json = boost::json;
using worker::InFlightPage;

struct RegisteredTest {
  std::string name;  // "Suite.Name"
  Options (*options)();
  void (*body)();
};

std::vector<RegisteredTest>& registry() {
  static std::vector<RegisteredTest> tests;
  return tests;
}

const RegisteredTest* find_test(std::string_view name) {
  for (const RegisteredTest& t : registry()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

// The pipes and the page the runner handed over (WEFT_WORKER).
struct Channel {
  int version = 0;
  FILE* requests = nullptr;
  int replies = -1;
  InFlightPage* page = nullptr;

  void send(const json::object& reply) const {
    const std::string line = json::serialize(reply) + "\n";
    const char* p = line.data();
    size_t n = line.size();
    while (n > 0) {
      const ssize_t w = write(replies, p, n);
      if (w <= 0) std::_Exit(3);  // the runner is gone
      p += w;
      n -= static_cast<size_t>(w);
    }
  }
};

// Makes each execution durable in the page before it runs and collects the
// hashes of the schedules a slice explored.
class SliceObserver final : public ExecutionObserver {
 public:
  SliceObserver(const Channel& channel, std::string test) : channel_(channel), test_(std::move(test)) {}

  void starting(uint64_t index, std::string_view prefix, std::string_view suffix) override {
    InFlightPage& page = *channel_.page;
    if (prefix != prefix_ || suffix != suffix_) {
      prefix_ = prefix;
      suffix_ = suffix;
      const uint32_t p = std::min<uint32_t>(prefix.size(), InFlightPage::kPrefixCapacity);
      const uint32_t s = std::min<uint32_t>(suffix.size(), InFlightPage::kSuffixCapacity);
      std::memcpy(page.token_prefix, prefix.data(), p);
      std::memcpy(page.token_suffix, suffix.data(), s);
      page.prefix_length.store(p, std::memory_order_release);
      page.suffix_length.store(s, std::memory_order_release);
    }
    page.index.store(index, std::memory_order_release);
    page.started.fetch_add(1, std::memory_order_release);
  }

  void finished(uint64_t, const std::vector<uint32_t>& decisions, uint64_t) override {
    schedules_.insert(boost::hash_range(decisions.begin(), decisions.end()));
  }

  void stalled(std::string_view report, std::string_view token) override {
    channel_.send({{"type", "stalled"}, {"test", test_}, {"token", token}, {"report", report}});
  }

  json::array schedules() const {
    json::array out;
    out.reserve(schedules_.size());
    for (uint64_t h : schedules_) out.emplace_back(h);
    return out;
  }

 private:
  const Channel& channel_;
  std::string test_;
  std::string prefix_, suffix_;
  absl::flat_hash_set<uint64_t> schedules_;
};

json::value bug(const Failure& f, bool html) {
  json::object out{{"failure", json::parse(failure_to_json(f))}, {"report", f.report}};
  if (html) out["html"] = failure_to_html(f);
  return out;
}

// A bug found while exploring, as `weft replay` will show it: its decision
// token replayed (`runs` times, to check the body is deterministic), so the
// report the runner prints is the one the replay command reproduces byte for
// byte. "failure" stays the found failure (its execution index orders bugs).
json::value found_bug(const Failure& found, const RegisteredTest& test, const Options& options, bool html, int runs) {
  Options o = options;
  o.observer = nullptr;
  json::object out{{"failure", json::parse(failure_to_json(found))}, {"found_report", found.report}};
  std::optional<std::string> first;
  for (int i = 0; i < runs; ++i) {
    const Result again = replay(found.token, test.body, o);
    const std::string report = again.failure ? again.failure->report : "";
    if (!first) {
      first = report;
      if (html && again.failure) out["html"] = failure_to_html(*again.failure);
    } else if (report != *first) {
      out["divergence"] = absl::StrCat("replay ", i + 1, " of the token rendered a different report than replay 1");
      break;
    }
  }
  if (first->empty()) {
    out["divergence"] = "replaying the decision token did not reproduce the failure";
    out["report"] = found.report;
  } else {
    out["report"] = *first;
  }
  return out;
}

uint64_t number(const json::object& request, std::string_view key, uint64_t fallback) {
  const json::value* v = request.if_contains(key);
  if (v == nullptr) return fallback;
  if (v->is_uint64()) return v->get_uint64();
  if (v->is_int64() && v->get_int64() >= 0) return static_cast<uint64_t>(v->get_int64());
  return fallback;
}

std::string text(const json::object& request, std::string_view key) {
  const json::value* v = request.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Options for a request: the test's own, with what the runner chose.
Options options_for(const RegisteredTest& test, const json::object& request) {
  Options o = test.options();
  o.seed = number(request, "seed", o.seed);
  if (std::string s = text(request, "strategy"); !s.empty()) o.strategy = s;
  o.time_budget = std::chrono::milliseconds(number(request, "time_budget_ms", 0));
  o.stall_timeout = std::chrono::milliseconds(number(request, "stall_timeout_ms", o.stall_timeout.count()));
  if (std::string c = text(request, "replay_command"); !c.empty()) o.replay_command = c;
  return o;
}

void list(const Channel& channel) {
  json::array tests;
  for (const RegisteredTest& t : registry()) {
    const Options o = t.options();
    tests.push_back(json::object{{"name", t.name},
                                 {"disabled", t.name.find(".DISABLED_") != std::string::npos},
                                 {"iterations", o.iterations},
                                 {"strategy", o.strategy},
                                 {"seed", o.seed}});
  }
  channel.send({{"type", "tests"}, {"tests", std::move(tests)}});
}

void run_slice(const Channel& channel, const RegisteredTest& test, const json::object& request) {
  SliceObserver observer(channel, test.name);
  Options o = options_for(test, request);
  o.first_execution = number(request, "first", 0);
  o.iterations = number(request, "count", 1);
  o.observer = &observer;
  channel.page->running.store(1, std::memory_order_release);
  const Result r = explore(o, test.body);
  channel.page->running.store(0, std::memory_order_release);
  json::object reply{{"type", "slice"},
                     {"test", test.name},
                     {"first", o.first_execution},
                     {"executions", r.executions},
                     {"steps", r.total_steps},
                     {"elapsed_ns", r.elapsed.count()},
                     {"schedules", observer.schedules()}};
  if (!r.error.ok()) reply["error"] = std::string(r.error.message());
  const int runs = request.contains("check_determinism") ? 3 : 1;
  reply["bug"] = r.failure ? found_bug(*r.failure, test, o, request.contains("html"), runs) : json::value(nullptr);
  json::array races;
  for (const Failure& f : r.races) races.push_back(bug(f, false));
  reply["races"] = std::move(races);
  channel.send(reply);
}

void run_replay(const Channel& channel, const RegisteredTest& test, const json::object& request) {
  SliceObserver observer(channel, test.name);
  Options o = options_for(test, request);
  o.observer = &observer;
  channel.page->running.store(1, std::memory_order_release);
  // A replay is how the tool looks at a schedule that crashed a worker: the
  // signal becomes a failure with the interleaving up to it.
  detail::FailureSignals::set_crashes_are_failures(true);
  const Result r = replay(text(request, "token"), test.body, o);
  detail::FailureSignals::set_crashes_are_failures(false);
  channel.page->running.store(0, std::memory_order_release);
  json::object reply{{"type", "replay"}, {"test", test.name}, {"steps", r.total_steps}};
  if (!r.error.ok()) reply["error"] = std::string(r.error.message());
  reply["bug"] = r.failure ? bug(*r.failure, request.contains("html")) : json::value(nullptr);
  channel.send(reply);
  // After a crash the process's memory may be corrupt: serve nothing more.
  if (r.failure && r.failure->kind == FailureKind::kCrash) std::_Exit(0);
}

size_t preemptions(const Failure& f) {
  return static_cast<size_t>(
      std::count_if(f.trace.begin(), f.trace.end(), [](const TraceStep& s) { return s.preempted; }));
}

// Fails "the same way": the same kind of failure at the same source line.
bool same_failure(const Failure& a, const Failure& b) {
  return a.kind == b.kind && a.where.file == b.where.file && a.where.line == b.where.line;
}

// Searches for a schedule that fails like the token's with fewer preemptions
// (then fewer steps): PCT at depths 1 and 2 (schedules with at most 0 and 1
// preemption points) and random, `budget` executions each, every failure of
// the same kind and line a candidate.
void minimize(const Channel& channel, const RegisteredTest& test, const json::object& request) {
  Options o = options_for(test, request);
  const Result original = replay(text(request, "token"), test.body, o);
  json::object reply{{"type", "minimized"}, {"test", test.name}};
  if (!original.error.ok() || !original.failure) {
    reply["error"] =
        original.error.ok() ? "the token does not fail: nothing to minimize" : std::string(original.error.message());
    channel.send(reply);
    return;
  }
  const Failure& before = *original.failure;
  std::optional<Failure> best;
  auto better = [&](const Failure& f) {
    const Failure& current = best ? *best : before;
    return std::pair(preemptions(f), f.trace.size() + f.elided_steps) <
           std::pair(preemptions(current), current.trace.size() + current.elided_steps);
  };
  const uint64_t budget = number(request, "budget", 2000);
  uint64_t tried = 0;
  for (const char* strategy : {"pct:1", "pct:2", "random"}) {
    Options search = o;
    search.strategy = strategy;
    search.stop_on_race = true;
    uint64_t first = 0;
    while (first < budget) {
      search.first_execution = first;
      search.iterations = budget - first;
      Result r = explore(search, test.body);
      tried += r.executions;
      if (!r.failure) break;
      if (same_failure(*r.failure, before) && better(*r.failure)) best = std::move(r.failure);
      first += r.executions;
    }
  }
  const Failure& after = best ? *best : before;
  // The report of the decision token replayed, as `weft replay` prints it.
  const Result shown = replay(after.token, test.body, o);
  reply["executions"] = tried;
  reply["before"] = json::object{{"preemptions", preemptions(before)},
                                 {"steps", before.trace.size() + before.elided_steps},
                                 {"token", before.token}};
  reply["after"] = json::object{
      {"preemptions", preemptions(after)}, {"steps", after.trace.size() + after.elided_steps}, {"token", after.token}};
  reply["report"] = shown.failure ? shown.failure->report : after.report;
  channel.send(reply);
}

[[noreturn]] void serve(const Channel& channel) {
  channel.send({{"type", "hello"},
                {"protocol", worker::kProtocolName},
                {"version", worker::kProtocolVersion},
                {"pid", getpid()}});
  if (channel.version != worker::kProtocolVersion) std::_Exit(2);  // the runner explains
  char* line = nullptr;
  size_t capacity = 0;
  while (getline(&line, &capacity, channel.requests) > 0) {
    boost::system::error_code error;
    json::value v = json::parse(line, error);
    if (error || !v.is_object()) {
      channel.send({{"type", "error"}, {"message", absl::StrCat("malformed request: ", line)}});
      continue;
    }
    const json::object& request = v.get_object();
    const std::string op = text(request, "op");
    if (op == "quit") break;
    if (op == "list") {
      list(channel);
      continue;
    }
    const RegisteredTest* test = find_test(text(request, "test"));
    if (test == nullptr) {
      channel.send({{"type", "error"}, {"message", absl::StrCat("no WEFT_TEST named '", text(request, "test"), "'")}});
    } else if (op == "run") {
      run_slice(channel, *test, request);
    } else if (op == "replay") {
      run_replay(channel, *test, request);
    } else if (op == "minimize") {
      minimize(channel, *test, request);
    } else {
      channel.send({{"type", "error"}, {"message", absl::StrCat("unknown request '", op, "'")}});
    }
  }
  std::fflush(nullptr);
  std::_Exit(0);
}

// WEFT_WORKER=<version>:<request fd>:<reply fd>:<page fd>.
bool parse_channel(const char* spec, Channel& out) {
  std::vector<std::string> parts = absl::StrSplit(spec, ':');
  int fds[3];
  if (parts.size() != 4 || !absl::SimpleAtoi(parts[0], &out.version)) return false;
  for (int i = 0; i < 3; ++i) {
    if (!absl::SimpleAtoi(parts[i + 1], &fds[i]) || fds[i] < 0) return false;
  }
  out.requests = fdopen(fds[0], "r");
  out.replies = fds[1];
  void* page = mmap(nullptr, sizeof(InFlightPage), PROT_READ | PROT_WRITE, MAP_SHARED, fds[2], 0);
  if (out.requests == nullptr || page == MAP_FAILED) return false;
  out.page = static_cast<InFlightPage*>(page);
  return true;
}

class WorkerListener final : public testing::EmptyTestEventListener {
  void OnTestProgramStart(const testing::UnitTest&) override {
    Channel channel;
    if (!parse_channel(std::getenv(worker::kWorkerEnv), channel)) {
      std::fprintf(stderr, "weft: %s='%s' is malformed; it is set by the weft tool, not by hand\n", worker::kWorkerEnv,
                   std::getenv(worker::kWorkerEnv));
      std::_Exit(2);
    }
    serve(channel);
  }
};

// A worker takes over once every test is registered and main() has run
// GoogleTest's initialization: in RUN_ALL_TESTS's first event.
[[maybe_unused]] const bool worker_listener_installed = [] {
  if (std::getenv(worker::kWorkerEnv) != nullptr) {
    testing::UnitTest::GetInstance()->listeners().Append(new WorkerListener);
  }
  return true;
}();

}  // namespace

bool register_test(const char* suite, const char* name, Options (*options)(), void (*body)()) {
  registry().push_back({absl::StrCat(suite, ".", name), options, body});
  return true;
}

}  // namespace weft::gtest
