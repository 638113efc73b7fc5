// Scenario testing of a concurrent data structure against a sequential model,
// in the style of Lincheck: random scenarios (a few operations run first, then
// a few threads each running a few operations at once, then a few at the end)
// are run under weft's scheduler; every execution's history is checked for
// linearizability, and a failing scenario is shrunk to a smallest one that
// still fails.
//
//   struct LockedQueue { ... uses weft::mutex ... };
//   using Model = weft::lin::QueueModel<int>;
//   weft::lin::ScenarioTester<Model, LockedQueue> tester(
//       Model{},
//       // Runs one operation on the implementation and returns its output.
//       [](LockedQueue& q, const Model::Input& in) -> Model::Output {
//         if (in.kind == Model::Kind::kPut) { q.push(in.value); return Model::done(); }
//         auto v = q.pop();
//         return v ? Model::value(*v) : Model::empty();
//       },
//       // Draws a random operation.
//       [](std::mt19937_64& rng) {
//         return rng() % 2 ? Model::enqueue(static_cast<int>(rng() % 3)) : Model::dequeue();
//       });
//   weft::lin::ScenarioResult<Model> r = tester.run();
//   EXPECT_FALSE(r.bug_found()) << r.report;
//
// Needs the weft runtime: link `weft` (which includes weft_lin).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "weft/explore.h"
#include "weft/lin/check.h"
#include "weft/lin/detail/fail_execution.h"
#include "weft/lin/model.h"
#include "weft/lin/render.h"
#include "weft/sync/assert.h"
#include "weft/sync/thread.h"

namespace weft::lin {

template <Model M>
struct Scenario {
  using Input = typename M::Input;
  std::vector<Input> init;                   // run first, by one thread
  std::vector<std::vector<Input>> parallel;  // one list per thread, run at once
  std::vector<Input> post;                   // run last, by one thread

  std::size_t size() const {
    std::size_t n = init.size() + post.size();
    for (const auto& t : parallel) n += t.size();
    return n;
  }

  std::string describe(const M& model) const {
    auto list = [&](const std::vector<Input>& ops) {
      std::string out;
      for (const Input& in : ops) {
        const std::string text = model.describe(in, std::nullopt);
        absl::StrAppend(&out, out.empty() ? "" : ", ", absl::StripSuffix(text, " -> ?"));
      }
      return out.empty() ? std::string("-") : out;
    };
    std::string out = absl::StrCat("  init:     ", list(init), "\n");
    for (std::size_t t = 0; t < parallel.size(); ++t) {
      absl::StrAppend(&out, "  thread ", t + 1, ": ", list(parallel[t]), "\n");
    }
    absl::StrAppend(&out, "  post:     ", list(post), "\n");
    return out;
  }
};

struct ScenarioOptions {
  int threads = 2;         // parallel threads per scenario
  int ops_per_thread = 3;  // operations per parallel thread
  int init_ops = 1;        // operations before the parallel part
  int post_ops = 0;        // operations after it
  int scenarios = 30;      // random scenarios to try
  std::uint64_t seed = 1;  // for generating scenarios
  // How each scenario is explored (schedules per scenario, strategy, ...).
  Options explore = Options{.iterations = 300};
  // Shrink a failing scenario by dropping operations while it still fails.
  bool shrink = true;
  std::chrono::milliseconds shrink_budget{30'000};
};

template <Model M>
struct ScenarioResult {
  bool bug_found() const { return failure.has_value(); }
  int scenarios_run = 0;
  std::optional<Scenario<M>> scenario;  // the failing scenario, shrunk
  std::optional<Failure> failure;       // how it failed: report, token
  std::string report;                   // the scenario, then the failure report
  absl::Status error;                   // the exploration could not run
};

template <Model M, class Impl>
class ScenarioTester {
 public:
  using Input = typename M::Input;
  using Output = typename M::Output;
  using Execute = std::function<Output(Impl&, const Input&)>;
  using Generate = std::function<Input(std::mt19937_64&)>;

  ScenarioTester(M model, Execute execute, Generate generate, ScenarioOptions options = {})
      : model_(std::move(model)),
        execute_(std::move(execute)),
        generate_(std::move(generate)),
        options_(std::move(options)) {}

  // Tries random scenarios until one fails (then shrinks it) or all pass.
  ScenarioResult<M> run() const {
    std::mt19937_64 rng(options_.seed);
    ScenarioResult<M> result;
    for (int i = 0; i < options_.scenarios; ++i) {
      Scenario<M> scenario = random_scenario(rng);
      ++result.scenarios_run;
      Result r = explore_scenario(scenario);
      if (!r.error.ok()) {
        result.error = r.error;
        return result;
      }
      if (r.failure) {
        if (options_.shrink) shrink(scenario, r);
        result.scenario = scenario;
        result.failure = std::move(r.failure);
        result.report = absl::StrCat("scenario (", scenario.size(), " operations):\n", scenario.describe(model_), "\n",
                                     result.failure->report);
        return result;
      }
    }
    return result;
  }

