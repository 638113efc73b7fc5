#include "weft/strategy/input_bytes.h"

#include <algorithm>

namespace weft::detail {

uint32_t InputStrategy::next(uint32_t n) {
  uint32_t v = 0;
  for (uint32_t range = 1; range < n && used_ < input_.size(); range <<= 8) {
    v |= static_cast<uint32_t>(static_cast<uint8_t>(input_[used_++])) * range;
  }
  return v % n;
}

ThreadId InputStrategy::pick_thread(std::span<const ThreadId> enabled, ThreadId current) {
  // Counted from the running thread (or the first after it, when it blocked
  // or finished), so that 0 means "no preemption".
  const size_t start = std::lower_bound(enabled.begin(), enabled.end(), current) - enabled.begin();
  const uint32_t n = static_cast<uint32_t>(enabled.size());
  return enabled[(start + next(n)) % n];
}

}  // namespace weft::detail
