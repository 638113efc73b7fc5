// weft::explore and weft::replay: the loop over executions, the strategy
// rotation, and turning a failed execution into a Result.
#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "weft/detect/happens_before.h"
#include "weft/detect/lock_order.h"
#include "weft/explore.h"
#include "weft/report/describe.h"
#include "weft/report/render.h"
#include "weft/report/token.h"
#include "weft/runtime/execution.h"
#include "weft/runtime/failure_signals.h"
#include "weft/runtime/stall_watchdog.h"
#include "weft/strategy/input_bytes.h"
#include "weft/strategy/replay.h"

namespace weft {
namespace {

using detail::ScheduleToken;
using Clock = std::chrono::steady_clock;

// The strategies an exploration rotates through, one per execution. A
// strategy named in several places is one instance: it learns from all its
// executions (PCT's k, SURW's profile), as one strategy given that share.
struct Rotation {
  std::vector<std::unique_ptr<detail::Strategy>> owned;
  std::vector<detail::Strategy*> places;
};

absl::StatusOr<Rotation> make_rotation(absl::string_view spec) {
  const std::vector<absl::string_view> specs =
      spec == "portfolio" ? std::vector<absl::string_view>(kPortfolioStrategies.begin(), kPortfolioStrategies.end())
                          : std::vector<absl::string_view>{spec};
  Rotation out;
  std::vector<absl::string_view> made;
  for (absl::string_view s : specs) {
    const size_t at = std::find(made.begin(), made.end(), s) - made.begin();
    if (at == made.size()) {
      absl::StatusOr<std::unique_ptr<detail::Strategy>> strategy = detail::make_strategy(s);
      if (!strategy.ok()) return strategy.status();
      out.owned.push_back(*std::move(strategy));
      made.push_back(s);
    }
    out.places.push_back(out.owned[at].get());
  }
  return out;
}

absl::Status validate(const Options& o) {
  if (o.max_steps == 0) return absl::InvalidArgumentError("Options::max_steps must be at least 1");
  if (o.stack_size < 16 * 1024) return absl::InvalidArgumentError("Options::stack_size must be at least 16 KiB");
  if (o.time_budget.count() < 0) return absl::InvalidArgumentError("Options::time_budget must not be negative");
  return absl::OkStatus();
}

// Everything one exploration or replay needs, wired together.
class Session {
 public:
  // `options` must outlive the session. Replays pass the caller's options
  // with the detection settings of the token applied.
  Session(const Options& options, bool spurious, uint64_t max_steps)
      : watchdog_(options.stall_timeout, &execution_, options.observer),
        options_(options),
        stacks_(options.stack_size),
        execution_(detail::ExecutionConfig{.max_steps = max_steps,
                                           .spurious_wakeups = spurious,
                                           .detect_races = options.detect_races,
                                           .stack_size = options.stack_size},
                   stacks_),
        signals_(&execution_) {
    if (options.detect_races) execution_.set_race_detector(&races_);
    races_.set_stop_on_race(options.stop_on_race);
    if (options.detect_lock_order) execution_.set_lock_order_detector(&lock_order_);
    token_base_.max_steps = max_steps;
    token_base_.spurious_wakeups = spurious;
    token_base_.detect_races = options.detect_races;
    token_base_.detect_lock_order = options.detect_lock_order;
    // Set once: a closure over the current execution's context would cost an
    // allocation per execution.
    execution_.finish_failure = [this](Failure& f) { finish_failure(f); };
  }

  // Runs one execution; true if it failed.
  bool run(const std::function<void()>& body, detail::Strategy& strategy, uint64_t seed, uint64_t index,
           absl::string_view given_token = {}) {
    if (options_.detect_races) races_.reset();
    if (options_.detect_lock_order) lock_order_.begin_execution();
    strategy.begin_execution(seed, index);
    detail::FailureSignals::set_crash_execution(index);
    const std::string spec = strategy.replay_spec();
    if (given_token.empty() && spec != crash_spec_) {
      crash_spec_ = spec;
      ScheduleToken t = token_base_;
      t.form = ScheduleToken::Form::kSeed;
      t.strategy = spec;
      t.seed = seed;
      t.execution = 0;
      const std::string token = detail::format_token(t);  // ...-0-<max_steps>-<flags>
      const size_t flags_dash = token.rfind('-');
      const size_t suffix_start = token.rfind('-', flags_dash - 1);  // "-<max_steps>-<flags>"
      token_suffix_ = token.substr(suffix_start);
      token_prefix_ = token.substr(0, suffix_start - 1);  // drops the "0"
      const std::string before =
          absl::StrCat("weft: replay the schedule that crashed with WEFT_REPLAY=", token_prefix_);
      const std::string after = absl::StrCat(token_suffix_, "\n");
      detail::FailureSignals::set_crash_note(before, after);
    }
    if (options_.observer != nullptr && given_token.empty()) {
      options_.observer->starting(index, token_prefix_, token_suffix_);
    }
    current_ = {&strategy, seed, index, given_token};
    watchdog_.execution_starting(index, token_prefix_, token_suffix_, {given_token.data(), given_token.size()});
    execution_.run(body, strategy, index);
    watchdog_.execution_finished();
    if (options_.observer != nullptr) {
      execution_.decisions().decode_into(observed_decisions_);
      options_.observer->finished(index, observed_decisions_, execution_.step());
    }
    // Races recorded without stopping get this execution's full token.
    for (size_t i = finished_races_; i < races_.recorded().size(); ++i) execution_.finish_failure(races_.recorded()[i]);
    finished_races_ = races_.recorded().size();
    strategy.end_execution(execution_.choice_points());
    total_steps_ += execution_.step();
    return execution_.failure().has_value();
  }

