#include "exploration.h"

#include <poll.h>
#include <signal.h>

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "worker_process.h"

namespace weft::tool {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// A slice should take about this long: long enough that a request and its
// reply cost little, short enough to balance the workers and stop promptly.
constexpr std::chrono::milliseconds kSliceTarget{100};
constexpr uint64_t kFirstSlice = 16;

uint64_t number(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_uint64()) return v->get_uint64();
  if (v->is_int64()) return static_cast<uint64_t>(std::max<int64_t>(0, v->get_int64()));
  return 0;
}

std::string text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

struct TestState {
  TestInfo info;
  TestOutcome outcome;
  uint64_t limit = 0;  // indices below this (UINT64_MAX: until the deadline)
  uint64_t next = 0;   // the next index to hand out
  bool started = false;
  bool stopped = false;  // a bug, crash, hang or error: no more slices
  bool done = false;
  int in_flight = 0;
  Clock::time_point start, deadline = Clock::time_point::max();
  double executions_per_second = 0;  // per worker, measured
};

struct Slot {
  std::unique_ptr<WorkerProcess> worker;
  TestState* test = nullptr;  // busy with a slice of it
  uint64_t first = 0;
  Clock::time_point last_progress;
  uint64_t last_started = 0;
  std::string stalled_report;  // the worker's own watchdog said so
  std::string stalled_token;
  bool killed_for_stall = false;
};

class Explorer {
 public:
  Explorer(const std::string& binary, const ExploreSettings& settings, Progress& progress)
      : binary_(binary), settings_(settings), progress_(progress) {}

  absl::Status run(const std::vector<TestInfo>& tests, std::vector<TestOutcome>& out,
                   std::unique_ptr<WorkerProcess> first_worker) {
    for (const TestInfo& t : tests) {
      TestState s;
      s.info = t;
      s.outcome.binary = binary_;
      s.outcome.test = t.name;
      s.limit = settings_.iterations ? *settings_.iterations : settings_.time.count() > 0 ? UINT64_MAX : t.iterations;
      tests_.push_back(std::move(s));
    }
    deadline_ = Clock::now() + settings_.time;
    slots_.resize(static_cast<size_t>(settings_.jobs));
    slots_[0].worker = std::move(first_worker);
    absl::Status status = loop();
    for (Slot& s : slots_) s.worker.reset();
    for (TestState& t : tests_) out.push_back(std::move(t.outcome));
    return status;
  }

 private:
  absl::Status loop() {
    for (;;) {
      bool busy = false;
      for (Slot& slot : slots_) {
        if (slot.test == nullptr) {
          if (absl::Status s = dispatch(slot); !s.ok()) return s;
        }
        busy |= slot.test != nullptr;
      }
      if (!busy) return absl::OkStatus();
      wait_for_replies();
      for (Slot& slot : slots_) {
        if (slot.worker == nullptr) continue;
        const bool open = slot.worker->pump();
        while (std::optional<json::object> reply = slot.worker->next_reply()) {
          if (absl::Status s = handle(slot, *reply); !s.ok()) return s;
        }
        if (!open) {
          worker_died(slot);
        } else if (slot.test != nullptr) {
          watch(slot);
        }
      }
      progress_.tick();
    }
  }

  void wait_for_replies() {
    std::vector<pollfd> fds;
    for (Slot& slot : slots_) {
      if (slot.worker == nullptr) continue;
      fds.push_back({slot.worker->reply_fd(), POLLIN, 0});
      fds.push_back({slot.worker->log_fd(), POLLIN, 0});
    }
    poll(fds.data(), fds.size(), 100);
  }

  // The test whose next slice goes out now, or null.
  TestState* next_test() {
    if (!settings_.keep_going) {
      for (const TestState& t : tests_) {
        if (t.stopped && t.outcome.status != TestOutcome::Status::kPassed) return nullptr;
      }
    }
    for (TestState& t : tests_) {
      if (t.done || t.stopped) continue;
      if (!t.started) start(t);
      if (Clock::now() >= t.deadline) t.next = t.limit;  // its time is up
      if (owned_start(t.next) < t.limit) return &t;
      if (t.in_flight == 0) finish(t);
    }
    return nullptr;
  }

