#include "weft/strategy/fuzz.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "weft/strategy/conflict.h"

namespace weft::detail {
namespace {

// Keeps the fuzzer's streams apart from the other strategies' at one seed.
constexpr uint64_t kStream = 0xf022ULL << 48;
// One execution in this many samples afresh instead of mutating.
constexpr uint32_t kFreshOneIn = 4;
// A schedule keeps at most this many constraints: each one is a preemption
// the bug may need, and bugs needing more are out of reach of any sampler.
constexpr size_t kMaxConstraints = 8;
// A hold this long waits for an operation that does not come.
constexpr int kMaxHeld = 1000;
// Instances kept per pair of sites, per corpus entry.
constexpr size_t kPerClass = 16;
constexpr size_t kMaxCorpus = 1024;

constexpr int kNumbersPerConstraint = 6;

}  // namespace

absl::StatusOr<std::unique_ptr<FuzzStrategy>> FuzzStrategy::parse(absl::string_view spec) {
  if (spec == "fuzz") return std::make_unique<FuzzStrategy>();
  // fuzzp<profile execution>, then r and the constraints' numbers, if any.
  absl::string_view rest = spec;
  bool ok = absl::ConsumePrefix(&rest, "fuzzp");
  const size_t r = rest.find('r');
  uint64_t profile = 0;
  ok = ok && absl::SimpleAtoi(rest.substr(0, r), &profile);
  std::vector<uint32_t> numbers;
  if (ok && r != absl::string_view::npos) {
    for (absl::string_view part : absl::StrSplit(rest.substr(r + 1), '.')) {
      uint32_t n = 0;
      ok = ok && absl::SimpleAtoi(part, &n) && n <= INT32_MAX;
      numbers.push_back(n);
    }
  }
  if (!ok || numbers.size() % kNumbersPerConstraint != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad strategy '", spec,
                     "': expected fuzz, or in a seed token fuzzp and the profile execution, then optionally r and ",
                     kNumbersPerConstraint, " dot-separated numbers per constraint (fuzzp3r1.0.2.3.1.0)"));
  }
  std::vector<OrderConstraint> constraints;
  for (size_t i = 0; i < numbers.size(); i += kNumbersPerConstraint) {
    constraints.push_back({{static_cast<ThreadId>(numbers[i]), numbers[i + 1], numbers[i + 2]},
                           {static_cast<ThreadId>(numbers[i + 3]), numbers[i + 4], numbers[i + 5]}});
  }
  return std::make_unique<FuzzStrategy>(profile, std::move(constraints));
}

std::string FuzzStrategy::replay_spec() const {
  // The profile execution is the fuzzer's first: no corpus, no constraints.
  if (base_.profiling()) return "fuzz";
  std::string spec = absl::StrCat("fuzzp", *base_.replay_prerequisite());
  if (constraints_.empty()) return spec;
  std::vector<uint64_t> numbers;
  for (const OrderConstraint& c : constraints_) {
    for (const EventKey& k : {c.before, c.after}) {
      numbers.insert(numbers.end(), {static_cast<uint64_t>(k.thread), k.object, k.occurrence});
    }
  }
  return absl::StrCat(spec, "r", absl::StrJoin(numbers, "."));
}

const FuzzStrategy::Entry* FuzzStrategy::choose_parent() {
  // Energy: the new features an entry brought, damped by how often it was
  // mutated already (so fresh finds get their turn).
  const auto energy = [](const Entry& e) { return static_cast<uint64_t>(e.fresh + 1) * 64 / (8 + e.mutated); };
  uint64_t total = 0;
  for (const Entry& e : corpus_) total += energy(e) + 1;
  uint64_t r = rng_.next() % total;
  for (Entry& e : corpus_) {
    const uint64_t w = energy(e) + 1;
    if (r < w) {
      ++e.mutated;
      return &e;
    }
    r -= w;
  }
  return &corpus_.back();
}

std::vector<OrderConstraint> FuzzStrategy::mutate(const Entry& parent) {
  std::vector<OrderConstraint> out = parent.constraints;
  const uint32_t kind = rng_.below(8);
  if (!out.empty() && kind == 0) {  // drop one
    out.erase(out.begin() + rng_.below(static_cast<uint32_t>(out.size())));
    return out;
  }
  if (!out.empty() && kind == 1) {  // move one by an occurrence
    OrderConstraint& c = out[rng_.below(static_cast<uint32_t>(out.size()))];
    EventKey& k = rng_.chance(1, 2) ? c.before : c.after;
    if (k.occurrence == 0 || rng_.chance(1, 2)) {
      ++k.occurrence;
    } else {
      --k.occurrence;
    }
    return out;
  }
  if (parent.classes.empty()) return out;
  // Flip: a pair of sites uniformly (a hundred threads running the same
  // lines weigh as one), then one of its instances.
  const auto& cls = parent.classes[rng_.below(static_cast<uint32_t>(parent.classes.size()))];
  const ConflictPair& pair = cls[rng_.below(static_cast<uint32_t>(cls.size()))];
  const OrderConstraint flipped{pair.second, pair.first};
  std::erase_if(out, [&](const OrderConstraint& c) {
    return c == flipped || (c.before == flipped.after && c.after == flipped.before);
  });
  if (out.size() >= kMaxConstraints) out.erase(out.begin() + rng_.below(static_cast<uint32_t>(out.size())));
  out.push_back(flipped);
  return out;
}

