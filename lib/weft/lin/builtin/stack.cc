#include "weft/lin/builtin/checks.h"
#include "weft/lin/builtin/decode_and_check.h"
#include "weft/lin/formats/decode.h"

namespace weft::lin::builtin_detail {

absl::StatusOr<RawCheck> check_raw_stack(const RawHistory& raw, const CheckOptions& options,
                                         const RawVerdictCallback& on_verdict) {
  return decode_and_check(JsonStackModel{}, "stack", raw, options, on_verdict, decode_stack);
}

}  // namespace weft::lin::builtin_detail