  void start(TestState& t) {
    t.started = true;
    t.start = Clock::now();
    if (settings_.time.count() > 0) {
      // The time left is shared by the tests not started yet.
      int waiting = 1;
      for (const TestState& u : tests_) waiting += u.started ? 0 : 1;
      t.deadline = t.start + std::max<Clock::duration>((deadline_ - t.start) / waiting, std::chrono::milliseconds(1));
    }
  }

  // The first index at or after `index` that this shard owns.
  uint64_t owned_start(uint64_t index) const {
    const Shard& s = settings_.shard;
    if (s.count == 1) return index;
    uint64_t block = index / kShardBlock;
    const uint64_t offset = (block % s.count + s.count - s.index) % s.count;
    if (offset == 0) return index;
    block += s.count - offset;
    return block * kShardBlock;
  }

  absl::Status dispatch(Slot& slot) {
    TestState* t = next_test();
    if (t == nullptr) return absl::OkStatus();
    if (slot.worker == nullptr) {
      absl::StatusOr<std::unique_ptr<WorkerProcess>> w = WorkerProcess::start(binary_);
      if (!w.ok()) return w.status();
      slot.worker = *std::move(w);
    }
    const uint64_t first = owned_start(t->next);
    uint64_t count = kFirstSlice;
    if (t->executions_per_second > 0) {
      count = static_cast<uint64_t>(t->executions_per_second * std::chrono::duration<double>(kSliceTarget).count());
    }
    if (t->limit != UINT64_MAX) count = std::min(count, (t->limit - first + settings_.jobs - 1) / settings_.jobs);
    if (settings_.shard.count > 1) count = std::min(count, kShardBlock - first % kShardBlock);
    count = std::clamp<uint64_t>(count, 1, std::min<uint64_t>(1 << 20, t->limit - first));
    t->next = first + count;
    json::object request{{"op", "run"},
                         {"test", t->info.name},
                         {"first", first},
                         {"count", count},
                         {"stall_timeout_ms", settings_.stall_timeout.count()},
                         {"replay_command", replay_command(settings_, binary_, t->info.name, "{token}")}};
    if (settings_.seed) request["seed"] = *settings_.seed;
    if (settings_.strategy) request["strategy"] = *settings_.strategy;
    if (t->deadline != Clock::time_point::max()) {
      request["time_budget_ms"] = std::max<int64_t>(
          1, std::chrono::duration_cast<std::chrono::milliseconds>(t->deadline - Clock::now()).count());
    }
    if (settings_.html) request["html"] = true;
    if (settings_.check_determinism) request["check_determinism"] = true;
    if (!slot.worker->send(request).ok()) {
      // It died between slices; the loop sees its pipe close.
      t->next = first;
      return absl::OkStatus();
    }
    ++t->in_flight;
    slot.test = t;
    slot.first = first;
    slot.last_progress = Clock::now();
    slot.last_started = slot.worker->page().started.load(std::memory_order_acquire);
    return absl::OkStatus();
  }

