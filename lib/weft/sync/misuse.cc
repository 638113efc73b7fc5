#include "weft/sync/misuse.h"

#include <utility>

namespace weft::detail {

void report_misuse(Execution& ex, Misuse misuse, const void* object, const char* name, weft::source_location where,
                   Cancel cancel) {
  misuse.thread = ex.current();
  if (name != nullptr) misuse.object.name = name;
  if (object != nullptr && !ex.aborting()) misuse.object.label = ex.object_label(object);
  ex.fail(std::move(misuse), where, cancel);
}

}  // namespace weft::detail
