// The call stack of each weft thread in instrumented code, from
// __tsan_func_entry/__tsan_func_exit, so a race report can show both
// accesses with the calls that led to them (as ThreadSanitizer's does).
//
//   __tsan_func_entry(return_address);   // CallStacks::enter
//   ... an access: check_access(..., CallStacks::current(ex));
//   __tsan_func_exit();                  // CallStacks::exit
//
// A stack is a node of a tree of call sites shared by the threads of an
// exploration (ExecutionTables keeps it, restarted at each execution): entering a function moves a thread to a child
// node, leaving it back to the parent, and an access records the node's id (a uint32_t in the detector's shadow), so
// recording costs nothing per access. The tree keeps each node's last child, so the calls a loop repeats take no
// lookup. Only a report turns an id into return addresses, and those into source lines (sync/access.h:
// set_stack_frames).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "weft/runtime/execution.h"

namespace weft::detail {

class CallStacks {
 public:
  // The call stacks of execution `ex` (its ExecutionTables').
  static CallStacks& of(Execution& ex);
  // Makes race reports ask the running execution's stacks for frames.
  static void register_frames();

  // Calls made while no weft thread is current (a report rendered as an
  // execution ends, through libstdc++ code the linker took from an
  // instrumented file) are not recorded.
  void enter(ThreadId thread, const void* return_address) {
    if (thread < 0) [[unlikely]]
      return;
    Top& top = top_of(thread);
    const Node& node = nodes_[top.node];
    if (node.last_call_site == return_address) [[likely]] {
      top.node = node.last_child;
      return;
    }
    if (node.depth == kMaxDepth) [[unlikely]] {
      ++top.cut;  // deeper calls are not recorded
      return;
    }
    top.node = child(top.node, return_address);
  }
  void exit(ThreadId thread) {
    if (thread < 0) [[unlikely]]
      return;
    Top& top = top_of(thread);
    if (top.cut > 0) [[unlikely]] {
      --top.cut;
      return;
    }
    top.node = nodes_[top.node].parent;  // the root is its own parent
  }
  uint32_t current(ThreadId thread) const {
    return thread >= 0 && static_cast<size_t>(thread) < tops_.size() ? tops_[thread].node : 0;
  }

  // A new execution: every thread starts from the empty stack. The tree is
  // kept (its nodes name the same call sites in every execution), so the
  // calls the last execution made take no lookup in this one.
  void restart() { tops_.clear(); }

  // The call sites of stack `id`, innermost first.
  void frames(uint32_t id, std::vector<const void*>& out) const;

 private:
  // A stack deeper than this is cut: endless recursion must not grow the
  // tree without end.
  static constexpr uint32_t kMaxDepth = 256;

  struct Node {
    uint32_t parent = 0;
    uint32_t depth = 0;
    const void* call_site = nullptr;
    // The child entered last from here, the common case's shortcut.
    const void* last_call_site = nullptr;
    uint32_t last_child = 0;
  };

  struct Top {
    uint32_t node = 0;  // the thread's current stack
    uint32_t cut = 0;   // calls entered past kMaxDepth and not left yet
  };
  Top& top_of(ThreadId thread) {
    if (static_cast<size_t>(thread) >= tops_.size()) [[unlikely]]
      tops_.resize(static_cast<size_t>(thread) + 1);
    return tops_[thread];
  }
  uint32_t child(uint32_t parent, const void* call_site);

  std::vector<Node> nodes_{Node{}};  // node 0: the empty stack
  absl::flat_hash_map<std::pair<uint32_t, const void*>, uint32_t> children_;
  std::vector<Top> tops_;  // by ThreadId
};

}  // namespace weft::detail