  absl::Status handle(Slot& slot, const json::object& reply) {
    const std::string type = text(reply, "type");
    if (type == "stalled") {
      slot.stalled_report = text(reply, "report");
      slot.stalled_token = text(reply, "token");
      return absl::OkStatus();
    }
    if (type == "malformed") {
      return absl::InternalError(
          absl::StrCat(binary_, ": the worker sent a line that is not JSON: ", text(reply, "line")));
    }
    if (type == "error") {
      return absl::InternalError(absl::StrCat(binary_, ": the worker refused a request: ", text(reply, "message")));
    }
    if (type != "slice" || slot.test == nullptr) {
      return absl::InternalError(absl::StrCat(binary_, ": unexpected worker reply '", type, "'"));
    }
    TestState& t = *slot.test;
    slot.test = nullptr;
    --t.in_flight;
    const uint64_t executions = number(reply, "executions");
    t.outcome.executions += executions;
    t.outcome.steps += number(reply, "steps");
    progress_.add_executions(executions);
    if (const json::value* s = reply.if_contains("schedules"); s != nullptr && s->is_array()) {
      for (const json::value& h : s->get_array()) {
        if (h.is_uint64()) t.outcome.schedules.insert(h.get_uint64());
        if (h.is_int64()) t.outcome.schedules.insert(static_cast<uint64_t>(h.get_int64()));
      }
    }
    const double seconds = static_cast<double>(number(reply, "elapsed_ns")) / 1e9;
    if (seconds > 0 && executions > 0) t.executions_per_second = static_cast<double>(executions) / seconds;
    if (std::string error = text(reply, "error"); !error.empty()) {
      set_problem(t, TestOutcome::Status::kError, 0, absl::StrCat("weft could not run the test: ", error), "");
    }
    const json::value* bug = reply.if_contains("bug");
    if (bug == nullptr || !bug->is_object()) {
      // Races recorded without stopping (Options::stop_on_race = false) are bugs too.
      if (const json::value* races = reply.if_contains("races");
          races != nullptr && races->is_array() && !races->get_array().empty()) {
        bug = &races->get_array()[0];
      }
    }
    if (bug != nullptr && bug->is_object()) record_bug(t, bug->get_object());
    if ((t.stopped || owned_start(t.next) >= t.limit) && t.in_flight == 0) finish(t);
    return absl::OkStatus();
  }

  // Of the bugs, crashes and hangs slices found, the one with the lowest
  // execution index: the one a single process would have stopped at.
  bool first_finding(TestState& t, uint64_t index) {
    t.stopped = true;
    const bool found = t.outcome.status == TestOutcome::Status::kBug ||
                       t.outcome.status == TestOutcome::Status::kCrash ||
                       t.outcome.status == TestOutcome::Status::kHang;
    if (t.outcome.status == TestOutcome::Status::kError || (found && index >= t.outcome.bug_execution)) return false;
    t.outcome.bug_execution = index;
    return true;
  }

  void record_bug(TestState& t, const json::object& bug) {
    const json::value* f = bug.if_contains("failure");
    if (f == nullptr || !f->is_object() || !first_finding(t, number(f->get_object(), "execution"))) return;
    t.outcome.status = TestOutcome::Status::kBug;
    t.outcome.bug = bug;
    t.outcome.problem.clear();
    t.outcome.token = text(f->get_object(), "token");
    t.outcome.replay_command = replay_command(settings_, binary_, t.info.name, t.outcome.token);
  }

  void set_problem(TestState& t, TestOutcome::Status status, uint64_t index, std::string problem, std::string token) {
    if (status != TestOutcome::Status::kError && !first_finding(t, index)) return;
    t.stopped = true;
    t.outcome.status = status;
    t.outcome.bug.reset();
    t.outcome.problem = std::move(problem);
    t.outcome.token = std::move(token);
    t.outcome.replay_command =
        t.outcome.token.empty() ? "" : replay_command(settings_, binary_, t.info.name, t.outcome.token);
  }

  void finish(TestState& t) {
    if (t.done) return;
    t.done = true;
    if (t.outcome.status == TestOutcome::Status::kNotRun) t.outcome.status = TestOutcome::Status::kPassed;
    t.outcome.elapsed = Clock::now() - t.start;
    progress_.test_done(t.outcome.status != TestOutcome::Status::kPassed);
  }

  // The runner's watchdog is the fallback: the worker's own reports a stall
  // after 1 to 1.25 timeouts, then takes up to 2 s for the stack and some
  // more to symbolize it on a loaded machine.
  std::chrono::milliseconds runner_stall_limit() const {
    return settings_.stall_timeout * 2 + std::chrono::seconds(10);
  }

