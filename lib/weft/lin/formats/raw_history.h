// Histories as read from files, before a model gives their values a meaning.
//
// A log is a sequence of events (a client calls a function, or that call
// completes); pair_events() matches each completion with its call. Values stay
// JSON values here; each model's decoder (models/decode.h) turns them into its
// typed inputs and outputs and reports the file and line of a bad one.
//
//   absl::StatusOr<RawHistory> h = weft::lin::read_history_file("etcd_000.log");
//   // h->operations[0].function == "read", ...
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"
#include "weft/lin/history.h"

namespace weft::lin {

enum class EventType { kInvoke, kOk, kFail, kInfo };

struct RawEvent {
  std::int64_t client = 0;
  EventType type = EventType::kInvoke;
  std::string function;
  std::optional<std::string> key;
  boost::json::value value;  // null when absent or nil
  Time time = 0;
  int line = 0;
};

enum class Outcome { kOk, kFail, kUnknown };

struct RawOperation {
  std::int64_t client = 0;
  std::string function;
  std::optional<std::string> key;
  boost::json::value input;   // the value given with the call
  boost::json::value output;  // the value given with the completion
  Outcome outcome = Outcome::kUnknown;
  Time call = 0;
  Time ret = kEndOfTime;
  int call_line = 0;
  int return_line = 0;  // 0 when the call never completed
};

struct RawHistory {
  std::string source;  // file name, for messages
  std::vector<RawOperation> operations;
};

// "file:line: " for messages about one line of a source.
std::string where(const std::string& source, int line);

// Matches completions to calls by client. A call that never completes, or
// completes with :info, gets an unknown outcome. Errors (a completion with no
// open call, a second call while one is open, a completion of a different
// function) name the file and line.
absl::StatusOr<RawHistory> pair_events(const std::string& source, const std::vector<RawEvent>& events);

}  // namespace weft::lin
