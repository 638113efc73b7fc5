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
//    N is a prefix of V, followed by appends. Either way the rest of V (after
//    S, or after N) is made of appends still to come (not linearized, not
//    too late for an optional one, called no later than the get returns).
//    So the node is dead when S is not a prefix of V or the appends to come
//    cannot make the rest, and no such put is still to come after which they
//    can. Whether appends can make a rest is decided when the rest splits
//    into append values one way only (values like "x;" that are no prefix of
//    one another always do): each value then has to be appended as often as
//    it occurs. A rest that splits more ways is taken as buildable. After a
//    wrong append, or once the appends a slow get needs are used up, this
//    shows at once, so appends follow the order the next reads show.
//  - Unseen values. When S is a prefix of no get still to come that can see
//    it (and the part has no compare-and-set, which compares values), no get
//    reads S or anything appended to it: each one needs a put first. A get
//    can see S only if it is called before every put still to come whose
//    outcome is known has returned: such a put returns before the get is
//    called, so it goes between the node and the get and overwrites S.
//    Any completion from the node is then a completion from the same node
//    with any other such value, and S is replaced by one fixed value that is
//    a prefix of no get (`unseen_`). The nodes reached by the many orders of
//    appends and puts that a later put overwrites become one, and the memo
//    sees them as one.
//
// Both keep the verdict exact, and the memo (failed_nodes.h) may treat a node
// found dead here like one whose search failed: deadness is monotone in the
// optional operations available (fewer available, fewer puts and appends to
// come), and forgetting maps nodes only to nodes with the same completions
// (the puts that bound which gets can see S have known outcomes, the same
// for every node with the same linearized required operations).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
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

  ReadGuide(const KvModel& model, const P& p, const Reductions& reductions) : p_(p), to_come_(p) {
    if (!reductions.kv_reads_guide_writes) return;
    enabled_ = true;
    const auto n = static_cast<std::uint32_t>(p.input.size());
    setters_.resize(n);
    key_of_.resize(n);
    piece_of_.assign(n, kNone);
    // The operations that may set a key's value outright, by call.
    std::vector<std::uint32_t> setters;
    bool cas = false;
    absl::flat_hash_map<absl::string_view, std::uint32_t> key_ids;
    for (std::uint32_t i = 0; i < n; ++i) {
      const KvModel::Input& in = *p.input[i];
      cas |= in.kind == KvModel::Kind::kCas;
      const auto [it, added] = key_ids.try_emplace(in.key, static_cast<std::uint32_t>(keys_.size()));
      if (added) keys_.emplace_back();
      key_of_[i] = it->second;
      KeyOps& ops = keys_[it->second];
      if (in.kind == KvModel::Kind::kPut || (in.kind == KvModel::Kind::kCas && !p.read_only[i])) setters.push_back(i);
      if (in.kind == KvModel::Kind::kPut && p.output[i] != nullptr) ops.known_puts.push_back(i);
      if (is_known_get(i)) ops.known_gets.push_back(i);
      if (in.kind == KvModel::Kind::kAppend && !in.value.empty()) {
        const auto [piece, new_piece] = piece_ids_.try_emplace(in.value, static_cast<std::uint32_t>(piece_ids_.size()));
        if (new_piece) piece_lengths_.push_back(in.value.size());
        piece_of_[i] = piece->second;
        (p.output[i] != nullptr ? ops.known_appends : ops.optional_appends).push_back(i);
      }
    }
    std::sort(piece_lengths_.begin(), piece_lengths_.end());
    piece_lengths_.erase(std::unique(piece_lengths_.begin(), piece_lengths_.end()), piece_lengths_.end());
    for (KeyOps& ops : keys_) {
      std::stable_sort(ops.optional_appends.begin(), ops.optional_appends.end(),
                       [&](std::uint32_t a, std::uint32_t b) { return p.ret[a] < p.ret[b]; });
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
    find_last_overwriters();
    if (!cas) choose_unseen();
    // Every get, from the initial state, where nothing is linearized yet:
    // refutes at once a get whose value no writes of the part can build.
    const auto nothing = [](std::uint32_t /*j*/) { return false; };
    const NodeView root{0, 0, std::numeric_limits<Time>::min(), std::numeric_limits<Time>::min()};
    const KvModel::State initial = model.initial();
    for (std::uint32_t i = 0; i < n && !refuted_; ++i) {
      refuted_ = is_known_get(i) && !can_read(i, initial, root, nothing);
    }
  }

  // Whether a get not yet linearized in the node's segment can no longer
  // return its value. Gets called by the node's bound are checked, and the
  // next few after it (later ones almost always have a put to come).
  template <class IsLinearized>
  bool dead(const KvModel::State& state, const NodeView& node, IsLinearized is_linearized) const {
    if (!enabled_) return false;
    if (refuted_) return true;
    constexpr int kBeyondBound = 16;
    int beyond = 0;
    const auto& required = p_.required[node.segment];
    for (std::size_t k = node.first_open; k < required.size(); ++k) {
      const std::uint32_t i = required[k];
      if (p_.call[i] > node.bound && ++beyond > kBeyondBound) break;
      if (!is_known_get(i) || is_linearized(i)) continue;
      if (!can_read(i, state, node, is_linearized)) return true;
    }
    return false;
  }

  // The candidates to try first, for the gets among the candidates by
  // return: first appends that extend the value toward what a get read
  // (the next piece of its value), then puts of a prefix of what the
  // earliest-returning get read. Gets that can still be reached by appends
  // are served before a put starts a new value, so most nodes go straight
  // on along the order the gets show, and a linearization, when there is
  // one, is found with little backtracking.
  template <class IsLinearized>
  std::size_t preferred(const KvModel::State& state, const NodeView& node, IsLinearized is_linearized,
                        std::span<std::uint32_t, kPreferred> first) const {
    if (!enabled_) return 0;
    constexpr std::size_t kGets = 16;
    absl::InlinedVector<std::uint32_t, kGets> gets;
    const auto& required = p_.required[node.segment];
    for (std::size_t k = node.first_open;
         k < required.size() && p_.call[required[k]] <= node.bound && gets.size() < kGets; ++k) {
      const std::uint32_t i = required[k];
      if (is_known_get(i) && !is_linearized(i)) gets.push_back(i);
    }
    if (gets.empty()) return 0;
    std::sort(gets.begin(), gets.end(), [&](std::uint32_t a, std::uint32_t b) { return p_.ret[a] < p_.ret[b]; });
    std::size_t count = 0;
    auto add = [&](std::uint32_t j) {
      if (count < kPreferred && std::find(first.begin(), first.begin() + count, j) == first.begin() + count) {
        first[count++] = j;
      }
    };
    for (const std::uint32_t g : gets) {
      const absl::string_view value = p_.output[g]->value;
      const absl::string_view held = KvModel::value_of(state, p_.input[g]->key);
      if (value.size() <= held.size() || !absl::StartsWith(value, held)) continue;
      const absl::string_view rest = value.substr(held.size());
      for (const std::size_t l : piece_lengths_) {
        if (l > rest.size()) break;
        const auto it = piece_ids_.find(rest.substr(0, l));
        if (it == piece_ids_.end()) continue;
        if (const std::uint32_t j = candidate_append(key_of_[g], it->second, node, is_linearized); j != kNone) add(j);
      }
    }
    // One put per value (the lowest-ranked: identical_ops.h tries no other).
    const std::size_t appends = count;
    for (const std::uint32_t j : setters_[gets.front()]) {
      if (p_.call[j] > node.bound) break;
      if (!to_come_.operation(j, node, is_linearized)) continue;
      auto same = std::find_if(first.begin() + appends, first.begin() + count,
                               [&](std::uint32_t k) { return new_value(k) == new_value(j); });
      if (same != first.begin() + count) {
        if (p_.rank[j] < p_.rank[*same]) *same = j;
      } else if (count < kPreferred) {
        first[count++] = j;
      }
    }
    return count;
  }

  // After a step: forgets (no check of its own beyond dead()).
  template <class IsLinearized>
  bool after_step(const KvModel::State& /*before*/, KvModel::State& after, std::uint32_t op, const NodeView& node,
                  IsLinearized is_linearized) const {
    forget_unseen(after, op, node, is_linearized);
    return true;
  }

  // After operation `op` was linearized into `state`: if the value of its
  // key is a prefix of no get still to come that can see it, replaces it by
  // unseen_.
  template <class IsLinearized>
  void forget_unseen(KvModel::State& state, std::uint32_t op, const NodeView& node, IsLinearized is_linearized) const {
    if (unseen_.empty()) return;
    const std::string& key = p_.input[op]->key;
    const absl::string_view value = KvModel::value_of(state, key);
    if (value.empty() || value == unseen_) return;  // "" is a prefix of every get
    if (seen_before_overwrite(value, key_of_[op], node, is_linearized) &&
        seen_at_all(value, key, node, is_linearized)) {
      return;
    }
    state = KvModel::with_value(state, key, unseen_);
  }

 private:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  struct Get {
    absl::string_view key;
    absl::string_view value;
    std::uint32_t op;
    bool operator<(const Get& o) const { return std::tie(key, value, op) < std::tie(o.key, o.value, o.op); }
  };

  // Per key, positions of its operations.
  struct KeyOps {
    std::vector<std::uint32_t> known_puts;        // by call
    std::vector<std::uint32_t> known_gets;        // by call
    std::vector<std::uint32_t> known_appends;     // by call
    std::vector<std::uint32_t> optional_appends;  // by return
  };

  // How often an append value (a piece, into piece_ids_) is still needed.
  struct Need {
    std::uint32_t piece;
    std::uint32_t count;
  };
  using Needs = absl::InlinedVector<Need, 8>;

  bool is_known_get(std::uint32_t i) const {
    return p_.output[i] != nullptr && p_.input[i]->kind == KvModel::Kind::kGet;
  }

  // The value a put or a compare-and-set sets.
  const std::string& new_value(std::uint32_t j) const {
    return p_.input[j]->kind == KvModel::Kind::kPut ? p_.input[j]->value : p_.input[j]->swap;
  }

  // Visits the appends of `key` still to come that were called no later
  // than `by`: known ones by call from the node's first open position
  // (earlier ones are linearized), then optional ones by return from the
  // node's latest call (earlier ones are too late). Stops when visit(j)
  // returns true. False when it gave up, after kScan appends looked at,
  // before it was done.
  template <class IsLinearized, class Visit>
  bool visit_appends_to_come(std::uint32_t key, Time by, const NodeView& node, IsLinearized is_linearized,
                             Visit visit) const {
    constexpr int kScan = 256;
    int scanned = 0;
    const KeyOps& ops = keys_[key];
    for (auto k =
             std::lower_bound(ops.known_appends.begin(), ops.known_appends.end(), to_come_.first_open_position(node));
         k != ops.known_appends.end() && p_.call[*k] <= by; ++k) {
      if (++scanned > kScan) return false;
      if (to_come_.operation(*k, node, is_linearized) && visit(*k)) return true;
    }
    for (auto k = std::lower_bound(ops.optional_appends.begin(), ops.optional_appends.end(), node.max_call,
                                   [&](std::uint32_t j, Time t) { return p_.ret[j] < t; });
         k != ops.optional_appends.end(); ++k) {
      if (++scanned > kScan) return false;
      if (p_.call[*k] <= by && to_come_.operation(*k, node, is_linearized) && visit(*k)) return true;
    }
    return true;
  }

  // The lowest-ranked append of `piece` to `key` that could go next (kNone:
  // none found).
  template <class IsLinearized>
  std::uint32_t candidate_append(std::uint32_t key, std::uint32_t piece, const NodeView& node,
                                 IsLinearized is_linearized) const {
    std::uint32_t best = kNone;
    visit_appends_to_come(key, node.bound, node, is_linearized, [&](std::uint32_t j) {
      if (piece_of_[j] == piece && (best == kNone || p_.rank[j] < p_.rank[best])) best = j;
      return false;
    });
    return best;
  }

  // Whether get i can still return its value from a node holding `state`:
  // by appends to the value held, when no overwrite is to come before it,
  // or by appends after a put to come. Every operation that returned before
  // the get was called goes before it; of those that overwrite the key
  // (known puts and compare-and-sets that swapped), let w be the one called
  // last. While w is to come, the value held is lost before the get, and
  // the put it needs must go after w (return no earlier than w is called).
  template <class IsLinearized>
  bool can_read(std::uint32_t i, const KvModel::State& state, const NodeView& node, IsLinearized is_linearized) const {
    const absl::string_view value = p_.output[i]->value;
    const absl::string_view held = KvModel::value_of(state, p_.input[i]->key);
    const std::uint32_t w = last_overwriter_[i];
    const bool overwrite_to_come = w != kNone && to_come_.operation(w, node, is_linearized);
    if (!overwrite_to_come && absl::StartsWith(value, held) &&
        buildable(i, held.size(), std::numeric_limits<Time>::min(), node, is_linearized)) {
      return true;
    }
    // Puts of one value leave one rest to build, and the earliest-called
    // one the most appends that may follow it: per length, only it is
    // tried.
    absl::InlinedVector<std::pair<std::size_t, Time>, 4> earliest;  // length, call
    if (to_come_.setter(setters_[i], i, node, is_linearized,
                        overwrite_to_come ? p_.call[w] : std::numeric_limits<Time>::min(), [&](std::uint32_t j) {
                          const std::size_t length = new_value(j).size();
                          auto it = std::find_if(earliest.begin(), earliest.end(),
                                                 [&](const auto& e) { return e.first == length; });
                          if (it == earliest.end()) {
                            earliest.emplace_back(length, p_.call[j]);
                          } else {
                            it->second = std::min(it->second, p_.call[j]);
                          }
                          return false;  // collect them all
                        })) {
      return true;  // too many to look at
    }
    for (const auto& [length, call] : earliest) {
      if (buildable(i, length, call, node, is_linearized)) return true;
    }
    return false;
  }

  // Whether the appends to come of get i's key that may go after an
  // operation called at `after` (return no earlier) and before the get
  // (called no later than it returns) can make the rest of its value from
  // `from` on. Answers yes when it cannot tell (the rest splits into append
  // values more than one way, or is long, or too many appends are to be
  // looked at).
  template <class IsLinearized>
  bool buildable(std::uint32_t i, std::size_t from, Time after, const NodeView& node,
                 IsLinearized is_linearized) const {
    const absl::string_view rest = absl::string_view(p_.output[i]->value).substr(from);
    if (rest.empty()) return true;
    Needs needs;
    std::uint32_t missing = 0;
    if (!split(rest, needs, missing)) return false;
    if (missing == 0) return true;
    // One append fills one place of its value, the first still needed.
    const bool looked_at_all = visit_appends_to_come(key_of_[i], p_.ret[i], node, is_linearized, [&](std::uint32_t j) {
      if (p_.ret[j] < after) return false;
      for (Need& need : needs) {
        if (need.piece == piece_of_[j] && need.count > 0) {
          --need.count;
          --missing;
          break;
        }
      }
      return missing == 0;
    });
    return missing == 0 || !looked_at_all;
  }

  // Fills last_overwriter_: per known get, of the known puts and
  // compare-and-sets that swapped, of its key, that returned before it was
  // called, the one called last. Gets by call, overwriters by return.
  void find_last_overwriters() {
    const auto n = static_cast<std::uint32_t>(p_.input.size());
    last_overwriter_.assign(n, kNone);
    std::vector<std::uint32_t> overwriters;
    for (std::uint32_t j = 0; j < n; ++j) {
      const KvModel::Kind kind = p_.input[j]->kind;
      const bool swapped = kind == KvModel::Kind::kCas && p_.output[j] != nullptr && p_.output[j]->ok;
      if ((kind == KvModel::Kind::kPut && p_.output[j] != nullptr) || swapped) overwriters.push_back(j);
    }
    std::stable_sort(overwriters.begin(), overwriters.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return p_.ret[a] < p_.ret[b]; });
    std::vector<std::uint32_t> latest(keys_.size(), kNone);  // per key, called last so far
    std::size_t k = 0;
    for (std::uint32_t i = 0; i < n; ++i) {  // by call (positions are)
      for (; k < overwriters.size() && p_.ret[overwriters[k]] < p_.call[i]; ++k) {
        std::uint32_t& best = latest[key_of_[overwriters[k]]];
        if (best == kNone || p_.call[overwriters[k]] > p_.call[best]) best = overwriters[k];
      }
      if (is_known_get(i)) last_overwriter_[i] = latest[key_of_[i]];
    }
  }

  // Splits `rest` into append values, counting each in `needs` and all in
  // `missing`. False when no split exists; when one is found that is not the
  // only one, or the rest is long, leaves `missing` 0 (cannot tell).
  bool split(absl::string_view rest, Needs& needs, std::uint32_t& missing) const {
    constexpr std::uint32_t kPieces = 64;
    for (std::size_t at = 0; at < rest.size();) {
      std::uint32_t piece = kNone;
      std::size_t length = 0;
      for (const std::size_t l : piece_lengths_) {
        if (l > rest.size() - at) break;
        const auto it = piece_ids_.find(rest.substr(at, l));
        if (it == piece_ids_.end()) continue;
        if (piece != kNone) {  // more than one split: not decided here
          missing = 0;
          return true;
        }
        piece = it->second;
        length = l;
      }
      if (piece == kNone) return false;  // the only split so far cannot go on
      if (++missing > kPieces) {
        missing = 0;
        return true;
      }
      auto need = std::find_if(needs.begin(), needs.end(), [&](const Need& n) { return n.piece == piece; });
      if (need == needs.end()) {
        needs.push_back({piece, 1});
      } else {
        ++need->count;
      }
      at += length;
    }
    return true;
  }

  // Whether a get still to come that can see `value` before a known put to
  // come overwrites it starts with it. A long run of gets to look at is
  // taken as seen.
  template <class IsLinearized>
  bool seen_before_overwrite(absl::string_view value, std::uint32_t key, const NodeView& node,
                             IsLinearized is_linearized) const {
    const KeyOps& ops = keys_[key];
    const std::uint32_t from = to_come_.first_open_position(node);
    // The earliest return of a known put to come: puts called after it
    // cannot return earlier.
    Time overwritten = kEndOfTime;
    for (auto k = std::lower_bound(ops.known_puts.begin(), ops.known_puts.end(), from);
         k != ops.known_puts.end() && p_.call[*k] <= overwritten; ++k) {
      if (to_come_.operation(*k, node, is_linearized)) overwritten = std::min(overwritten, p_.ret[*k]);
    }
    if (overwritten == kEndOfTime) return true;
    constexpr int kScan = 64;
    int scanned = 0;
    for (auto k = std::lower_bound(ops.known_gets.begin(), ops.known_gets.end(), from);
         k != ops.known_gets.end() && p_.call[*k] <= overwritten; ++k) {
      if (++scanned > kScan) return true;
      if (absl::StartsWith(p_.output[*k]->value, value) && to_come_.operation(*k, node, is_linearized)) return true;
    }
    return false;
  }

  // Whether any get of `key` still to come starts with `value`. The gets of
  // the key whose value starts with it follow it in gets_; a long run of
  // them is taken as seen rather than scanned.
  template <class IsLinearized>
  bool seen_at_all(absl::string_view value, absl::string_view key, const NodeView& node,
                   IsLinearized is_linearized) const {
    constexpr int kScan = 64;
    int scanned = 0;
    const Get probe{key, value, 0};
    for (auto it = std::lower_bound(gets_.begin(), gets_.end(), probe); it != gets_.end(); ++it) {
      if (it->key != key || !absl::StartsWith(it->value, value)) break;
      if (++scanned > kScan || to_come_.operation(it->op, node, is_linearized)) return true;
    }
    return false;
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
  bool refuted_ = false;  // some get can return its value in no linearization
  // Per known get: the puts and compare-and-sets of its key whose new value
  // is a prefix of the value it returned, by call.
  std::vector<std::vector<std::uint32_t>> setters_;
  std::vector<Get> gets_;              // the known gets, by key and value
  std::vector<std::uint32_t> key_of_;  // per position: its key, into keys_
  // Per known get: the overwrite that must go before it and was called last
  // (can_read()); kNone: none.
  std::vector<std::uint32_t> last_overwriter_;
  std::vector<KeyOps> keys_;
  // The non-empty values appended (pieces), their distinct lengths, and per
  // position the piece an append appends (kNone for other operations).
  absl::flat_hash_map<absl::string_view, std::uint32_t> piece_ids_;
  std::vector<std::size_t> piece_lengths_;
  std::vector<std::uint32_t> piece_of_;
  std::string unseen_;  // empty: values are never forgotten
};

}  // namespace weft::lin::detail
