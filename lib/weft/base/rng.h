// weft's own pseudo-random generator.
//
// Every random decision weft makes comes from this generator, so a seed means
// the same schedules on every platform, compiler and library version: std's
// and absl's distributions are free to change between releases, this is not.
//
//   weft::detail::Rng rng(weft::detail::mix_seed(seed, execution_index));
//   uint64_t x = rng.next();
//   uint32_t i = rng.below(5);  // uniform in [0, 5)
#pragma once

#include <cstdint>

namespace weft::detail {

// SplitMix64 finalizer: turns (seed, index) pairs into well-spread seeds.
constexpr uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr uint64_t mix_seed(uint64_t seed, uint64_t index) {
  return mix64(seed * 0x9e3779b97f4a7c15ULL + mix64(index + 0x632be59bd9b4e019ULL));
}

// xoshiro256** (Blackman & Vigna): fast, small state, good statistical quality.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0) { reseed(seed); }

  void reseed(uint64_t seed) {
    uint64_t z = seed;
    for (uint64_t& word : s_) {
      z += 0x9e3779b97f4a7c15ULL;
      word = mix64(z);
    }
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), n > 0. Lemire's multiply-and-reject: unbiased, and the
  // rejection loop is defined here, so results never depend on a library.
  uint32_t below(uint32_t n) {
    uint64_t m = (next() >> 32) * n;
    uint32_t low = static_cast<uint32_t>(m);
    if (low < n) {
      const uint32_t threshold = static_cast<uint32_t>(-n) % n;
      while (low < threshold) {
        m = (next() >> 32) * n;
        low = static_cast<uint32_t>(m);
      }
    }
    return static_cast<uint32_t>(m >> 32);
  }

  // True with probability numerator / denominator.
  bool chance(uint32_t numerator, uint32_t denominator) { return below(denominator) < numerator; }

 private:
  static constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace weft::detail
