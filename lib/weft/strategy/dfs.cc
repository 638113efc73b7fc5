#include "weft/strategy/dfs.h"

#include <algorithm>
#include <limits>

#include "absl/hash/hash.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
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
  cost_ = 0;
  spinning_.assign(spinning_.size(), false);
  if (fixed_) path_.clear();
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
  Point p;
  const size_t n = enabled.size();
  const size_t start = std::upper_bound(enabled.begin(), enabled.end(), current) - enabled.begin();
  p.options.reserve(n);
  for (size_t i = 0; i < n; ++i) p.options.push_back(static_cast<uint32_t>(enabled[(start + i) % n]));
  const bool current_runs = std::binary_search(enabled.begin(), enabled.end(), current) && rank(current) == 0;
  if (current_runs) {
    std::rotate(p.options.begin(), p.options.end() - 1, p.options.end());  // current first
  } else {
    std::stable_sort(p.options.begin(), p.options.end(), [this](uint32_t a, uint32_t b) {
      return rank(static_cast<ThreadId>(a)) < rank(static_cast<ThreadId>(b));
    });
  }
  // Taking another than the default: a preemption when the current thread
  // could go on; else free among the threads that can simply run.
  p.costs.assign(n, 0);
  const bool default_runs = rank(static_cast<ThreadId>(p.options[0])) == 0;
  for (size_t i = 1; i < n; ++i) {
    p.costs[i] = current_runs || !default_runs || rank(static_cast<ThreadId>(p.options[i])) != 0 ? 1 : 0;
  }
  p.step = steps_.size();
  // A point where a thread may wake by its timeout is explored in full: the
  // reduction does not model virtual time.
  p.full = !dpor_ || std::any_of(enabled.begin(), enabled.end(), [this](ThreadId t) { return rank(t) == 2; });
  const Point& at = *enter(std::move(p));
  const auto chosen = static_cast<ThreadId>(at.value(at.taken));
  cost_ += at.cost(at.taken);
  if (chosen < static_cast<ThreadId>(spinning_.size())) spinning_[chosen] = false;
  return chosen;
}

uint32_t DfsStrategy::pick_value(uint32_t n) {
  Point p;
  p.values = n;
  const Point& at = *enter(std::move(p));
  return at.taken;
}

DfsStrategy::Point* DfsStrategy::enter(Point fresh) {
  if (next_ < path_.size()) {
    Point& recorded = path_[next_];
    if (recorded.options == fresh.options && recorded.costs == fresh.costs && recorded.values == fresh.values) {
      recorded.step = fresh.step;
      ++next_;
      return &recorded;
    }
    path_.resize(next_);  // the program did not repeat itself: go on from here
  }
  if (fixed_) {
    const auto it = std::find_if(deviations_.begin(), deviations_.end(),
                                 [this](const Deviation& d) { return d.decision == next_; });
    if (it != deviations_.end()) {
      for (uint32_t i = 0; i < fresh.count(); ++i) {
        if (fresh.value(i) == it->value) fresh.taken = i;
      }
    }
  }
  fresh.cost_before = cost_;
  fresh.wanted.assign(fresh.count(), false);
  fresh.explored.assign(fresh.count(), false);
  fresh.wanted[fresh.taken] = fresh.explored[fresh.taken] = true;
  path_.push_back(std::move(fresh));
  ++next_;
  return &path_.back();
}

void DfsStrategy::end_execution(uint64_t) {
  last_cost_ = cost_;
  if (fixed_) return;
  path_.resize(std::min(path_.size(), next_));
  reduce();
  if (advance()) return;
  // A pass that left nothing out has run every schedule of the program.
  if (bound_ < max_bound_ && pruned_) {
    ++bound_;
    pruned_ = false;
    path_.clear();
    return;
  }
  complete_ = !pruned_;
  done_ = true;
}

void DfsStrategy::reduce() {
  // The distinct schedules: a pass re-runs those of the lower bounds.
  std::vector<uint32_t> path;
  path.reserve(path_.size());
  for (const Point& p : path_) path.push_back(p.value(p.taken));
  schedules_.insert(absl::HashOf(path));
  if (view() == nullptr) return;
  const TraceOrder order(steps_, view()->threads(), dpor_);
  classes_.insert(order.class_hash());
  if (!dpor_) return;
  std::vector<int> point_at(steps_.size(), -1);  // per step, the thread point that chose it
  for (size_t i = 0; i < path_.size(); ++i) {
    if (!path_[i].options.empty() && path_[i].step < steps_.size()) point_at[path_[i].step] = static_cast<int>(i);
  }
  // Per race, in order: the thread point before its first step asks for a
  // reversal; bounded, so does the one where the run of steps of the racing
  // thread began, where switching may cost no more than the switch made
  // there. Only the reversals a thread point asks for are walked.
  std::vector<int> at;
  std::vector<TraceOrder::Reversal> asked;
  for (const TraceOrder::Reversal& race : order.races()) {
    if (point_at[race.first] >= 0) {
      at.push_back(point_at[race.first]);
      asked.push_back(race);
    }
    if (unbounded()) continue;
    size_t begin = race.first;
    while (begin > 0 && steps_[begin - 1].thread == steps_[race.first].thread) --begin;
    if (begin != race.first && point_at[begin] >= 0) {
      at.push_back(point_at[begin]);
      asked.push_back({begin, race.second});
    }
  }
  const std::vector<std::vector<ThreadId>> initials = order.initials(asked);
  for (size_t r = 0; r < asked.size(); ++r) want(path_[at[r]], initials[r]);
}

void DfsStrategy::want(Point& at, const std::vector<ThreadId>& initials) {
  if (at.full) return;
  int best = -1;
  for (uint32_t j = 0; j < at.count(); ++j) {
    if (std::find(initials.begin(), initials.end(), static_cast<ThreadId>(at.value(j))) == initials.end()) continue;
    if (at.wanted[j]) return;
    if (best < 0 || at.cost(j) < at.cost(best)) best = static_cast<int>(j);
  }
  if (best >= 0) {
    at.wanted[best] = true;
  } else {
    at.wanted.assign(at.count(), true);
  }
}

bool DfsStrategy::advance() {
  while (!path_.empty()) {
    Point& p = path_.back();
    for (uint32_t j = 0; j < p.count(); ++j) {
      if (p.explored[j] || !(p.full || p.wanted[j])) continue;
      if (p.cost_before + p.cost(j) <= bound_) {
        p.taken = j;
        p.explored[j] = true;
        return true;
      }
      pruned_ = true;
    }
    path_.pop_back();
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
    if (path_[i].taken == 0) continue;
    absl::StrAppend(&out, first ? "" : ".", i, "x", path_[i].value(path_[i].taken));
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
