// Identical operations (same input, same output) that could all go next:
// only the one that returns first is tried.
//
//   IdenticalOps<Input, Output> identical(prepared, reductions);   // per part
//   if (identical.superseded(i, {segment, bound, max_call}, is_linearized)) { /* skip i here */ }
//
// With many concurrent identical operations (appends of one value, writes
// of one value, enqueues) the search would otherwise try every subset of
// them that could be linearized by now, and each subset is a different node.
//
// The rule, at a node: candidate B is skipped when an identical candidate A
// ranks lower (returns earlier; ties by position, see Prepared::rank) and no
// optional operation still usable returned in [call(B), call(A)). Candidates
// are the operations the search may linearize next: not linearized, called no
// later than the node's bound (the earliest return of a required operation
// not linearized) and, if optional, returning no earlier than the latest call
// linearized. Exchange argument: take a completion of the node that starts
// with B and has A at a later position p (or leaves A out, both optional).
// Put A first and B at p (or leave B out). The model sees the same inputs and
// outputs, so the same states. Real time still holds:
//  - A first: every required operation not linearized returns no earlier
//    than the bound, so no earlier than call(A); an optional one placed after
//    B returns no earlier than call(B), and the rule asks that none still
//    usable returns in [call(B), call(A)).
//  - B at p: everything before p was placed before A, so was called no later
//    than ret(A) <= ret(B); everything after p followed B already.
// With the static order of identical operations this replaces (an operation
// waited for an identical one whose interval starts and ends no later), the
// call condition was what made the exchange hold; here enabledness does, so
// nested intervals are ordered too. The window condition is needed: with
// B = write(2) [0,10], A = write(2) [5,8], an optional write(1) [0,4] and
// reads of 2 [0,5] and of 1 [6,7], the only linearization is B, read 2,
// write(1), read 1, A, and A first strands the write(1).
//
// Why it composes with the other reductions: every skip replaces a
// completion by one of the same length, with optional operations at the same
// positions and, position by position, of ranks no higher, and at the first
// position a lower one (required operations: the same optional sequence and
// a lower rank first). So a completion that is shortest, then has its
// optional operations latest and lowest-ranked (what the cuts of the
// required-first order keep, search.h: needless_after compares optional
// operations by the same rank), then has its required operations
// lowest-ranked first, is never skipped. And the rule only looks at the node,
// not at the path to it: a node whose search fails has no completion at all,
// which is what the memo (failed_nodes.h) records.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "weft/lin/check_result.h"
#include "weft/lin/detail/prepared.h"
#include "weft/lin/history.h"

namespace weft::lin::detail {

// Where the search is, as far as the rule needs it.
struct Enabled {
  std::uint32_t segment = 0;
  Time bound = 0;     // earliest return of a required operation not linearized
  Time max_call = 0;  // latest call among linearized operations
};

template <class Input, class Output>
class IdenticalOps {
 public:
  using P = Prepared<Input, Output>;

