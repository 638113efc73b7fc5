// Identifiers shared by every layer: a weft thread is its index in the
// execution, 0 being the test body.
#pragma once

namespace weft::detail {

using ThreadId = int;
inline constexpr ThreadId kNoThread = -1;

}  // namespace weft::detail