  // The runner's watchdog: no execution started for runner_stall_limit().
  void watch(Slot& slot) {
    const uint64_t started = slot.worker->page().started.load(std::memory_order_acquire);
    const auto now = Clock::now();
    if (started != slot.last_started) {
      slot.last_started = started;
      slot.last_progress = now;
      return;
    }
    if (settings_.stall_timeout.count() > 0 && now - slot.last_progress > runner_stall_limit()) {
      slot.killed_for_stall = true;
      slot.worker->kill();
    }
  }

  void worker_died(Slot& slot) {
    WorkerProcess& w = *slot.worker;
    const std::string how = w.wait_for_exit();
    if (slot.test != nullptr) {
      TestState& t = *slot.test;
      --t.in_flight;
      const uint64_t index = w.page().index.load(std::memory_order_acquire);
      const uint64_t ran = index >= slot.first ? index - slot.first + 1 : 0;
      t.outcome.executions += ran;
      progress_.add_executions(ran);
      const std::string token = w.token_in_flight();
      if (!slot.stalled_report.empty()) {
        set_problem(t, TestOutcome::Status::kHang, index, slot.stalled_report, slot.stalled_token);
      } else if (slot.killed_for_stall) {
        set_problem(t, TestOutcome::Status::kHang, index,
                    absl::StrCat("execution ", index, " stalled outside weft's control: no execution finished for ",
                                 absl::FormatDuration(absl::FromChrono(runner_stall_limit())),
                                 " and the worker's own watchdog did not answer, so weft killed it\n"),
                    token);
      } else {
        set_problem(t, TestOutcome::Status::kCrash, index, crash_report(t, index, how, w, token), token);
      }
      if (t.in_flight == 0) finish(t);
    }
    slot.test = nullptr;
    slot.stalled_report.clear();
    slot.killed_for_stall = false;
    slot.worker.reset();  // dispatch starts a fresh worker when there is work
  }

  // What the worker printed, the signal, and what replaying the token in a
  // fresh worker did.
  std::string crash_report(const TestState& t, uint64_t index, const std::string& how, const WorkerProcess& w,
                           const std::string& token) {
    std::string out = absl::StrCat("the worker ", how, " during execution ", index, " of ", t.info.name,
                                   "; weft's worker isolates it, the other tests go on.\n");
    if (!w.log_tail().empty())
      absl::StrAppend(&out, "its last output:\n", w.log_tail(), w.log_tail().back() == '\n' ? "" : "\n");
    if (token.empty()) return out;
    absl::StatusOr<std::unique_ptr<WorkerProcess>> fresh = WorkerProcess::start(binary_);
    if (!fresh.ok()) return out;
    (*fresh)
        ->send(json::object{{"op", "replay"},
                            {"test", t.info.name},
                            {"token", token},
                            {"stall_timeout_ms", settings_.stall_timeout.count()},
                            {"replay_command", replay_command(settings_, binary_, t.info.name, "{token}")}})
        .IgnoreError();
    absl::StatusOr<json::object> reply = (*fresh)->receive(runner_stall_limit());
    const json::value* bug = reply.ok() ? reply->if_contains("bug") : nullptr;
    const json::value* failure =
        bug != nullptr && bug->is_object() ? bug->get_object().if_contains("failure") : nullptr;
    if (failure != nullptr && failure->is_object() && text(failure->get_object(), "kind") == "crash") {
      const json::value* evidence = failure->get_object().if_contains("evidence");
      const bool same = evidence != nullptr && evidence->is_object() &&
                        number(evidence->get_object(), "signal") == static_cast<uint64_t>(w.exit_signal());
      // A worker under AddressSanitizer exits with a code instead of dying
      // of the signal: there is no signal to compare.
      const char* how_again = same ? " the same way" : w.exit_signal() != 0 ? " (with another signal)" : "";
      absl::StrAppend(&out, "replayed once in a fresh worker, it crashed again", how_again,
                      "; the interleaving up to the crash:\n", text(bug->get_object(), "report"));
    } else if (!reply.ok()) {
      absl::StrAppend(&out, "replayed once in a fresh worker: it ", (*fresh)->wait_for_exit(), "\n");
    } else if (bug != nullptr && bug->is_object()) {
      absl::StrAppend(&out, "replayed once in a fresh worker, it failed otherwise:\n",
                      text(bug->get_object(), "report"));
    } else {
      absl::StrAppend(&out,
                      "replayed once in a fresh worker: it did not crash again; the crash depends on something "
                      "outside weft's control (real time, real threads, unseeded randomness, addresses)\n");
    }
    return out;
  }

