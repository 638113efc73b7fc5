// A failure as JSON, for CI systems and tools that read results.
//
//   std::string text = weft::failure_to_json(*result.failure);
//   // {"kind":"deadlock","message":"...","token":"w1d-...","trace":[...]}
#pragma once

#include <string>

#include "weft/report/failure.h"

namespace weft {

std::string failure_to_json(const Failure& failure);

}  // namespace weft
