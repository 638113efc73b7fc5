// A failure as JSON, for CI systems and tools that read results: the facts
// of the report as fields, its evidence included. The format ("format":
// "weft-failure", "version": 1) is documented in docs/report-format.md, with
// a JSON Schema in docs/failure.schema.json.
//
//   std::string text = weft::failure_to_json(*result.failure);
//   // {"format":"weft-failure","version":1,"kind":"deadlock","message":"...",
//   //  "evidence":{"blocked":[...],"cycle":[1,2,1]},"token":"w1d-...","trace":[...]}
#pragma once

#include <string>

#include "weft/report/failure.h"

namespace weft {

std::string failure_to_json(const Failure& failure);

}  // namespace weft
