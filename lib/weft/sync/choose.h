// weft::choose(n): a controlled nondeterministic choice in [0, n). The
// strategy picks the value and the token records it, so data choices replay
// exactly like thread switches.
//
//   int op = weft::choose(3);           // 0, 1 or 2: explored, not random
//   bool fail_write = weft::choose(2);  // inject a fault on some schedules
#pragma once

#include <cstdint>

#include "weft/base/source_location.h"

namespace weft {

uint32_t choose(uint32_t n, weft::source_location where = weft::source_location::current());

}  // namespace weft
