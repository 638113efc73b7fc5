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
#include <span>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "weft/lin/check_result.h"
#include "weft/lin/detail/flat_lists.h"
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
    const auto n = static_cast<std::uint32_t>(p.input.size());
    class_of_.resize(n);
    const std::uint32_t classes = find_classes();
    if (classes == n) {  // no two identical: nothing to skip, ever
      class_of_.clear();
      return;
    }
    // Members of each class by rank, all classes in one array.
    members_ = FlatLists(classes);
    for (const std::uint32_t c : class_of_) members_.count(c);
    members_.start();
    std::vector<std::uint32_t> by_rank(n);
    for (std::uint32_t i = 0; i < n; ++i) by_rank[p.rank[i]] = i;
    index_in_class_.resize(n);
    std::vector<std::uint32_t> filled(classes, 0);
    for (const std::uint32_t i : by_rank) {
      index_in_class_[i] = filled[class_of_[i]]++;
      members_.add(class_of_[i], i);
    }
    for (std::uint32_t o : p.optional) {
      if (p.ret[o] != kEndOfTime) optional_by_return_.push_back(o);
    }
    std::sort(optional_by_return_.begin(), optional_by_return_.end(),
              [&](std::uint32_t a, std::uint32_t b) { return p.ret[a] < p.ret[b]; });
  }

  // The class of position i, classes numbered by their first position (for
  // tests). Operations of one class are identical; the converse holds when
  // Input and Output are hashable, or when the part has at most kRecent
  // classes. With the rule off, each operation is a class of its own.
  std::uint32_t class_of(std::uint32_t i) const { return class_of_.empty() ? i : class_of_[i]; }

  // Whether classes are found by hashing (Input and Output both hashable)
  // rather than by scanning recent classes.
  static constexpr bool kHashed =
      std::is_invocable_v<absl::Hash<Input>, const Input&> && std::is_invocable_v<absl::Hash<Output>, const Output&>;

  // Classes scanned by the fallback: the most recently used ones.
  static constexpr std::size_t kRecent = 64;

  // Whether candidate b need not be tried at this node: an identical
  // candidate of lower rank may go first instead (see the top of the file).
  // The nearest lower ranks are looked at, up to kScan of them; stopping
  // early only skips less.
  template <class IsLinearized>
  bool superseded(std::uint32_t b, const Enabled& node, IsLinearized is_linearized) const {
    if (class_of_.empty()) return false;
    const std::span<const std::uint32_t> members = members_[class_of_[b]];
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
  // Fills class_of_ (operations in one class are identical) and returns
  // the number of classes, numbered in order of first position.
  std::uint32_t find_classes() {
    const auto n = static_cast<std::uint32_t>(class_of_.size());
    std::uint32_t classes = 0;
    if constexpr (kHashed) {
      // Every operation joins the class of any identical one: a set of one
      // position per class, hashed and compared through the operations.
      std::vector<std::size_t> hash(n);
      for (std::uint32_t i = 0; i < n; ++i) {
        hash[i] = p_.output[i] == nullptr ? absl::HashOf(*p_.input[i]) : absl::HashOf(*p_.input[i], *p_.output[i]);
      }
      const auto hash_of = [&](std::uint32_t i) { return hash[i]; };
      const auto same = [&](std::uint32_t i, std::uint32_t j) { return hash[i] == hash[j] && identical(i, j); };
      absl::flat_hash_set<std::uint32_t, decltype(hash_of), decltype(same)> first_of_class(n, hash_of, same);
      for (std::uint32_t i = 0; i < n; ++i) {
        const auto [it, inserted] = first_of_class.insert(i);
        class_of_[i] = inserted ? classes++ : class_of_[*it];
      }
    } else {
      // Input and Output need only ==, so classes are found by comparison
      // with those seen most recently (by call); the most recent kRecent
      // classes cover every history with fewer distinct concurrent
      // operations, and a class missed on a wide history costs pruning,
      // never exactness.
      std::vector<std::uint32_t> recent;  // a first position per class, most recently used last
      for (std::uint32_t i = 0; i < n; ++i) {
        std::uint32_t found = kNone;
        for (std::size_t k = recent.size(); k-- > 0;) {
          const std::uint32_t j = recent[k];
          if (identical(i, j)) {
            found = class_of_[j];
            recent.erase(recent.begin() + static_cast<std::ptrdiff_t>(k));
            recent.push_back(j);
            break;
          }
        }
        if (found == kNone) {
          found = classes++;
          if (recent.size() == kRecent) recent.erase(recent.begin());
          recent.push_back(i);
        }
        class_of_[i] = found;
      }
    }
    return classes;
  }

  static constexpr std::uint32_t kNone = ~std::uint32_t{0};

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
  std::vector<std::uint32_t> class_of_;            // per position; empty: the rule is off
  FlatLists members_;                              // per class: its positions, by rank
  std::vector<std::uint32_t> index_in_class_;      // per position: its index among its class's members
  std::vector<std::uint32_t> optional_by_return_;  // optional operations that return, by return
};

}  // namespace weft::lin::detail
