// A schedule read from bytes: the decoding a byte-level fuzzer (libFuzzer)
// drives. Every scheduling choice and every weft::choose value takes the
// next byte (two bytes when there are more than 256 options): the enabled
// threads are counted from the running one, so byte b picks the
// (b mod n)-th thread after it, 0 being the running thread itself. A short
// input therefore degrades gracefully: once the bytes run out every choice is
// 0, the running thread goes on (no preemption), and each byte changed
// changes one decision.
//
// With feedback counters (InterleavingFeedback::kSlots bytes), each
// execution's interleaving feedback is added to them: what the libFuzzer
// entry (gtest/fuzz_test.h) hands libFuzzer as extra counters.
//
//   InputStrategy s(bytes, counters);
//   ThreadId next = s.pick_thread(enabled, current);
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "weft/strategy/interleaving_feedback.h"
#include "weft/strategy/strategy.h"

namespace weft::detail {

class InputStrategy final : public Strategy {
 public:
  explicit InputStrategy(std::string input, std::span<uint8_t> counters = {})
      : input_(std::move(input)), counters_(counters) {}

  void begin_execution(uint64_t, uint64_t) override {
    used_ = 0;
    feedback_.begin();
  }
  ThreadId pick_thread(std::span<const ThreadId> enabled, ThreadId current) override;
  uint32_t pick_value(uint32_t n) override { return next(n); }
  // With counters: its feedback counts every step.
  bool wants_steps() const override { return !counters_.empty(); }
  void step_taken(const RawEvent& step) override { count_features(feedback_.add(step), counters_); }
  std::string name() const override { return "input"; }
  // No seed form: the input is the schedule (tokens are the w1i- form).
  std::string replay_spec() const override { return {}; }

 private:
  uint32_t next(uint32_t n);

  std::string input_;
  size_t used_ = 0;
  std::span<uint8_t> counters_;
  InterleavingFeedback feedback_;
};

}  // namespace weft::detail
