// Explaining a violation: the longest linearizable prefix of the failing part
// and the smallest sub-history that still cannot be linearized.
//
// Both rely on relaxations, changes to a history after which every
// linearization of the original still gives one of the changed history. So if
// the changed history cannot be linearized, neither can the original, and
// what we show the user is a genuine witness:
//  - prefix(t): operations called after t are dropped, operations still
//    pending at t get an unknown outcome. (Cut any linearization at the first
//    operation called after t; everything that returned by t is before it.)
//    Prefixes are monotone in t, so a binary search finds the shortest failing
//    one, and the prefix just before it is the longest linearizable one.
//  - making an operation's outcome unknown (it may or may not have happened
//    within its interval, with any result). Repeating that while the history stays unlinearizable
//    leaves a core of operations with known outcomes that no choice of the
//    others can explain. The core on its own cannot be linearized either:
//    dropping optional operations only removes possibilities.
// Each trial search gets a work budget (work_done()); a trial that runs out counts as
// "not shown unlinearizable", which keeps every claim proven (the core may
// then be larger than necessary, and says so). The whole explanation has a
// time budget: when it runs out, what was proven by then is reported (at
// worst the failing part's required operations as the core, and the longest
// prefix shown linearizable so far), flagged as not minimal / not longest.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "weft/lin/check_result.h"
#include "weft/lin/detail/deadline.h"
#include "weft/lin/detail/search.h"
#include "weft/lin/model.h"

namespace weft::lin::detail {

template <Model M>
class Explainer {
 public:
  Explainer(const M& model, const HistoryOf<M>& history, const std::vector<std::size_t>& part,
            const Reductions& reductions, absl::Duration budget, std::uint64_t trial_work)
      : model_(model),
        history_(history),
        part_(part),
        reductions_(reductions),
        deadline_(budget),
        trial_work_(trial_work) {}

  void explain(CheckResult& result) {
    result.failing_part = part_;
    result.explained = true;
    std::vector<Time> returns;
    for (std::size_t i : part_) {
      if (history_[i].output) returns.push_back(history_[i].ret);
    }
    std::sort(returns.begin(), returns.end());
    returns.erase(std::unique(returns.begin(), returns.end()), returns.end());
    if (returns.empty()) return;  // cannot fail: nothing is required

    // Smallest k such that prefix(returns[k]) fails; the last one does (it is
    // the whole part: what is called later is optional and can only follow
    // everything else). Prefixes are monotone, so a binary search finds it.
    // Inconclusive trials (work budget) move right, so `hi` stays proven;
    // the prefix is the longest only if every trial was conclusive.
    std::size_t lo = 0, hi = returns.size() - 1;
    std::vector<std::size_t> best_prefix;
    bool have_prefix = false, conclusive = true;
    std::size_t prefix_index = 0;
    auto linearizable_prefix = [&](std::size_t k, const SearchResult& r) {
      if (r.outcome == Outcome::kLinearizable && (!have_prefix || k > prefix_index)) {
        have_prefix = true;
        prefix_index = k;
        best_prefix = map_back(r.linearization);
      }
    };
    bool out_of_time = false;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      SearchResult r = trial(prefix(returns[mid], {}));
      if (r.outcome == Outcome::kTimedOut) {
        out_of_time = true;
        break;
      }
      if (r.outcome == Outcome::kNotLinearizable) {
        hi = mid;
      } else {
        conclusive &= r.outcome == Outcome::kLinearizable;
        linearizable_prefix(mid, r);
        lo = mid + 1;
      }
    }
    if (!out_of_time && hi > 0 && !(have_prefix && prefix_index == hi - 1)) {
      SearchResult r = trial(prefix(returns[hi - 1], {}));
      out_of_time = r.outcome == Outcome::kTimedOut;
      linearizable_prefix(hi - 1, r);
    }
    if (have_prefix) {
      result.has_prefix = true;
      result.prefix_end = returns[prefix_index];
      result.prefix_linearization = std::move(best_prefix);
    }
    result.prefix_is_longest = !out_of_time && conclusive && (hi == 0 || (have_prefix && prefix_index == hi - 1));
    const Time failing_end = returns[hi];
    for (std::size_t i : part_) {
      if (history_[i].output && history_[i].ret == failing_end) result.first_failing.push_back(i);
    }

    // Shrink: make chunks of required operations optional, halving the chunk
    // size, as long as the prefix stays unlinearizable.
    std::vector<char> relaxed(history_.size(), 0);
    std::vector<std::size_t> required;
    for (std::size_t i : part_) {
      if (history_[i].output && history_[i].ret <= failing_end) required.push_back(i);
    }
    result.core = required;  // a witness already: the failing prefix itself
    result.core_is_minimal = false;
    if (out_of_time) return;
    bool minimal = true;

