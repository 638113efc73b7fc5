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
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace weft::detail {

class VectorClock {
 public:
  static constexpr size_t kInline = 4;

  uint32_t get(int thread) const { return static_cast<size_t>(thread) < size_ ? data()[thread] : 0; }
  void set(int thread, uint32_t value) {
    if (static_cast<size_t>(thread) >= size_) grow(thread + 1);
    data()[thread] = value;
  }
  void tick(int thread) { set(thread, get(thread) + 1); }
  // Pointwise maximum: everything `other` has seen, this has now seen.
  void join(const VectorClock& other) {
    if (size_ == kInline && other.size_ == kInline) [[likely]] {
      for (size_t i = 0; i < kInline; ++i) inline_[i] = std::max(inline_[i], other.inline_[i]);
      return;
    }
    if (other.size_ > size_) grow(other.size_);
    uint32_t* mine = data();
    const uint32_t* theirs = other.data();
    for (size_t i = 0; i < other.size_; ++i) mine[i] = std::max(mine[i], theirs[i]);
  }
  void assign(const VectorClock& other) {
    if (size_ == kInline && other.size_ == kInline) [[likely]] {
      inline_ = other.inline_;
      return;
    }
    if (other.size_ > size_) grow(other.size_);
    std::copy_n(other.data(), other.size_, data());
    std::fill(data() + other.size_, data() + size_, 0);
  }
  // All zeros. The size only grows (entries past another clock's size count
  // as zeros), so a clock cleared and refilled at every execution, as the
  // same threads take the same steps, never resizes.
  void clear() { std::fill_n(data(), size_, 0); }

 private:
  const uint32_t* data() const { return size_ <= kInline ? inline_.data() : heap_.get(); }
  uint32_t* data() { return size_ <= kInline ? inline_.data() : heap_.get(); }
  // Past kInline threads the entries move to the heap, for good.
  [[gnu::noinline]] void grow(size_t n) {
    if (n > capacity_) {
      const size_t capacity = std::max(n, 2 * static_cast<size_t>(capacity_));
      std::unique_ptr<uint32_t[]> bigger(new uint32_t[capacity]());
      std::copy_n(data(), size_, bigger.get());
      heap_ = std::move(bigger);
      capacity_ = static_cast<uint32_t>(capacity);
    }
    size_ = static_cast<uint32_t>(n);
  }

  // Entries [0, size_) are in inline_ while size_ <= kInline, else in heap_.
  // A clock starts with kInline zeros: one made in the body (a new mutex in
  // every execution) then never grows in the usual few-thread case, and
  // joins of inline clocks are four fixed max operations.
  uint32_t size_ = kInline;
  uint32_t capacity_ = kInline;
  std::array<uint32_t, kInline> inline_{};
  std::unique_ptr<uint32_t[]> heap_;
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
