// Guarded fiber stacks, allocated once and reused across executions.
//
// Allocating a stack per fiber dominates short executions (it cost more than
// the rest of a 3-fiber execution; docs/design.md), so stacks come from a
// pool. Each stack has PROT_NONE guard pages below it: a test body that
// overflows its stack faults on the guard, and the signal handler
// (failure_signals.h) reports a stack overflow instead of corrupting a
// neighbour.
//
//   StackPool pool(256 * 1024);
//   boost::context::stack_context stack = pool.allocate();
//   fcontext_t fiber = make_fcontext(stack.sp, stack.size, entry);
//   ...
//   pool.deallocate(stack);  // once the fiber is gone
#pragma once

#include <boost/context/stack_context.hpp>
#include <cstddef>
#include <vector>

namespace weft::detail {

class StackPool {
 public:
  static constexpr std::size_t kGuardBytes = 64 * 1024;

  explicit StackPool(std::size_t usable_bytes);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  boost::context::stack_context allocate();
  void deallocate(boost::context::stack_context& sctx);

  // Forget a stack that can never be deallocated (its fiber died in a signal
  // handler): it stays mapped, so nothing else reuses memory that may still
  // be referenced, but it leaves the pool.
  void abandon(void* stack_top);

  // True when `address` lies in the guard region of a stack this pool handed
  // out. Async-signal-safe: reads only a fixed array.
  bool is_guard_address(const void* address) const;

  std::size_t usable_bytes() const { return usable_; }

 private:
  std::size_t usable_;
  std::size_t mapping_bytes_;
  std::vector<char*> mappings_;  // every stack's base: the guard region comes first
  std::vector<char*> free_;      // bases of idle stacks
};

}  // namespace weft::detail
