#include "weft/runtime/trace_window.h"

namespace weft::detail {

void TraceWindow::drop_middle() {
  const size_t from = events_.size() - kTail;
  elided_ += from - kHead;
  events_.erase(events_.begin() + kHead, events_.begin() + static_cast<std::ptrdiff_t>(from));
}

TraceExcerpt TraceWindow::excerpt() const {
  const std::span<const RawEvent> all = events_;
  const uint64_t steps = all.size() + elided_;
  if (steps <= kHead + kTail) return {.head = all};
  return {.head = all.first(kHead), .elided = steps - kHead - kTail, .tail = all.last(kTail)};
}

}  // namespace weft::detail