  IdenticalOps(const P& p, const Reductions& reductions) : p_(p) {
    if (!reductions.canonical_identical) return;
    const std::size_t n = p.input.size();
    class_of_.assign(n, kAlone);
    // Operations join the class of an identical one among the classes seen
    // most recently (by call). Input and Output need only ==, so classes
    // are found by comparison; the most recent kRecent classes cover every
    // history with fewer distinct concurrent operations, and a class missed
    // on a wide history costs pruning, never exactness.
    constexpr std::size_t kRecent = 64;
    std::vector<std::uint32_t> recent;  // class ids, most recently used last
    for (std::uint32_t i = 0; i < n; ++i) {
      std::uint32_t found = kAlone;
      for (std::size_t k = recent.size(); k-- > 0;) {
        const std::uint32_t j = members_[recent[k]].front();
        if (identical(i, j)) {
          found = recent[k];
          recent.erase(recent.begin() + static_cast<std::ptrdiff_t>(k));
          break;
        }
      }
      if (found == kAlone) {
        found = static_cast<std::uint32_t>(members_.size());
        members_.emplace_back();
        if (recent.size() == kRecent) recent.erase(recent.begin());
      }
      recent.push_back(found);
      members_[found].push_back(i);
      class_of_[i] = found;
    }
    index_in_class_.assign(n, 0);
    for (auto& members : members_) {
      std::sort(members.begin(), members.end(),
                [&](std::uint32_t a, std::uint32_t b) { return p.rank[a] < p.rank[b]; });
      for (std::uint32_t k = 0; k < members.size(); ++k) index_in_class_[members[k]] = k;
    }
    for (std::uint32_t o : p.optional) {
      if (p.ret[o] != kEndOfTime) optional_by_return_.push_back(o);
    }
    std::sort(optional_by_return_.begin(), optional_by_return_.end(),
              [&](std::uint32_t a, std::uint32_t b) { return p.ret[a] < p.ret[b]; });
  }

  // Whether candidate b need not be tried at this node: an identical
  // candidate of lower rank may go first instead (see the top of the file).
  // The nearest lower ranks are looked at, up to kScan of them; stopping
  // early only skips less.
  template <class IsLinearized>
  bool superseded(std::uint32_t b, const Enabled& node, IsLinearized is_linearized) const {
    if (class_of_.empty()) return false;
    const auto& members = members_[class_of_[b]];
    constexpr int kScan = 64;
    int scanned = 0;
    for (std::uint32_t k = index_in_class_[b]; k-- > 0 && scanned++ < kScan;) {
      const std::uint32_t a = members[k];
      // Lower ranks return no later; an optional one that returned before
      // the latest call can no longer be placed, and a required one not
      // linearized returns no earlier than the bound, which is no earlier.
      if (p_.ret[a] < node.max_call) break;
      // Required operations of earlier segments are linearized (and their
      // bits are not the node's); later ones are called after the bound.
      if (p_.output[a] != nullptr && a < p_.segment_begin[node.segment]) continue;
      if (p_.call[a] > node.bound || is_linearized(a)) continue;
      if (p_.call[a] > p_.call[b] && optional_returns_within(p_.call[b], p_.call[a], a, b, node, is_linearized)) {
        continue;
      }
      return true;
    }
    return false;
  }

 private:
  static constexpr std::uint32_t kAlone = ~std::uint32_t{0};

  bool identical(std::uint32_t i, std::uint32_t j) const {
    if ((p_.output[i] == nullptr) != (p_.output[j] == nullptr)) return false;
    if (!(*p_.input[i] == *p_.input[j])) return false;
    return p_.output[i] == nullptr || *p_.output[i] == *p_.output[j];
  }

  // Whether an optional operation other than a and b, not linearized and
  // still usable, returned in [from, to): it could sit between b and a
  // completion's later a, and could not follow a.
  template <class IsLinearized>
  bool optional_returns_within(Time from, Time to, std::uint32_t a, std::uint32_t b, const Enabled& node,
                               IsLinearized is_linearized) const {
    const Time start = std::max(from, node.max_call);
    auto it = std::lower_bound(optional_by_return_.begin(), optional_by_return_.end(), start,
                               [&](std::uint32_t o, Time t) { return p_.ret[o] < t; });
    for (; it != optional_by_return_.end() && p_.ret[*it] < to; ++it) {
      if (*it != a && *it != b && !is_linearized(*it)) return true;
    }
    return false;
  }

  const P& p_;
  std::vector<std::uint32_t> class_of_;              // per position; empty: the rule is off
  std::vector<std::vector<std::uint32_t>> members_;  // per class: its positions by rank
  std::vector<std::uint32_t> index_in_class_;        // per position: its index in members_
  std::vector<std::uint32_t> optional_by_return_;    // optional operations that return, by return
};

}  // namespace weft::lin::detail
