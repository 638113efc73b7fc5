// Turning the runtime's raw step events into the readable trace of a report.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "weft/base/event.h"
#include "weft/base/source_location.h"
#include "weft/report/failure.h"

namespace weft::detail {

SourcePosition to_position(const weft::source_location& where);
// "bank_test.cc:14", file name without its directories.
std::string format_position(const SourcePosition& where);

// Names objects in a report: the user's name when given ("balance"),
// otherwise the kind and the order of first appearance ("mutex#2").
class ObjectLabels {
 public:
  std::string label(const RawEvent& event);

 private:
  absl::flat_hash_map<const void*, std::string> labels_;
  absl::flat_hash_map<std::string, int> counts_;
};

// The steps of an execution a report shows: `head` is steps 1, 2, ...;
// `tail`, when a long execution's middle was left out, comes `elided`
// steps after the head. Objects are labelled in this order, head then tail.
struct TraceExcerpt {
  std::span<const RawEvent> head;
  uint64_t elided = 0;
  std::span<const RawEvent> tail;
};

// Labels every object of `shown` in order, so that labels asked for later
// read as the trace does.
void label_all(ObjectLabels& labels, const TraceExcerpt& shown);

// Steps are numbered from 1. `highlight` lists step numbers to mark.
std::vector<TraceStep> to_trace_steps(const TraceExcerpt& shown, std::span<const uint64_t> highlight);

}  // namespace weft::detail
