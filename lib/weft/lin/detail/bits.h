// Bitsets for the search's memo keys: the set of operations of the current
// segment that are linearized. Fixed sizes keep keys inline (no allocation per
// node); the dynamic one is the fallback for segments over 2048 operations.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace weft::lin::detail {

template <std::size_t Words>
struct FixedBits {
  std::array<std::uint64_t, Words> words{};

  static constexpr std::size_t kCapacity = Words * 64;
  void clear(std::size_t /*size*/) { words = {}; }
  bool test(std::size_t i) const { return (words[i >> 6] >> (i & 63)) & 1u; }
  void set(std::size_t i) { words[i >> 6] |= std::uint64_t{1} << (i & 63); }
  bool subset_of(const FixedBits& o) const {
    for (std::size_t i = 0; i < Words; ++i) {
      if (words[i] & ~o.words[i]) return false;
    }
    return true;
  }
  bool operator==(const FixedBits&) const = default;
  template <class H>
  friend H AbslHashValue(H h, const FixedBits& b) {
    return H::combine(std::move(h), b.words);
  }
};

struct DynamicBits {
  std::vector<std::uint64_t> words;

  void clear(std::size_t size) { words.assign((size + 63) / 64, 0); }
  bool test(std::size_t i) const { return (words[i >> 6] >> (i & 63)) & 1u; }
  void set(std::size_t i) { words[i >> 6] |= std::uint64_t{1} << (i & 63); }
  bool subset_of(const DynamicBits& o) const {
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (words[i] & ~o.words[i]) return false;
    }
    return true;
  }
  bool operator==(const DynamicBits&) const = default;
  template <class H>
  friend H AbslHashValue(H h, const DynamicBits& b) {
    return H::combine(std::move(h), b.words);
  }
};

}  // namespace weft::lin::detail
