// The search's memo: nodes known to have no completion ("failed").
//
// A node is (Key, available): its Key is the segment, the required
// operations of the segment linearized so far and the model state; its
// available set is the optional operations it could still use. A node is
// hopeless when a failed node had the same Key and the same available set
// (an exact hash lookup, as in Lowe's and porcupine's memo), and also when one
// had a superset of it: optional operations never have to be used, so every
// completion of the node with fewer is one of the node with more. Superset
// checks scan only the last few failed sets of a Key, which keeps a lookup
// cheap however many sets a Key collects; the exact lookup still catches
// every repeat, so the memo never prunes less than a plain one.
//
// Failure is a property of the node, not of the order it was searched in,
// so searches with different candidate orders share one memo.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"

namespace weft::lin::detail {

template <class State, class Bits>
class FailedNodes {
 public:
  struct Key {
    Bits required;
    State state;
    std::uint32_t segment;
  };

  // The node's group (to pass to fail() if it fails), or none when a failed
  // node covers it. Copies the key only when it is new.
  std::optional<std::uint32_t> lookup(const Bits& required, const State& state, std::uint32_t segment,
                                      const Bits& available) {
    const KeyView view{&required, &state, segment};
    auto it = groups_.find(view);
    if (it == groups_.end()) {
      const auto group = static_cast<std::uint32_t>(recent_.size());
      groups_.emplace(Key{required, state, segment}, group);
      recent_.emplace_back();
      return group;
    }
    const std::uint32_t group = it->second;
    if (exact_.contains(Entry{group, available})) return std::nullopt;
    for (const Bits& failed : recent_[group]) {
      if (available.subset_of(failed)) return std::nullopt;
    }
    return group;
  }

  void fail(std::uint32_t group, const Bits& available) {
    exact_.insert(Entry{group, available});
    // Keep the most recent failed sets, dropping those the new one covers.
    auto& recent = recent_[group];
    std::erase_if(recent, [&](const Bits& b) { return b.subset_of(available); });
    if (recent.size() == kRecent) recent.erase(recent.begin());
    recent.push_back(available);
  }

 private:
  static constexpr std::size_t kRecent = 8;
  struct Entry {
    std::uint32_t group;
    Bits available;
    bool operator==(const Entry&) const = default;
    template <class H>
    friend H AbslHashValue(H h, const Entry& e) {
      return H::combine(std::move(h), e.group, e.available);
    }
  };
  // Lookups go through a view of the node's fields, so that a key is only
  // copied (states can be long strings) when it is stored.
  struct KeyView {
    const Bits* required;
    const State* state;
    std::uint32_t segment;
  };
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(const Key& k) const { return absl::HashOf(k.required, k.state, k.segment); }
    std::size_t operator()(const KeyView& k) const { return absl::HashOf(*k.required, *k.state, k.segment); }
  };
  struct KeyEq {
    using is_transparent = void;
    static KeyView view(const Key& k) { return {&k.required, &k.state, k.segment}; }
    static const KeyView& view(const KeyView& k) { return k; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      const KeyView& x = view(a);
      const KeyView& y = view(b);
      return x.segment == y.segment && *x.required == *y.required && *x.state == *y.state;
    }
  };
  absl::flat_hash_map<Key, std::uint32_t, KeyHash, KeyEq> groups_;
  std::vector<std::vector<Bits>> recent_;  // per group
  absl::flat_hash_set<Entry> exact_;
};

}  // namespace weft::lin::detail
