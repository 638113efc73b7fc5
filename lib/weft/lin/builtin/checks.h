// Internal to builtin.cc: one check_raw() per built-in model, each defined in
// builtin/<model>.cc (see decode_and_check.h for why they are apart).
//
//   auto checked = weft::lin::builtin_detail::check_raw_kv(raw, options, on_verdict);
#pragma once

#include "absl/status/statusor.h"
#include "weft/lin/builtin.h"

namespace weft::lin::builtin_detail {

using CheckRawFn = absl::StatusOr<RawCheck> (*)(const RawHistory&, const CheckOptions&, const RawVerdictCallback&);

absl::StatusOr<RawCheck> check_raw_register(const RawHistory& raw, const CheckOptions& options,
                                            const RawVerdictCallback& on_verdict);
absl::StatusOr<RawCheck> check_raw_kv(const RawHistory& raw, const CheckOptions& options,
                                      const RawVerdictCallback& on_verdict);
absl::StatusOr<RawCheck> check_raw_queue(const RawHistory& raw, const CheckOptions& options,
                                         const RawVerdictCallback& on_verdict);
absl::StatusOr<RawCheck> check_raw_stack(const RawHistory& raw, const CheckOptions& options,
                                         const RawVerdictCallback& on_verdict);
absl::StatusOr<RawCheck> check_raw_set(const RawHistory& raw, const CheckOptions& options,
                                       const RawVerdictCallback& on_verdict);
absl::StatusOr<RawCheck> check_raw_counter(const RawHistory& raw, const CheckOptions& options,
                                           const RawVerdictCallback& on_verdict);

}  // namespace weft::lin::builtin_detail
