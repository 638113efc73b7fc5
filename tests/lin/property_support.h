// What the property tests of the checker share: every combination of search
// reductions, a history printed for a failure message, and the replay of a
// reported linearization through the model.
//
//   for (const Reductions& r : testing::all_reduction_sets()) { ... }
//   EXPECT_TRUE(testing::linearizations_replay(model, h, result, options.reductions)) << testing::show(model, h);
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "weft/lin/check.h"
#include "weft/lin/history.h"
#include "weft/lin/model.h"

namespace weft::lin::testing {

// Every combination of the reductions of the general search, with each
// candidate order alone and both. (The queue search and the kv read guide
// stay on; their own tests turn them off.)
inline std::vector<Reductions> all_reduction_sets() {
  std::vector<Reductions> out;
  for (int mask = 0; mask < 192; ++mask) {
    Reductions r;
    r.partition = mask & 1;
    r.memoize = mask & 2;
    r.greedy_read_only = mask & 4;
    r.canonical_identical = mask & 8;
    r.cut_quiescent = mask & 16;
    r.optional_where_it_matters = mask & 32;
    r.search_required_first = mask / 64 != 1;
    r.search_in_call_order = mask / 64 != 2;
    out.push_back(r);
  }
  return out;
}

template <class M>
std::string show(const M& model, const HistoryOf<M>& h) {
  std::string out;
  for (const auto& op : h) {
    out += "  client " + std::to_string(op.client) + " [" + std::to_string(op.call) + ", " +
           (op.ret == kEndOfTime ? std::string("end") : std::to_string(op.ret)) + "] " +
           model.describe(op.input, op.output) + "\n";
  }
  return out;
}

// Whether `order` (indices into h) is a linearization of h: a legal run of
// the model that respects real time and holds every operation with a known
// outcome.
template <class M>
bool is_linearization(const M& model, const HistoryOf<M>& h, const std::vector<std::size_t>& order) {
  std::vector<char> placed(h.size(), 0);
  typename M::State state = model.initial();
  Time max_call = std::numeric_limits<Time>::min();
  for (std::size_t i : order) {
    if (i >= h.size() || placed[i] || h[i].ret < max_call) return false;
    for (std::size_t j = 0; j < h.size(); ++j) {
      if (!placed[j] && j != i && h[j].output && h[j].ret < h[i].call) return false;  // j must come first
    }
    auto next = h[i].output ? model.step(state, h[i].input, *h[i].output) : model.step_unknown(state, h[i].input);
    if (!next) return false;
    state = std::move(*next);
    placed[i] = 1;
    max_call = std::max(max_call, h[i].call);
  }
  for (std::size_t j = 0; j < h.size(); ++j) {
    if (h[j].output && !placed[j]) return false;
  }
  return true;
}

// Whether every linearization a linearizable result reports (one per part)
// replays through the model on the operations of its part.
template <class M>
::testing::AssertionResult linearizations_replay(const M& model, const HistoryOf<M>& h, const CheckResult& r,
                                                 const Reductions& reductions) {
  std::vector<std::vector<std::size_t>> parts;
  if constexpr (HasPartition<M>) {
    if (reductions.partition) parts = model.partition(h);
  }
  if (parts.empty()) {
    parts.emplace_back(h.size());
    std::iota(parts.back().begin(), parts.back().end(), std::size_t{0});
  }
  if (r.linearizations.size() != parts.size()) {
    return ::testing::AssertionFailure() << r.linearizations.size() << " linearizations for " << parts.size()
                                         << " parts";
  }
  for (std::size_t k = 0; k < parts.size(); ++k) {
    HistoryOf<M> sub;
    std::vector<std::size_t> index(h.size(), h.size());
    for (std::size_t i : parts[k]) {
      index[i] = sub.size();
      sub.push_back(h[i]);
    }
    std::vector<std::size_t> renumbered;
    for (std::size_t i : r.linearizations[k]) renumbered.push_back(i < h.size() ? index[i] : h.size());
    if (!is_linearization(model, sub, renumbered)) {
      return ::testing::AssertionFailure() << "part " << k << ": not a linearization";
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace weft::lin::testing
