#include "weft/unmodified/call_stacks.h"

#include "weft/sync/access.h"
#include "weft/unmodified/control.h"

namespace weft::detail {
namespace {

void frames_of(uint32_t id, std::vector<const void*>& out) {
  Execution* ex = Execution::get_if_any();
  if (ex != nullptr) CallStacks::of(*ex).frames(id, out);
}

}  // namespace

CallStacks& CallStacks::of(Execution& ex) { return ExecutionTables::of(ex).call_stacks(); }

void CallStacks::register_frames() { set_stack_frames(frames_of); }

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
