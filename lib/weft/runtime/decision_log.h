// The decisions of one execution (thread picks and weft::choose values), as
// compactly as the token needs them: a byte each for a value under 128, the
// common case (thread ids and choose values are small), LEB128 varints
// beyond. A long execution's decisions are the one thing the runtime keeps
// for every step (the decision-form token replays them all).
//
//   DecisionLog log;
//   log.push_back(1);                  // one byte
//   log.push_back(300);                // two
//   std::vector<uint32_t> all;
//   log.decode_into(all);              // {1, 300}
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace weft::detail {

class DecisionLog {
 public:
  DecisionLog() { bytes_.reserve(1024); }

  void clear() {
    bytes_.clear();
    count_ = 0;
  }
  void push_back(uint32_t decision) {
    if (decision < 0x80) [[likely]] {
      bytes_.push_back(static_cast<uint8_t>(decision));
    } else {
      push_long(decision);
    }
    ++count_;
  }
  // Decisions recorded.
  size_t size() const { return count_; }
  // Bytes they take.
  size_t bytes() const { return bytes_.size(); }
  // Replaces `out`'s contents with the decisions, in order.
  void decode_into(std::vector<uint32_t>& out) const;
  std::vector<uint32_t> decoded() const {
    std::vector<uint32_t> out;
    decode_into(out);
    return out;
  }

 private:
  [[gnu::noinline]] void push_long(uint32_t decision);

  std::vector<uint8_t> bytes_;
  size_t count_ = 0;
};

}  // namespace weft::detail
