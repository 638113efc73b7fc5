#include "weft/sync/select.h"

#include <algorithm>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "weft/sync/misuse.h"

namespace weft::detail {
namespace {

// What a blocked select waits on: every channel of its cases, which the
// deadlock report names.
class SelectWait final : public Waitable {
 public:
  explicit SelectWait(std::span<SelectCase* const> cases) : cases_(cases) {}

  void objects(std::vector<WaitedObject>& out) const override {
    for (const SelectCase* c : cases_) {
      if (c->object() == nullptr) continue;
      const bool seen =
          std::any_of(out.begin(), out.end(), [&](const WaitedObject& w) { return w.object == c->object(); });
      if (!seen) out.push_back({c->object(), c->object_name()});
    }
  }

 private:
  std::span<SelectCase* const> cases_;
};

}  // namespace

std::size_t run_select(std::span<SelectCase* const> cases) {
  Execution& ex = Execution::get();
  const weft::source_location where = cases.front()->where();
  const auto first_channel =
      std::find_if(cases.begin(), cases.end(), [](const SelectCase* c) { return c->object() != nullptr; });
  const SelectCase* named = first_channel != cases.end() ? *first_channel : nullptr;
  ex.point(Op::kSelect, named != nullptr ? named->object() : nullptr, named != nullptr ? named->object_name() : nullptr,
           where);

  std::size_t timeout = cases.size();
  std::size_t fallback = cases.size();  // the default case
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const SelectCase::Kind kind = cases[i]->kind();
    if (kind != SelectCase::Kind::kTimeout && kind != SelectCase::Kind::kDefault) continue;
    std::size_t& slot = kind == SelectCase::Kind::kTimeout ? timeout : fallback;
    if (slot != cases.size()) {
      report_misuse(
          ex, {.rule = MisuseRule::kSelectDuplicateCase, .object_type = "select", .amount = static_cast<int64_t>(i)},
          nullptr, nullptr, cases[i]->where());
      return i;
    }
    slot = i;
  }

  const int64_t deadline =
      timeout == cases.size() ? kNoDeadline : ex.now() + std::max<int64_t>(cases[timeout]->timeout_ns(), 0);
  const SelectWait waiting_on(cases);
  absl::InlinedVector<std::size_t, 8> ready;
  while (true) {
    ready.clear();
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (cases[i]->ready()) ready.push_back(i);
    }
    if (deadline <= ex.now()) ready.push_back(timeout);
    if (!ready.empty()) {
      // Which ready case runs is the implementation's choice (Go picks at
      // random): explore it.
      const std::size_t pick =
          ready.size() == 1 ? ready[0] : ready[ex.choose(static_cast<uint32_t>(ready.size()), where)];
      cases[pick]->run(ex);
      return pick;
    }
    if (fallback != cases.size()) {
      ex.note_failed_attempt();  // nothing was ready: in a loop, a spin
      cases[fallback]->run(ex);
      return fallback;
    }
    for (SelectCase* c : cases) c->enlist(ex);
    const WakeReason why = ex.block(waiting_on, deadline);
    for (SelectCase* c : cases) c->leave(ex);
    if (why == WakeReason::kAborted) return cases.size();
  }
}

}  // namespace weft::detail
