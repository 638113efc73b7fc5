// Reads guide the search of key/value histories (KvModel): a node is dead
// when a get not yet linearized can no longer return its value, and a value
// no get can see any more is forgotten. The interface, and what it must
// keep exact, is in read_guide.h:
//
//   ReadGuide<KvModel> guide(model, prepared, reductions);   // per part
//   guide.after_step(before, after, op, view, is_linearized);   // forgets
//   if (guide.dead(state, view, is_linearized)) { /* no linearization */ }
//
// The general search (search.h) linearizes writes one by one. With appends,
// every order of concurrent appends builds a different string, so memoized
// nodes rarely meet and the search enumerates orders of writes that later
// reads rule out. A get returns the whole string, which shows the order of
// the appends in it. Two uses of that:
//
//  - Dead nodes. From a node whose value for a key is S, the writes
//    linearized before a get that returned V either all append (so S is a
//    prefix of V) or end with a last put (or compare-and-set) whose new value
//    is a prefix of V, followed by appends. So when S is not a prefix of V and
//    no such put is still to come (not linearized, not too late for an
//    optional one, called no later than the get returns), the node has no
//    linearization. After a wrong append that shows at once, so appends
//    follow the order the next reads show.
//  - Unseen values. When S is a prefix of no get not yet linearized (and the
//    part has no compare-and-set, which compares values), no get reads S or
//    anything appended to it: each one needs a put first. Any completion
//    from the node is then a completion from the same node with any other
//    such value, and S is replaced by one fixed value that is a prefix of no
//    get (`unseen_`). The nodes reached by the many orders of appends that a
//    put later overwrites become one, and the memo sees them as one.
//
// Both keep the verdict exact, and the memo (failed_nodes.h) may treat a node
// found dead here like one whose search failed: deadness is monotone in the
// optional operations available (fewer available, fewer puts to come), and
// forgetting maps nodes only to nodes with the same completions.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "weft/lin/check_result.h"
#include "weft/lin/detail/prepared.h"
#include "weft/lin/detail/read_guide.h"
#include "weft/lin/history.h"
#include "weft/lin/models/kv.h"

namespace weft::lin::detail {

template <>
class ReadGuide<KvModel> {
 public:
  using P = Prepared<KvModel::Input, KvModel::Output>;

  ReadGuide(const KvModel& /*model*/, const P& p, const Reductions& reductions) : p_(p), to_come_(p) {
    if (!reductions.kv_reads_guide_writes) return;
    enabled_ = true;
    const std::size_t n = p.input.size();
    setters_.resize(n);
    // The operations that may set a key's value outright, by call.
    std::vector<std::uint32_t> setters;
    bool cas = false;
    for (std::uint32_t i = 0; i < n; ++i) {
      const KvModel::Input& in = *p.input[i];
      cas |= in.kind == KvModel::Kind::kCas;
      if (in.kind == KvModel::Kind::kPut || (in.kind == KvModel::Kind::kCas && !p.read_only[i])) setters.push_back(i);
    }
    for (std::uint32_t i = 0; i < n; ++i) {
      if (!is_known_get(i)) continue;
      const absl::string_view value = p.output[i]->value;
      gets_.push_back({p.input[i]->key, value, i});
      for (std::uint32_t j : setters) {
        if (p.input[j]->key == p.input[i]->key && absl::StartsWith(value, new_value(j))) setters_[i].push_back(j);
      }
    }
    std::sort(gets_.begin(), gets_.end());
    if (!cas) choose_unseen();
  }

  // Whether a get not yet linearized in the node's segment can no longer
  // return its value. Gets called by the node's bound are checked, and the
  // next few after it (later ones almost always have a put to come).
  template <class IsLinearized>
  bool dead(const KvModel::State& state, const NodeView& node, IsLinearized is_linearized) const {
    if (!enabled_) return false;
    constexpr int kBeyondBound = 4;
    int beyond = 0;
    const auto& required = p_.required[node.segment];
    for (std::size_t k = node.first_open; k < required.size(); ++k) {
      const std::uint32_t i = required[k];
      if (p_.call[i] > node.bound && ++beyond > kBeyondBound) break;
      if (!is_known_get(i) || is_linearized(i)) continue;
      const absl::string_view value = p_.output[i]->value;
      if (absl::StartsWith(value, KvModel::value_of(state, p_.input[i]->key))) continue;
      if (!to_come_.setter(setters_[i], i, node, is_linearized)) return true;
    }
    return false;
  }

  // After a step: forgets (no check of its own beyond dead()).
  template <class IsLinearized>
  bool after_step(const KvModel::State& /*before*/, KvModel::State& after, std::uint32_t op, const NodeView& node,
                  IsLinearized is_linearized) const {
    forget_unseen(after, op, node, is_linearized);
    return true;
  }

  // After operation `op` was linearized into `state`: if the value of its
  // key is a prefix of no get still to come, replaces it by unseen_.
  template <class IsLinearized>
  void forget_unseen(KvModel::State& state, std::uint32_t op, const NodeView& node, IsLinearized is_linearized) const {
    if (unseen_.empty()) return;
    const std::string& key = p_.input[op]->key;
    const absl::string_view value = KvModel::value_of(state, key);
    if (value.empty() || value == unseen_) return;  // "" is a prefix of every get
    // The gets of this key whose value starts with `value` follow it in
    // gets_; a long run of them is taken as seen rather than scanned.
    constexpr int kScan = 64;
    int scanned = 0;
    const Get probe{key, value, 0};
    for (auto it = std::lower_bound(gets_.begin(), gets_.end(), probe); it != gets_.end(); ++it) {
      if (it->key != key || !absl::StartsWith(it->value, value)) break;
      if (++scanned > kScan || to_come_.operation(it->op, node, is_linearized)) return;
    }
    state = KvModel::with_value(state, key, unseen_);
  }

 private:
  struct Get {
    absl::string_view key;
    absl::string_view value;
    std::uint32_t op;
    bool operator<(const Get& o) const { return std::tie(key, value, op) < std::tie(o.key, o.value, o.op); }
  };

  bool is_known_get(std::uint32_t i) const {
    return p_.output[i] != nullptr && p_.input[i]->kind == KvModel::Kind::kGet;
  }

  // The value a put or a compare-and-set sets.
  const std::string& new_value(std::uint32_t j) const {
    return p_.input[j]->kind == KvModel::Kind::kPut ? p_.input[j]->value : p_.input[j]->swap;
  }

  // A non-empty value that is a prefix of no get's value: one byte that no
  // get's value starts with (none if every byte starts one).
  void choose_unseen() {
    bool starts[256] = {};
    for (const Get& g : gets_) {
      if (!g.value.empty()) starts[static_cast<unsigned char>(g.value[0])] = true;
    }
    for (int b = 255; b >= 0; --b) {
      if (!starts[b]) {
        unseen_.assign(1, static_cast<char>(b));
        return;
      }
    }
  }

  const P& p_;
  const StillToCome<P> to_come_;
  bool enabled_ = false;
  // Per known get: the puts and compare-and-sets of its key whose new value
  // is a prefix of the value it returned, by call.
  std::vector<std::vector<std::uint32_t>> setters_;
  std::vector<Get> gets_;  // the known gets, by key and value
  std::string unseen_;     // empty: values are never forgotten
};

}  // namespace weft::lin::detail
