// Words for evidence: the one place that turns a failure's typed facts
// (failure.h) into the sentences the text report, the JSON form and the HTML
// page show. Detectors and primitives build evidence; they never write prose.
//
//   failure.message = weft::detail::failure_message(failure.evidence);  // once, when recorded
//   for (const std::string& line : weft::detail::failure_details(failure.evidence)) ...
#pragma once

#include <string>
#include <vector>

#include "weft/report/failure.h"

namespace weft::detail {

// One line: what went wrong ("data race on 'balance': thread 2 writes it ...").
std::string failure_message(const Evidence& evidence);

// The lines under the message: both accesses of a race, each blocked thread
// of a deadlock and the wait-for cycle, the edges of a lock-order cycle, what
// each thread of a livelock repeats, the tables of a non-linearizable
// history, why a replay diverged. Empty for the kinds the message says all of.
std::vector<std::string> failure_details(const Evidence& evidence);

// Sets `failure`'s evidence, and its kind and message from it.
void set_evidence(Failure& failure, Evidence evidence);

}  // namespace weft::detail
