#include "weft/strategy/replay.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace weft::detail {

ThreadId ReplayStrategy::pick_thread(std::span<const ThreadId> enabled, ThreadId) {
  if (next_ >= decisions_.size()) {
    failure_ = absl::StrCat(
        "the recorded schedule ended after ", decisions_.size(),
        " decisions, but the program has more choices (enabled threads: ", absl::StrJoin(enabled, ", "), ")");
    return kNoThread;
  }
  const auto wanted = static_cast<ThreadId>(decisions_[next_]);
  if (!std::binary_search(enabled.begin(), enabled.end(), wanted)) {
    failure_ = absl::StrCat("expected thread ", wanted, " to be enabled at decision ", next_,
                            ", but the enabled threads are ", absl::StrJoin(enabled, ", "));
    return kNoThread;
  }
  ++next_;
  return wanted;
}

uint32_t ReplayStrategy::pick_value(uint32_t n) {
  if (next_ >= decisions_.size()) {
    failure_ = absl::StrCat("the recorded schedule ended after ", decisions_.size(),
                            " decisions, but the program asks for a choice among ", n);
    return n;
  }
  const uint32_t value = decisions_[next_];
  if (value >= n) {
    failure_ = absl::StrCat("expected a choice among more than ", value, " values at decision ", next_,
                            ", but the program chooses among ", n);
    return n;
  }
  ++next_;
  return value;
}

}  // namespace weft::detail
