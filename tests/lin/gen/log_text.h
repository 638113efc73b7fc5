// Generated histories as log files that weft and porcupine's runner both
// read: registers as Jepsen etcd logs, kv as EDN maps (MIT 6.824 style);
// queues as weft's JSON lines (porcupine's runner has no queue model).
// One event per line in time order: the invocation at the call, the
// completion at the return, nothing for an operation that never returned.
//
//   std::string text = weft::lin::gen::log_text(history);
//   std::ofstream(weft::lin::gen::file_name(...) ) << text;
#pragma once

#include <string>

#include "gen/workload.h"

namespace weft::lin::gen {

std::string log_text(const History& h);

// "log" (etcd), "txt" (kv) or "jsonl" (queue).
const char* file_extension(Kind kind);

// The --model and --format of `weft lincheck` for this kind.
const char* model_name(Kind kind);

}  // namespace weft::lin::gen
