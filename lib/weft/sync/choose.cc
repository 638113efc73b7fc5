#include "weft/sync/choose.h"

#include "weft/runtime/execution.h"

namespace weft {

uint32_t choose(uint32_t n, weft::source_location where) { return detail::Execution::get().choose(n, where); }

}  // namespace weft
