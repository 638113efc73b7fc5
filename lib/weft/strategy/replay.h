// Replays a recorded list of decisions, checking each against the program.
//
// The list holds one entry per choice point (a thread id where two or more
// threads were enabled) and per weft::choose(n >= 2) (the value), in program
// order. Any mismatch stops the replay with a precise message instead of
// silently running a different schedule.
#pragma once

#include <vector>

#include "weft/strategy/strategy.h"

namespace weft::detail {

class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(std::vector<uint32_t> decisions) : decisions_(std::move(decisions)) {}

  void begin_execution(uint64_t, uint64_t) override { next_ = 0; }
  ThreadId pick_thread(std::span<const ThreadId> enabled, ThreadId current) override;
  uint32_t pick_value(uint32_t n) override;
  std::string name() const override { return "replay"; }
  std::string replay_spec() const override { return "replay"; }
  std::string failure() const override { return failure_; }
  bool exhausted() const override { return next_ == decisions_.size(); }

 private:
  std::vector<uint32_t> decisions_;
  size_t next_ = 0;
  std::string failure_;
};

}  // namespace weft::detail
