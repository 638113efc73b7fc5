// ABA through memory reuse: an index-based lock-free stack over an arena
// whose freed slots are handed out again at once.
//
// Pattern: a Treiber stack of arena slots. The head is one atomic word
//   holding a slot index; pop reads the head slot and its `next`, then CASes
//   the head from that slot to `next`. Popped slots go back to the arena,
//   which reuses the most recently freed slot first (as malloc's per-size
//   free lists do).
// Bug (ABA): thread 1's pop reads head A and next B, and stops. Thread 2
//   pops A and frees it, pops B and keeps it, then pushes a new value: the
//   arena hands out A again. The head is A once more, so thread 1's CAS
//   A -> B succeeds and puts B, which thread 2 owns, back on the stack.
// Fix: a version in the head word's upper half, bumped by every CAS: a
//   head that went A -> B -> A no longer compares equal.
#include <weft/weft.h>

#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

#include "bugs/program.h"

namespace {

constexpr uint32_t kNil = 0xffffffff;

struct Slot {
  weft::atomic<uint32_t> next{kNil, "slot.next"};
  // Bookkeeping for the checks: set while the slot is on the stack.
  weft::atomic<bool> on_stack{false, "slot.on_stack"};
};

// Four slots; the free list is LIFO and guarded by a mutex (allocation is
// not what is being tested).
class Arena {
 public:
  Arena() {
    for (uint32_t i = 4; i-- > 0;) free_.push_back(i);
  }
  uint32_t allocate() {
    std::scoped_lock lock(mutex_);
    WEFT_ASSERT_MSG(!free_.empty(), "the arena ran out of slots");
    const uint32_t i = free_.back();
    free_.pop_back();
    return i;
  }
  void release(uint32_t i) {
    std::scoped_lock lock(mutex_);
    free_.push_back(i);
  }
  Slot& operator[](uint32_t i) { return slots_[i]; }

 private:
  std::array<Slot, 4> slots_;
  weft::mutex mutex_{"arena"};
  std::vector<uint32_t> free_;  // guarded by mutex_
};

template <bool kVersioned>
class Stack {
 public:
  explicit Stack(Arena& arena) : arena_(arena) {}

  void push(uint32_t i) {
    arena_[i].on_stack.store(true);
    uint64_t head = head_.load();
    do {
      arena_[i].next.store(index(head));
    } while (!head_.compare_exchange_weak(head, word(i, head)));
  }

  uint32_t pop() {
    uint64_t head = head_.load();
    while (index(head) != kNil) {
      const uint32_t next = arena_[index(head)].next.load();
      // A stop here lets others pop this slot, free it, and reuse it.
      if (head_.compare_exchange_weak(head, word(next, head))) {
        WEFT_ASSERT_MSG(arena_[index(head)].on_stack.exchange(false),
                        "popped a slot that is not on the stack: a stale CAS put it back");
        break;
      }
    }
    return index(head);
  }

 private:
  static uint32_t index(uint64_t w) { return static_cast<uint32_t>(w); }
  // The new head word for slot `i`, replacing `old`.
  static uint64_t word(uint32_t i, uint64_t old) {
    if constexpr (kVersioned) return ((old >> 32) + 1) << 32 | i;
    return i;
  }

  Arena& arena_;
  weft::atomic<uint64_t> head_{kNil, "head"};
};

template <bool kVersioned>
void stale_pop_against_reuse() {
  Arena arena;
  Stack<kVersioned> stack(arena);
  stack.push(arena.allocate());  // B
  stack.push(arena.allocate());  // A, on top
  weft::thread t1([&] {
    const uint32_t got = stack.pop();
    if (got != kNil) arena.release(got);
  });
  weft::thread t2([&] {
    const uint32_t a = stack.pop();
    const uint32_t b = stack.pop();  // kept: thread 2 owns it
    if (a != kNil) arena.release(a);
    stack.push(arena.allocate());  // reuses the slot freed last
    (void)b;
  });
  t1.join();
  t2.join();
  while (stack.pop() != kNil) {
  }
}

}  // namespace

WEFT_BUG_PROGRAM(aba_arena, {.name = "corpus/aba_arena",
                             .what = "ABA: a stale pop CAS succeeds on a stack slot freed and reused meanwhile",
                             .buggy = stale_pop_against_reuse<false>,
                             .fixed = stale_pop_against_reuse<true>,
                             .kinds = {weft::FailureKind::kAssertion}});