  // Explores one given scenario.
  Result explore_scenario(const Scenario<M>& scenario) const {
    return explore(options_.explore, [&] { body(scenario); });
  }

  // Runs one given scenario under the schedule `token` (from a failure).
  Result replay_scenario(const Scenario<M>& scenario, std::string_view token) const {
    return replay(
        token, [&] { body(scenario); }, options_.explore);
  }

  // One execution of `scenario`, its history checked: the body of a
  // WEFT_TEST (or of weft::explore) that keeps a known scenario as a test.
  void run_scenario(const Scenario<M>& scenario) const { body(scenario); }

 private:
  Scenario<M> random_scenario(std::mt19937_64& rng) const {
    Scenario<M> s;
    for (int i = 0; i < options_.init_ops; ++i) s.init.push_back(generate_(rng));
    s.parallel.resize(static_cast<std::size_t>(options_.threads));
    for (auto& ops : s.parallel) {
      for (int i = 0; i < options_.ops_per_thread; ++i) ops.push_back(generate_(rng));
    }
    for (int i = 0; i < options_.post_ops; ++i) s.post.push_back(generate_(rng));
    return s;
  }

  // One execution: run the scenario, record the history, check it.
  void body(const Scenario<M>& scenario) const {
    Impl impl{};
    HistoryOf<M> history;
    // Threads switch only at weft's scheduling points, so a plain counter
    // read before and after each operation orders the events truly.
    Time clock = 0;
    auto run_op = [&](std::int64_t client, const Input& in) {
      const Time call = clock++;
      Output out = execute_(impl, in);
      history.push_back({.client = client, .input = in, .output = std::move(out), .call = call, .ret = clock++});
    };
    for (const Input& in : scenario.init) run_op(0, in);
    std::vector<thread> threads;
    for (std::size_t t = 0; t < scenario.parallel.size(); ++t) {
      threads.emplace_back([&, t] {
        for (const Input& in : scenario.parallel[t]) run_op(static_cast<std::int64_t>(t + 1), in);
      });
    }
    for (thread& t : threads) t.join();
    for (const Input& in : scenario.post) run_op(0, in);

    CheckOptions check_options;
    check_options.time_limit = absl::Seconds(10);
    const CheckResult r = check(model_, history, check_options);
    if (r.verdict == Verdict::kNotLinearizable) {
      HistoryView view = view_of(model_, history, r);
      view.title = "the history of this execution";
      view.show_elapsed = false;
      if (!detail::fail_not_linearizable(detail::evidence_of(view, r))) {
        WEFT_ASSERT_MSG(false, render_text(view, r));  // not inside an execution
      }
    }
  }

  // Drops one operation at a time (and empty threads) while the scenario
  // still fails under the same exploration options; keeps the last failure.
  void shrink(Scenario<M>& scenario, Result& failing) const {
    const auto deadline = std::chrono::steady_clock::now() + options_.shrink_budget;
    bool progress = true;
    while (progress && std::chrono::steady_clock::now() < deadline) {
      progress = false;
      for (const Scenario<M>& smaller : one_smaller(scenario)) {
        if (std::chrono::steady_clock::now() >= deadline) break;
        Result r = explore_scenario(smaller);
        if (r.failure) {
          scenario = smaller;
          failing = std::move(r);
          progress = true;
          break;
        }
      }
    }
  }

  static std::vector<Scenario<M>> one_smaller(const Scenario<M>& s) {
    std::vector<Scenario<M>> out;
    auto drop = [](std::vector<Input> ops, std::size_t i) {
      ops.erase(ops.begin() + static_cast<long>(i));
      return ops;
    };
    for (std::size_t t = 0; t < s.parallel.size(); ++t) {
      for (std::size_t i = 0; i < s.parallel[t].size(); ++i) {
        Scenario<M> c = s;
        c.parallel[t] = drop(s.parallel[t], i);
        if (c.parallel[t].empty()) c.parallel.erase(c.parallel.begin() + static_cast<long>(t));
        out.push_back(std::move(c));
      }
    }
    for (std::size_t i = 0; i < s.init.size(); ++i) {
      Scenario<M> c = s;
      c.init = drop(s.init, i);
      out.push_back(std::move(c));
    }
    for (std::size_t i = 0; i < s.post.size(); ++i) {
      Scenario<M> c = s;
      c.post = drop(s.post, i);
      out.push_back(std::move(c));
    }
    return out;
  }

  M model_;
  Execute execute_;
  Generate generate_;
  ScenarioOptions options_;
};

}  // namespace weft::lin