  const std::string& binary_;
  const ExploreSettings& settings_;
  Progress& progress_;
  std::vector<TestState> tests_;
  std::vector<Slot> slots_;
  Clock::time_point deadline_;  // of the whole binary, with --time
};

}  // namespace

std::string_view status_name(TestOutcome::Status status) {
  switch (status) {
    case TestOutcome::Status::kPassed:
      return "passed";
    case TestOutcome::Status::kBug:
      return "bug";
    case TestOutcome::Status::kCrash:
      return "crash";
    case TestOutcome::Status::kHang:
      return "hang";
    case TestOutcome::Status::kNotRun:
      return "not run";
    case TestOutcome::Status::kError:
      return "error";
  }
  return "?";
}

std::string replay_command(const ExploreSettings& settings, const std::string& binary, const std::string& test,
                           const std::string& token) {
  return absl::StrCat(settings.weft_binary, " replay ", binary, " ", test, " ", token);
}

absl::StatusOr<std::vector<TestInfo>> list_tests(const std::string& binary, std::unique_ptr<WorkerProcess>* keep) {
  absl::StatusOr<std::unique_ptr<WorkerProcess>> w = WorkerProcess::start(binary);
  if (!w.ok()) return w.status();
  if (absl::Status s = (*w)->send(json::object{{"op", "list"}}); !s.ok()) return s;
  absl::StatusOr<json::object> reply = (*w)->receive(std::chrono::seconds(60));
  if (!reply.ok())
    return absl::InternalError(absl::StrCat(binary, ": listing its tests failed: ", reply.status().message()));
  const json::value* tests = reply->if_contains("tests");
  if (tests == nullptr || !tests->is_array()) return absl::InternalError(absl::StrCat(binary, ": bad list reply"));
  std::vector<TestInfo> out;
  for (const json::value& v : tests->get_array()) {
    if (!v.is_object()) continue;
    const json::object& o = v.get_object();
    const json::value* disabled = o.if_contains("disabled");
    out.push_back(
        {text(o, "name"), disabled != nullptr && disabled->is_bool() && disabled->get_bool(), number(o, "iterations")});
  }
  if (keep != nullptr) {
    *keep = *std::move(w);
  } else {
    (*w)->send(json::object{{"op", "quit"}}).IgnoreError();
  }
  return out;
}

absl::Status explore_binary(const std::string& binary, const std::vector<TestInfo>& tests,
                            const ExploreSettings& settings, Progress& progress, std::vector<TestOutcome>& out,
                            std::unique_ptr<WorkerProcess> first_worker) {
  return Explorer(binary, settings, progress).run(tests, out, std::move(first_worker));
}

absl::Status require_test(const std::string& binary, const std::string& test, std::unique_ptr<WorkerProcess>* keep) {
  absl::StatusOr<std::vector<TestInfo>> tests = list_tests(binary, keep);
  if (!tests.ok()) return tests.status();
  for (const TestInfo& t : *tests) {
    if (t.name == test) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("no WEFT_TEST named '", test, "' in ", binary, "; `weft list ", binary, "` shows them"));
}

}  // namespace weft::tool