  detail::Execution& execution() { return execution_; }
  uint64_t total_steps() const { return total_steps_; }

 private:
  // What finish_failure needs to know about the execution running now.
  struct Current {
    detail::Strategy* strategy = nullptr;
    uint64_t seed = 0;
    uint64_t index = 0;
    absl::string_view given_token;
  };

  // Fills in the token fields and the report of a failure of the current execution.
  void finish_failure(Failure& f) {
    detail::Strategy& strategy = *current_.strategy;
    ScheduleToken t = token_base_;
    execution_.decisions().decode_into(t.decisions);
    f.token = current_.given_token.empty() ? detail::format_token(t) : std::string(current_.given_token);
    if (strategy.name() != "replay" && !strategy.replay_spec().empty()) {
      ScheduleToken s = token_base_;
      s.form = ScheduleToken::Form::kSeed;
      s.strategy = strategy.replay_spec();
      s.seed = current_.seed;
      s.execution = current_.index;
      f.seed_token = detail::format_token(s);
    }
    if (!options_.replay_command.empty()) {
      f.replay_command = absl::StrReplaceAll(options_.replay_command, {{"{token}", f.token}});
    }
    f.report = detail::render_text_report(f, {strategy.name(), current_.seed});
  }

 public:
  std::vector<Failure> take_races() { return std::exchange(races_.recorded(), {}); }

