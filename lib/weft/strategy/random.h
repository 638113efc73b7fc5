// Uniform random scheduling: every enabled thread is equally likely at every
// point. Cheap and unbiased, but it rarely produces long runs of one thread,
// which is why the default portfolio mixes it with PCT.
#pragma once

#include "weft/base/rng.h"
#include "weft/strategy/strategy.h"

namespace weft::detail {

class RandomStrategy final : public Strategy {
 public:
  void begin_execution(uint64_t seed, uint64_t index) override { rng_.reseed(mix_seed(seed, index)); }
  ThreadId pick_thread(std::span<const ThreadId> enabled, ThreadId) override {
    return enabled[rng_.below(static_cast<uint32_t>(enabled.size()))];
  }
  uint32_t pick_value(uint32_t n) override { return rng_.below(n); }
  std::string name() const override { return "random"; }
  std::string replay_spec() const override { return "random"; }

 private:
  Rng rng_;
};

}  // namespace weft::detail
