#include "weft/unmodified/call_stacks.h"

#include <algorithm>

#include "weft/sync/access.h"

namespace weft::detail {
namespace {

// Past this many nodes the tree is dropped between executions: call sites
// reached by ever new paths (deep recursion) must not grow it for good.
constexpr size_t kMaxNodes = 1 << 20;

void frames_of(uint32_t id, std::vector<const void*>& out) {
  Execution* ex = Execution::get_if_any();
  if (ex != nullptr) CallStacks::of(*ex).frames(id, out);
}

}  // namespace

thread_local bool CallStacks::registered_ = false;

CallStacks& CallStacks::instance() {
  thread_local CallStacks stacks;
  return stacks;
}

void CallStacks::register_execution(Execution& ex) {
  registered_ = true;
  set_stack_frames(frames_of);
  ex.at_end([] {
    CallStacks& stacks = instance();
    std::fill(stacks.tops_.begin(), stacks.tops_.end(), Top{});
    if (stacks.nodes_.size() > kMaxNodes) {
      stacks.nodes_.assign(1, Node{});
      stacks.children_.clear();
    }
    registered_ = false;
  });
}

uint32_t CallStacks::child(uint32_t parent, const void* call_site) {
  auto [it, inserted] = children_.try_emplace({parent, call_site}, static_cast<uint32_t>(nodes_.size()));
  if (inserted) nodes_.push_back(Node{.parent = parent, .depth = nodes_[parent].depth + 1, .call_site = call_site});
  nodes_[parent].last_call_site = call_site;
  nodes_[parent].last_child = it->second;
  return it->second;
}

void CallStacks::frames(uint32_t id, std::vector<const void*>& out) const {
  for (uint32_t n = id; n != 0 && n < nodes_.size(); n = nodes_[n].parent) out.push_back(nodes_[n].call_site);
}

}  // namespace weft::detail
