// Vector clocks for the happens-before relation between weft threads, and the
// clock a synchronization object carries from its releasers to its acquirers.
//
//   VectorClock c;          // all zeros
//   c.tick(2);              // thread 2 did something new
//   c.join(other);          // c has now seen everything `other` has
//   c.get(1);               // what c knows of thread 1
//
// Clocks hold up to kInline threads without allocating; bodies rarely have
// more. Only one fiber runs at a time, so nothing here is atomic.
#pragma once

#include <algorithm>
#include <cstdint>

#include "absl/container/inlined_vector.h"

namespace weft::detail {

class VectorClock {
 public:
  static constexpr size_t kInline = 4;

  uint32_t get(int thread) const { return static_cast<size_t>(thread) < clocks_.size() ? clocks_[thread] : 0; }
  void set(int thread, uint32_t value) {
    if (static_cast<size_t>(thread) >= clocks_.size()) clocks_.resize(thread + 1, 0);
    clocks_[thread] = value;
  }
  void tick(int thread) { set(thread, get(thread) + 1); }
  // Pointwise maximum: everything `other` has seen, this has now seen.
  void join(const VectorClock& other) {
    const size_t n = other.clocks_.size();
    if (n > clocks_.size()) clocks_.resize(n, 0);
    uint32_t* mine = clocks_.data();
    const uint32_t* theirs = other.clocks_.data();
    for (size_t i = 0; i < n; ++i) mine[i] = std::max(mine[i], theirs[i]);
  }
  // Copies `other` without giving back memory already allocated.
  void assign(const VectorClock& other) { clocks_.assign(other.clocks_.begin(), other.clocks_.end()); }
  void clear() { clocks_.resize(0); }  // keeps the memory for the next use
  bool empty() const { return clocks_.empty(); }
  size_t size() const { return clocks_.size(); }

 private:
  absl::InlinedVector<uint32_t, kInline> clocks_;
};

// The clock a synchronization object carries from its releasers to its
// acquirers. Primitives embed one per object (per item, for channels) and
// hand it to HappensBefore::release / acquire; they never read it.
//
// `generation` names the execution the clock was last written in: an object
// that outlives an execution (a global mutex or atomic) must not carry that
// execution's clocks into the next one, where thread clocks start over.
struct SyncClock {
  VectorClock clock;
  uint64_t generation = 0;
};

}  // namespace weft::detail