    // First the oldest operations, all at once: the largest m such that the
    // prefix still fails with every required operation that returned before
    // starts[m] relaxed (monotone again, so a binary search). On a long
    // history this leaves the chunked pass below only the recent past.
    // Relaxing many operations makes trials slow (the search tracks every
    // optional operation), so on long histories only the most recent
    // kMaxShrink required operations are candidates; older ones stay in the
    // core, which is then reported as perhaps not minimal.
    constexpr std::size_t kMaxShrink = 512;
    if (required.size() > kMaxShrink) {
      std::vector<std::size_t> by_return = required;
      std::stable_sort(by_return.begin(), by_return.end(),
                       [&](std::size_t a, std::size_t b) { return history_[a].ret < history_[b].ret; });
      required.assign(by_return.end() - kMaxShrink, by_return.end());
      minimal = false;
    }
    std::vector<Time> starts;
    for (std::size_t i : required) starts.push_back(history_[i].ret);
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
    auto relax_before = [&](Time t) {
      for (std::size_t i : required) relaxed[i] = history_[i].ret < t;
    };
    std::size_t good = 0, bad = starts.size();  // P(good) holds; P(bad) unknown or false
    while (bad - good > 1) {
      const std::size_t mid = good + (bad - good) / 2;
      relax_before(starts[mid]);
      const Outcome o = run(prefix(failing_end, relaxed));
      if (o == Outcome::kTimedOut) break;
      if (o == Outcome::kNotLinearizable) {
        good = mid;
      } else {
        bad = mid;
      }
    }
    relax_before(starts.empty() ? 0 : starts[good]);
    // Small chunks first: relaxing half of a history at once makes trials
    // expensive (many optional operations) and rarely succeeds.
    for (std::size_t chunk = std::clamp<std::size_t>(required.size() / 2, 1, 4);; chunk /= 2) {
      for (std::size_t start = 0; start < required.size(); start += chunk) {
        std::vector<std::size_t> chunk_ops;
        for (std::size_t k = start; k < std::min(required.size(), start + chunk); ++k) {
          if (!relaxed[required[k]]) chunk_ops.push_back(required[k]);
        }
        if (chunk_ops.empty()) continue;
        for (std::size_t i : chunk_ops) relaxed[i] = 1;
        const Outcome o = run(prefix(failing_end, relaxed));
        if (o == Outcome::kTimedOut) {
          for (std::size_t i : chunk_ops) relaxed[i] = 0;
          finish_core(result, required, relaxed);
          return;
        }
        if (o != Outcome::kNotLinearizable) {
          for (std::size_t i : chunk_ops) relaxed[i] = 0;
          if (o == Outcome::kPaused) minimal = false;
        }
      }
      if (chunk == 1) break;
    }
    finish_core(result, required, relaxed);
    result.core_is_minimal = minimal;
  }

 private:
  void finish_core(CheckResult& result, const std::vector<std::size_t>& /*candidates*/,
                   const std::vector<char>& relaxed) {
    // Every required operation of the failing prefix that was not relaxed.
    std::vector<std::size_t> core;
    for (std::size_t i : result.core) {
      if (!relaxed[i]) core.push_back(i);
    }
    result.core = std::move(core);
  }

  // prefix(t) as a new history; index_ maps its positions back.
  HistoryOf<M> prefix(Time t, const std::vector<char>& relaxed) {
    HistoryOf<M> h;
    index_.clear();
    for (std::size_t i : part_) {
      const auto& op = history_[i];
      if (op.call > t) continue;
      h.push_back(op);
      // Still pending at t: it may take effect later, or never.
      if (op.ret > t) {
        h.back().output.reset();
        h.back().ret = kEndOfTime;
      }
      // Relaxed: it may have taken effect within its interval, or never.
      if (!relaxed.empty() && relaxed[i]) h.back().output.reset();
      index_.push_back(i);
    }
    return h;
  }

  // One search within the trial work budget; kTimedOut once the explanation's
  // time is up (checked before preparing, which is linear in the history).
  SearchResult trial(const HistoryOf<M>& h) {
    if (deadline_.expired_now()) return {Outcome::kTimedOut, {}};
    std::vector<std::size_t> all(h.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    return make_search(model_, h, all, reductions_, deadline_, stats_)->resume(trial_work_);
  }

  Outcome run(const HistoryOf<M>& h) { return trial(h).outcome; }

  std::vector<std::size_t> map_back(const std::vector<std::size_t>& positions) const {
    std::vector<std::size_t> out;
    for (std::size_t i : positions) out.push_back(index_[i]);
    return out;
  }

  const M& model_;
  const HistoryOf<M>& history_;
  const std::vector<std::size_t>& part_;
  Reductions reductions_;
  Deadline deadline_;
  std::uint64_t trial_work_;
  CheckStats stats_;  // explanation work is not counted in the verdict's stats
  std::vector<std::size_t> index_;
};

}  // namespace weft::lin::detail
