// The text report of a failure: what, where, the interleaving with one
// column per thread and preemptions marked, then the replay line.
#pragma once

#include <string>

#include "weft/report/failure.h"

namespace weft::detail {

struct ReportContext {
  std::string strategy;  // e.g. "pct:2"
  uint64_t seed = 0;
};

std::string render_text_report(const Failure& failure, const ReportContext& context);

// The short report of a failure found once its execution was over (a replay
// that finished with decisions left): the message, the details, the token.
std::string render_brief_report(const Failure& failure);

}  // namespace weft::detail
