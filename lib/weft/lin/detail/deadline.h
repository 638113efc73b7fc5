// A time limit that is cheap to poll from a hot loop: it reads the clock only
// every few hundred polls.
#pragma once

#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace weft::lin::detail {

class Deadline {
 public:
  explicit Deadline(absl::Duration limit)
      : end_(limit == absl::InfiniteDuration() ? absl::InfiniteFuture() : absl::Now() + limit) {}

  bool expired() {
    if (expired_) return true;
    if (++polls_ % 256 != 0 || end_ == absl::InfiniteFuture()) return false;
    expired_ = absl::Now() >= end_;
    return expired_;
  }
  bool already_expired() const { return expired_; }
  // Reads the clock now (between expensive steps that do not poll).
  bool expired_now() {
    if (!expired_ && end_ != absl::InfiniteFuture()) expired_ = absl::Now() >= end_;
    return expired_;
  }

 private:
  absl::Time end_;
  std::uint64_t polls_ = 0;
  bool expired_ = false;
};

}  // namespace weft::lin::detail