 private:
  // First: the process's stall monitor thread starts (once) before any stack
  // is mapped, so thread creation never moves the addresses stacks get.
  detail::StallWatchdog watchdog_;
  const Options& options_;
  detail::StackPool stacks_;
  detail::Execution execution_;
  detail::HappensBefore races_;
  detail::LockOrder lock_order_;
  detail::FailureSignals signals_;
  ScheduleToken token_base_;
  std::string crash_spec_;
  std::string token_prefix_;  // the seed token of the execution running: prefix + index + suffix
  std::string token_suffix_;
  uint64_t total_steps_ = 0;
  size_t finished_races_ = 0;
  std::vector<uint32_t> observed_decisions_;  // what the observer is shown, reused
  Current current_;
};

// What a systematic search covered, in Result's fields and one sentence.
void describe_search(const detail::Strategy& strategy, Result& result) {
  const std::optional<detail::SearchCoverage> c = strategy.coverage();
  if (!c) return;
  result.exhausted = c->exhausted && !result.failure;
  result.schedules = c->schedules;
  result.classes = c->classes;
  const auto preemptions = [](int k) { return absl::StrCat(k, k == 1 ? " preemption" : " preemptions"); };
  const std::string counts = absl::StrCat(c->schedules, " schedules, ", c->classes, " classes");
  const bool bounded = c->bound >= 0;
  if (result.failure) {
    result.search = absl::StrCat("bug found in a schedule with ", preemptions(c->last_preemptions), ", after ", counts,
                                 bounded ? "; every schedule with fewer ran clean" : "");
  } else if (c->exhausted) {
    result.search = bounded ? absl::StrCat("exhausted: no bug with <= ", preemptions(c->bound), " (", counts,
                                           c->complete ? "; no schedule of the program has more" : "", ")")
                            : absl::StrCat("exhausted: no bug in any schedule (", counts, ")");
  } else {
    result.search = bounded ? absl::StrCat("not exhausted: the budget ran out in the pass of ", preemptions(c->reached),
                                           " (bound ", c->bound, "), after ", counts)
                            : absl::StrCat("not exhausted: the budget ran out after ", counts);
  }
}

}  // namespace

Result explore(const Options& options, const std::function<void()>& body) {
  Result result;
  const Clock::time_point start = Clock::now();
  if (absl::Status s = validate(options); !s.ok()) {
    result.error = s;
    return result;
  }
  absl::StatusOr<Rotation> rotation = make_rotation(options.strategy);
  if (!rotation.ok()) {
    result.error = rotation.status();
    return result;
  }
  Session session(options, options.spurious_wakeups, options.max_steps);
  const size_t n = rotation->places.size();
  for (uint64_t n_run = 0; n_run < options.iterations; ++n_run) {
    const uint64_t i = options.first_execution + n_run;
    // Checking the clock every execution would cost more than a short one.
    // The first execution always runs: a budget that ran out during set-up
    // (a stalled machine) must not make an exploration that explored nothing.
    if (options.time_budget.count() > 0 && n_run > 0 && (n_run & 63) == 0 &&
        Clock::now() - start >= options.time_budget) {
      break;
    }
    detail::Strategy& strategy = *rotation->places[i % n];
    if (strategy.search_done()) break;
    ++result.executions;
    if (session.run(body, strategy, options.seed, i)) {
      result.failure = session.execution().take_failure();
      break;
    }
  }
  if (n == 1) describe_search(*rotation->places[0], result);
  result.races = session.take_races();
  result.total_steps = session.total_steps();
  result.elapsed = Clock::now() - start;
  return result;
}

namespace {

Result replay_token(absl::string_view token, const std::function<void()>& body, const Options& options,
                    std::span<uint8_t> feedback);

}  // namespace

Result replay(std::string_view token, const std::function<void()>& body, const Options& options) {
  return replay_token({token.data(), token.size()}, body, options, {});
}

Result run_input(std::string_view input, const std::function<void()>& body, const Options& options,
                 std::span<uint8_t> feedback) {
  ScheduleToken t;
  t.form = ScheduleToken::Form::kInput;
  t.max_steps = options.max_steps;
  t.spurious_wakeups = options.spurious_wakeups;
  t.detect_races = options.detect_races;
  t.detect_lock_order = options.detect_lock_order;
  t.input = std::string(input);
  return replay_token(detail::format_token(t), body, options, feedback);
}

namespace {

Result replay_token(absl::string_view token, const std::function<void()>& body, const Options& options,
                    std::span<uint8_t> feedback) {
  Result result;
  const Clock::time_point start = Clock::now();
  absl::StatusOr<ScheduleToken> parsed = detail::parse_token(token);
  if (!parsed.ok()) {
    result.error = parsed.status();
    return result;
  }
  if (absl::Status s = validate(options); !s.ok()) {
    result.error = s;
    return result;
  }
  std::unique_ptr<detail::Strategy> strategy;
  if (parsed->form == ScheduleToken::Form::kDecisions) {
    strategy = std::make_unique<detail::ReplayStrategy>(parsed->decisions);
  } else if (parsed->form == ScheduleToken::Form::kInput) {
    strategy = std::make_unique<detail::InputStrategy>(std::move(parsed->input), feedback);
  } else {
    absl::StatusOr<std::unique_ptr<detail::Strategy>> s = detail::make_strategy(parsed->strategy);
    if (!s.ok()) {
      result.error = absl::InvalidArgumentError(absl::StrCat("bad schedule token: ", s.status().message()));
      return result;
    }
    strategy = *std::move(s);
  }
  // What the token says about detection wins: the same schedule must report
  // the same failure wherever it is replayed.
  Options effective = options;
  effective.detect_races = parsed->detect_races;
  effective.detect_lock_order = parsed->detect_lock_order;
  Session session(effective, parsed->spurious_wakeups, parsed->max_steps);
  session.execution().set_replayed_decisions(parsed->decisions);
  result.executions = 1;
  // A strategy that learned from an earlier execution of the seed (SURW's
  // profile) needs that execution again first; it ran clean the first time.
  if (const std::optional<uint64_t> first = strategy->replay_prerequisite();
      first && parsed->form == ScheduleToken::Form::kSeed && *first != parsed->execution) {
    session.run(body, *strategy, parsed->seed, *first);
    session.take_races();  // its races, if any, are not the replayed execution's
  }
  const bool failed = session.run(body, *strategy, parsed->seed, parsed->execution, absl::StripAsciiWhitespace(token));
  if (failed) {
    result.failure = session.execution().take_failure();
  } else if (!strategy->exhausted()) {
    const detail::Execution& execution = session.execution();
    Failure f;
    detail::set_evidence(f, ReplayDivergence{.step = execution.step(),
                                             .choice = ReplayDivergence::Choice::kNone,
                                             .decision = execution.decisions().size(),
                                             .recorded = parsed->decisions.size()});
    f.step = execution.step();
    f.token = std::string(absl::StripAsciiWhitespace(token));
    f.report = detail::render_brief_report(f);
    result.failure = std::move(f);
  }
  result.races = session.take_races();
  result.total_steps = session.total_steps();
  result.elapsed = Clock::now() - start;
  return result;
}

}  // namespace

}  // namespace weft
