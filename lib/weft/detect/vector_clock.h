// Vector clocks for the happens-before relation between weft threads.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace weft::detail {

class VectorClock {
 public:
  uint32_t get(int thread) const {
    return static_cast<size_t>(thread) < clocks_.size() ? clocks_[thread] : 0;
  }
  void set(int thread, uint32_t value) {
    if (static_cast<size_t>(thread) >= clocks_.size()) clocks_.resize(thread + 1, 0);
    clocks_[thread] = value;
  }
  void tick(int thread) { set(thread, get(thread) + 1); }
  // Pointwise maximum: everything `other` has seen, this has now seen.
  void join(const VectorClock& other) {
    if (other.clocks_.size() > clocks_.size()) clocks_.resize(other.clocks_.size(), 0);
    for (size_t i = 0; i < other.clocks_.size(); ++i) clocks_[i] = std::max(clocks_[i], other.clocks_[i]);
  }
  void clear() { clocks_.clear(); }
  bool empty() const { return clocks_.empty(); }

 private:
  std::vector<uint32_t> clocks_;
};

// The clock a synchronization object carries from its releasers to its
// acquirers. Primitives embed one per object (per slot, for channels).
struct SyncClock {
  VectorClock clock;
};

}  // namespace weft::detail