void FuzzStrategy::begin_execution(uint64_t seed, uint64_t index) {
  rng_.reseed(mix_seed(seed ^ kStream, index));
  base_.begin_execution(seed ^ kStream, index);
  constraints_.clear();
  if (replaying_) {
    if (!base_.profiling()) constraints_ = replayed_;
  } else if (!corpus_.empty() && !rng_.chance(1, kFreshOneIn)) {
    constraints_ = mutate(*choose_parent());
  }
  active_.assign(constraints_.size(), Active{});
  keys_.clear();
  counters_.fill(0);
  feedback_.begin();
  classes_.clear();
  seen_in_class_.clear();
  class_of_.clear();
  sample_rng_ = rng_;  // rng_ draws nothing more until the execution ends
}

void FuzzStrategy::thread_created(ThreadId id, ThreadId parent) {
  if (id == 0) base_.attach(*view());  // the view is attached after begin_execution
  base_.thread_created(id, parent);
}

void FuzzStrategy::step_taken(const RawEvent& step) {
  base_.step_taken(step);
  if (!touches_object(step)) return;
  const EventKey key = keys_.ran(step);
  for (size_t i = 0; i < constraints_.size(); ++i) {
    if (constraints_[i].before == key) active_[i].before_ran = true;
  }
  if (replaying_) return;
  const StepFeatures f = feedback_.add(step);
  count_features(f, counters_);
  if (f.pair) sample_pair(*f.pair);
}

void FuzzStrategy::sample_pair(const ConflictPair& p) {
  auto [it, inserted] = class_of_.try_emplace(p.site_class, classes_.size());
  if (inserted) {
    classes_.emplace_back();
    seen_in_class_.push_back(0);
  }
  std::vector<ConflictPair>& cls = classes_[it->second];
  const size_t n = ++seen_in_class_[it->second];
  if (cls.size() < kPerClass) {
    cls.push_back(p);
  } else if (const uint64_t slot = sample_rng_.next() % n; slot < kPerClass) {
    cls[slot] = p;
  }
}

bool FuzzStrategy::held_back(ThreadId t) {
  const RawEvent& next = view()->pending(t);
  if (!touches_object(next)) return false;
  const EventKey key = keys_.peek(next);
  bool held = false;
  for (size_t i = 0; i < constraints_.size(); ++i) {
    Active& a = active_[i];
    if (a.before_ran || a.dropped || !(constraints_[i].after == key)) continue;
    if (++a.held > kMaxHeld) {
      a.dropped = true;
      continue;
    }
    held = true;
  }
  return held;
}

ThreadId FuzzStrategy::pick_thread(std::span<const ThreadId> enabled, ThreadId current) {
  allowed_.clear();
  for (ThreadId t : enabled) {
    if (!held_back(t)) allowed_.push_back(t);
  }
  if (allowed_.empty()) {
    // Every enabled thread waits for an operation of a thread that cannot
    // run: those constraints cannot be met in this execution.
    for (ThreadId t : enabled) {
      const EventKey key = keys_.peek(view()->pending(t));
      for (size_t i = 0; i < constraints_.size(); ++i) {
        if (constraints_[i].after == key) active_[i].dropped = true;
      }
    }
    allowed_.assign(enabled.begin(), enabled.end());
  }
  if (allowed_.size() == 1) return allowed_[0];
  return base_.pick_thread(allowed_, current);
}

void FuzzStrategy::end_execution(uint64_t choice_points) {
  base_.end_execution(choice_points);
  if (replaying_) return;
  const int fresh = seen_.merge(counters_);
  if (fresh > 0 && corpus_.size() < kMaxCorpus) add_to_corpus(fresh);
}

void FuzzStrategy::add_to_corpus(int fresh) {
  Entry entry;
  // Constraints dropped as unmeetable are not part of what ran.
  for (size_t i = 0; i < constraints_.size(); ++i) {
    if (!active_[i].dropped) entry.constraints.push_back(constraints_[i]);
  }
  entry.fresh = fresh;
  entry.classes = std::move(classes_);
  rng_ = sample_rng_;  // as if the pairs were sampled now
  corpus_.push_back(std::move(entry));
}

}  // namespace weft::detail
