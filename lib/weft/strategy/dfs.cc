#include "weft/strategy/dfs.h"

#include <algorithm>
#include <array>
#include <limits>

#include "absl/hash/hash.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/types/span.h"
#include "weft/strategy/trace_order.h"

namespace weft::detail {
namespace {

constexpr int kMaxBound = 64;
// What the passes of an unbounded search compare costs with.
constexpr int kNoLimit = std::numeric_limits<int>::max() / 2;

absl::Status bad_bound(absl::string_view spec) {
  return absl::InvalidArgumentError(absl::StrCat("bad strategy '", spec,
                                                 "': the preemption bound must be an integer in [0, ", kMaxBound,
                                                 "], e.g. dfs:2 (dfs:2:nodpor without partial-order reduction)"));
}

}  // namespace

DfsStrategy::DfsStrategy(int bound, bool dpor)
    : max_bound_(bound), dpor_(dpor), bound_(bound == kUnbounded ? kNoLimit : 0) {}

DfsStrategy::DfsStrategy(int bound, std::vector<Deviation> deviations)
    : max_bound_(bound),
      bound_(bound == kUnbounded ? kNoLimit : bound),
      fixed_(true),
      deviations_(std::move(deviations)) {}

absl::StatusOr<std::unique_ptr<DfsStrategy>> DfsStrategy::parse(absl::string_view spec) {
  absl::string_view rest = spec;
  int bound = 0;
  if (spec == "dpor") return std::make_unique<DfsStrategy>(kUnbounded, true);
  if (absl::ConsumePrefix(&rest, "dfs:")) {
    const bool dpor = !absl::ConsumeSuffix(&rest, ":nodpor");
    if (!absl::SimpleAtoi(rest, &bound) || bound < 0 || bound > kMaxBound) return bad_bound(spec);
    return std::make_unique<DfsStrategy>(bound, dpor);
  }
  // Seed-token forms: dfs<K>d<i>x<v>.<i>x<v>... and dpord<i>x<v>...
  if (absl::ConsumePrefix(&rest, "dpor")) {
    bound = kUnbounded;
    if (!absl::ConsumePrefix(&rest, "d")) return bad_bound(spec);
  } else {
    absl::ConsumePrefix(&rest, "dfs");
    const size_t d = rest.find('d');
    if (d == absl::string_view::npos || !absl::SimpleAtoi(rest.substr(0, d), &bound) || bound < 0 ||
        bound > kMaxBound) {
      return bad_bound(spec);
    }
    rest.remove_prefix(d + 1);
  }
  std::vector<Deviation> deviations;
  const absl::string_view list = rest;
  if (!list.empty()) {
    for (absl::string_view item : absl::StrSplit(list, '.')) {
      const size_t x = item.find('x');
      Deviation dev;
      if (x == absl::string_view::npos || !absl::SimpleAtoi(item.substr(0, x), &dev.decision) ||
          !absl::SimpleAtoi(item.substr(x + 1), &dev.value) ||
          (!deviations.empty() && dev.decision <= deviations.back().decision)) {
        return absl::InvalidArgumentError(
            absl::StrCat("bad strategy '", spec, "': a dfs seed token lists <decision>x<value> in increasing order"));
      }
      deviations.push_back(dev);
    }
  }
  return std::make_unique<DfsStrategy>(bound, std::move(deviations));
}

void DfsStrategy::begin_execution(uint64_t, uint64_t) {
  next_ = 0;
  steps_.clear();
  chosen_pending_ = false;
  cost_ = 0;
  spinning_.assign(spinning_.size(), false);
  if (fixed_) path_.truncate(0);
}

void DfsStrategy::thread_spinning(ThreadId id) {
  if (id >= static_cast<ThreadId>(spinning_.size())) spinning_.resize(id + 1, false);
  spinning_[id] = true;
}

int DfsStrategy::rank(ThreadId t) const {
  if (view() != nullptr && view()->blocked(t)) return 2;  // woken by its timeout (or spuriously)
  return t < static_cast<ThreadId>(spinning_.size()) && spinning_[t] ? 1 : 0;
}

ThreadId DfsStrategy::pick_thread(std::span<const ThreadId> enabled, ThreadId current) {
  // The enabled threads in turn after the current one (it comes last).
  const size_t n = enabled.size();
  const size_t start = std::upper_bound(enabled.begin(), enabled.end(), current) - enabled.begin();
  options_.clear();
  for (size_t i = 0; i < n; ++i) options_.push_back(static_cast<uint32_t>(enabled[(start + i) % n]));
  const bool current_runs = std::binary_search(enabled.begin(), enabled.end(), current) && rank(current) == 0;
  if (current_runs) {
    std::rotate(options_.begin(), options_.end() - 1, options_.end());  // current first
  } else {
    std::stable_sort(options_.begin(), options_.end(), [this](uint32_t a, uint32_t b) {
      return rank(static_cast<ThreadId>(a)) < rank(static_cast<ThreadId>(b));
    });
  }
  // Taking another than the default: a preemption when the current thread
  // could go on; else free among the threads that can simply run.
  costs_.assign(n, 0);
  const bool default_runs = rank(static_cast<ThreadId>(options_[0])) == 0;
  for (size_t i = 1; i < n; ++i) {
    costs_[i] = current_runs || !default_runs || rank(static_cast<ThreadId>(options_[i])) != 0 ? 1 : 0;
  }
  // A point where a thread may wake by its timeout is explored in full: the
  // reduction does not model virtual time.
  const bool full = !dpor_ || std::any_of(enabled.begin(), enabled.end(), [this](ThreadId t) { return rank(t) == 2; });
  const size_t at = enter(path_.thread_shape(options_, costs_), full);
  const uint32_t taken = path_.taken(at);
  const auto chosen = static_cast<ThreadId>(path_.value(at, taken));
  cost_ += path_.cost(at, taken);
  if (chosen < static_cast<ThreadId>(spinning_.size())) spinning_[chosen] = false;
  chosen_pending_ = true;  // the step the runtime takes next
  return chosen;
}

uint32_t DfsStrategy::pick_value(uint32_t n) { return path_.taken(enter(path_.value_shape(n), true)); }

size_t DfsStrategy::enter(uint32_t shape, bool full) {
  if (next_ < path_.size()) {
    if (path_.shape(next_) == shape) return next_++;
    path_.truncate(next_);  // the program did not repeat itself: go on from here
  }
  uint32_t taken = 0;
  if (fixed_) {
    const auto it = std::find_if(deviations_.begin(), deviations_.end(),
                                 [this](const Deviation& d) { return d.decision == next_; });
    if (it != deviations_.end()) {
      for (uint32_t i = 0; i < path_.shape_count(shape); ++i) {
        if (path_.shape_value(shape, i) == it->value) taken = i;
      }
    }
  }
  path_.push(shape, taken, full);
  return next_++;
}

void DfsStrategy::end_execution(uint64_t) {
  last_cost_ = cost_;
  if (fixed_) return;
  path_.truncate(std::min(path_.size(), next_));
  reduce();
  if (advance()) return;
  // A pass that left nothing out has run every schedule of the program.
  if (bound_ < max_bound_ && pruned_) {
    ++bound_;
    pruned_ = false;
    path_.truncate(0);
    return;
  }
  complete_ = !pruned_;
  done_ = true;
}

void DfsStrategy::reduce() {
  // The distinct schedules: a pass re-runs those of the lower bounds. The
  // path's values are hashed a block at a time (no copy of the path).
  {
    std::array<uint32_t, 1024> block{};
    size_t filled = 0;
    uint64_t hash = 0;
    for (size_t i = 0; i < path_.size(); ++i) {
      block[filled++] = path_.value(i, path_.taken(i));
      if (filled == block.size() || i + 1 == path_.size()) {
        hash = absl::HashOf(hash, absl::MakeConstSpan(block.data(), filled));
        filled = 0;
      }
    }
    schedules_.insert(hash);
  }
  if (view() == nullptr) return;
  const TraceOrder order(steps_, view()->threads(), dpor_);
  classes_.insert(order.class_hash());
  if (!dpor_) return;
  // Per race, in order: the thread point before its first step asks for a
  // reversal; bounded, so does the one where the run of steps of the racing
  // thread began, where switching may cost no more than the switch made
  // there.
  std::vector<size_t> asking;  // the step whose thread point asks
  std::vector<TraceOrder::Reversal> reversals;
  for (const TraceOrder::Reversal& race : order.races()) {
    asking.push_back(race.first);
    reversals.push_back(race);
    if (unbounded()) continue;
    size_t begin = race.first;
    while (begin > 0 && steps_[begin - 1].thread == steps_[race.first].thread) --begin;
    if (begin != race.first) {
      asking.push_back(begin);
      reversals.push_back({begin, race.second});
    }
  }
  std::vector<size_t> steps = asking;
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  const std::vector<size_t> points = points_of(steps);
  // Only the reversals a thread point asks for are walked.
  std::vector<size_t> at;
  std::vector<TraceOrder::Reversal> asked;
  for (size_t r = 0; r < reversals.size(); ++r) {
    const size_t point = points[std::lower_bound(steps.begin(), steps.end(), asking[r]) - steps.begin()];
    if (point == kNoPoint) continue;
    at.push_back(point);
    asked.push_back(reversals[r]);
  }
  const std::vector<std::vector<ThreadId>> initials = order.initials(asked);
  for (size_t r = 0; r < asked.size(); ++r) want(at[r], initials[r]);
}

std::vector<size_t> DfsStrategy::points_of(const std::vector<size_t>& steps) const {
  // The thread points and the steps they chose come in the same order.
  std::vector<size_t> out(steps.size(), kNoPoint);
  size_t point = 0;
  size_t next = 0;  // into steps
  for (size_t k = 0; k < steps_.size() && next < steps.size(); ++k) {
    if (!steps_[k].chosen) continue;
    while (point < path_.size() && !path_.thread_point(point)) ++point;
    if (point == path_.size()) break;
    while (next < steps.size() && steps[next] < k) ++next;
    if (next < steps.size() && steps[next] == k) out[next++] = point;
    ++point;
  }
  return out;
}

void DfsStrategy::want(size_t at, const std::vector<ThreadId>& initials) {
  if (path_.full(at)) return;
  int best = -1;
  for (uint32_t j = 0; j < path_.count(at); ++j) {
    if (std::find(initials.begin(), initials.end(), static_cast<ThreadId>(path_.value(at, j))) == initials.end()) {
      continue;
    }
    if (path_.wanted(at, j)) return;
    if (best < 0 || path_.cost(at, j) < path_.cost(at, static_cast<uint32_t>(best))) best = static_cast<int>(j);
  }
  if (best >= 0) {
    path_.want(at, static_cast<uint32_t>(best));
  } else {
    path_.want_all(at);
  }
}

bool DfsStrategy::advance() {
  // The preemptions of the path up to and with its last decision: the
  // path's cost is the sum of the options taken.
  int cost_through = cost_;
  while (!path_.empty()) {
    const size_t i = path_.size() - 1;
    const int cost_before = cost_through - path_.cost(i, path_.taken(i));
    for (uint32_t j = 0; j < path_.count(i); ++j) {
      if (path_.explored(i, j) || !(path_.full(i) || path_.wanted(i, j))) continue;
      if (cost_before + path_.cost(i, j) <= bound_) {
        path_.take(i, j);
        return true;
      }
      pruned_ = true;
    }
    path_.pop_back();
    cost_through = cost_before;
  }
  return false;
}

std::string DfsStrategy::name() const {
  if (unbounded()) return "dpor";
  return absl::StrCat("dfs:", max_bound_, dpor_ ? "" : ":nodpor");
}

std::string DfsStrategy::replay_spec() const {
  const std::string prefix = unbounded() ? "dpord" : absl::StrCat("dfs", max_bound_, "d");
  if (fixed_) {
    return absl::StrCat(prefix, absl::StrJoin(deviations_, ".", [](std::string* out, const Deviation& d) {
                          absl::StrAppend(out, d.decision, "x", d.value);
                        }));
  }
  std::string out = prefix;
  bool first = true;
  for (size_t i = 0; i < std::min(path_.size(), next_); ++i) {
    if (path_.taken(i) == 0) continue;
    absl::StrAppend(&out, first ? "" : ".", i, "x", path_.value(i, path_.taken(i)));
    first = false;
  }
  return out;
}

std::optional<SearchCoverage> DfsStrategy::coverage() const {
  if (fixed_) return std::nullopt;
  return SearchCoverage{.bound = max_bound_,
                        .reached = unbounded() ? kUnbounded : bound_,
                        .exhausted = done_,
                        .complete = complete_,
                        .schedules = schedules_.size(),
                        .classes = classes_.size(),
                        .last_preemptions = last_cost_};
}

}  // namespace weft::detail
