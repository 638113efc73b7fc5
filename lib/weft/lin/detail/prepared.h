// A history part prepared for the search (search.h): its operations sorted by
// call, split into required ones (known outcome) and optional ones (unknown
// outcome), cut into segments at quiescent points, and ranked by return.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "weft/lin/check_result.h"
#include "weft/lin/detail/flat_lists.h"
#include "weft/lin/history.h"
#include "weft/lin/model.h"

namespace weft::lin::detail {

// One part of a history, sorted by call time and cut into segments.
template <class Input, class Output>
struct Prepared {
  std::vector<std::size_t> original;  // position -> index in the history
  std::vector<const Input*> input;
  std::vector<const Output*> output;  // nullptr: outcome unknown (optional)
  std::vector<Time> call;
  std::vector<Time> ret;
  // The model says the operation never changes a state it is legal in.
  std::vector<char> read_only;
  // Per position: its bit in the node's required set (required operations,
  // counted from the segment's start) or in its optional set (optional ones,
  // counted over the whole part).
  std::vector<std::uint32_t> bit;
  // Segment s holds positions [segment_begin[s], segment_begin[s + 1]).
  std::vector<std::uint32_t> segment_begin;
  // Per segment, by call: its required operations.
  FlatLists required;
  // All optional operations: first those that never return, then those
  // that do, each by call. They are not bound to segments: one called before
  // a cut may still take effect after it, until its return.
  std::vector<std::uint32_t> optional;
  std::size_t forever = 0;  // optional[0, forever) never return
  // Per segment: its required operations by return time.
  FlatLists by_return;
  // Per position: its rank, by return and then by position (see prepare()).
  std::vector<std::uint32_t> rank;
  std::size_t max_bits = 1;

  std::size_t segments() const { return segment_begin.size() - 1; }
};

template <Model M>
Prepared<typename M::Input, typename M::Output> prepare(const M& model, const HistoryOf<M>& history,
                                                        std::vector<std::size_t> subset, const Reductions& reductions) {
  Prepared<typename M::Input, typename M::Output> p;
  auto is_read_only = [&](std::size_t i) {
    if constexpr (HasReadOnly<M>) {
      return reductions.greedy_read_only && static_cast<bool>(model.read_only(history[i].input, history[i].output));
    } else {
      return false;
    }
  };
  // An optional operation that changes nothing can always be left out.
  std::erase_if(subset, [&](std::size_t i) { return !history[i].output && is_read_only(i); });
  const auto by_call_then_return = [&](std::size_t a, std::size_t b) {
    const auto& x = history[a];
    const auto& y = history[b];
    if (x.call != y.call) return x.call < y.call;
    return x.ret < y.ret;
  };
  // Logs are mostly in call order already; sorting costs a buffer.
  if (!std::is_sorted(subset.begin(), subset.end(), by_call_then_return)) {
    std::stable_sort(subset.begin(), subset.end(), by_call_then_return);
  }
  p.original = std::move(subset);
  const std::size_t n = p.original.size();
  p.input.reserve(n);
  p.output.reserve(n);
  p.call.reserve(n);
  p.ret.reserve(n);
  p.read_only.reserve(n);
  for (std::size_t i : p.original) {
    const auto& op = history[i];
    p.input.push_back(&op.input);
    p.output.push_back(op.output ? &*op.output : nullptr);
    p.call.push_back(op.call);
    p.ret.push_back(op.ret);
    p.read_only.push_back(is_read_only(i));
  }

  // A cut before position i is sound when every earlier required operation
  // returned strictly before i was called: they all precede every later
  // operation in any linearization, so nodes of later segments need not
  // remember them. Optional operations do not stop cuts (a timed-out call
  // would otherwise stop all cuts after it); they stay candidates across
  // cuts, tracked over the whole part.
  p.segment_begin.push_back(0);
  Time max_return = std::numeric_limits<Time>::min();
  for (std::size_t i = 0; i < n; ++i) {
    if (reductions.cut_quiescent && i > 0 && max_return < p.call[i]) {
      p.segment_begin.push_back(static_cast<std::uint32_t>(i));
    }
    if (p.output[i] != nullptr) max_return = std::max(max_return, p.ret[i]);
  }
  p.segment_begin.push_back(static_cast<std::uint32_t>(n));

  // Required operations per segment (by position, so by call), and how many
  // optional ones there are.
  const std::size_t segments = p.segments();
  p.required = FlatLists(segments);
  std::size_t optional = 0;
  for (std::uint32_t s = 0; s < segments; ++s) {
    for (std::uint32_t i = p.segment_begin[s]; i < p.segment_begin[s + 1]; ++i) {
      if (p.output[i] != nullptr) {
        p.required.count(s);
      } else {
        ++optional;
      }
    }
  }
  p.required.start();
  p.bit.resize(n);
  for (std::uint32_t s = 0; s < segments; ++s) {
    std::uint32_t bits = 0;
    for (std::uint32_t i = p.segment_begin[s]; i < p.segment_begin[s + 1]; ++i) {
      if (p.output[i] != nullptr) {
        p.bit[i] = bits++;
        p.required.add(s, i);
      }
    }
    p.max_bits = std::max<std::size_t>(p.max_bits, bits);
  }
  // The same lists by return; ties by position, as a stable sort by return
  // of the lists by position would leave them.
  const auto by_return_then_position = [&](std::uint32_t a, std::uint32_t b) {
    return p.ret[a] != p.ret[b] ? p.ret[a] < p.ret[b] : a < b;
  };
  p.by_return = p.required;
  for (std::size_t s = 0; s < segments; ++s) {
    const std::span<std::uint32_t> order = p.by_return.mutable_list(s);
    std::sort(order.begin(), order.end(), by_return_then_position);
  }
  // Optional operations that never return first: they stay candidates to
  // the end, so the cursor over the others (Frame::first_optional) can skip
  // those that are used or too late without being held up by them. Each
  // group by position.
  p.optional.reserve(optional);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (p.output[i] == nullptr && p.ret[i] == kEndOfTime) p.optional.push_back(i);
  }
  p.forever = p.optional.size();
  for (std::uint32_t i = 0; i < n; ++i) {
    if (p.output[i] == nullptr && p.ret[i] != kEndOfTime) p.optional.push_back(i);
  }
  for (std::size_t k = 0; k < p.optional.size(); ++k) p.bit[p.optional[k]] = static_cast<std::uint32_t>(k);
  p.max_bits = std::max(p.max_bits, p.optional.size());
  // Ranks: by return, then by position (so by call). Identical operations
  // are tried lowest-ranked first (identical_ops.h), and of two optional
  // operations whose order does not matter the lower-ranked goes first
  // (search.h, needless_after); both must use this one order.
  std::vector<std::uint32_t> by_rank(n);
  for (std::uint32_t i = 0; i < n; ++i) by_rank[i] = i;
  std::sort(by_rank.begin(), by_rank.end(), by_return_then_position);
  p.rank.resize(n);
  for (std::uint32_t k = 0; k < n; ++k) p.rank[by_rank[k]] = k;
  return p;
}

}  // namespace weft::lin::detail
