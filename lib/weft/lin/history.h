// Histories of concurrent operations, the input of the linearizability checker.
//
// An operation was called by one client at `call` and returned at `ret`, with
// an input and (when its outcome is known) an output. Times are any integers
// that order the events: line numbers of a log, a global counter, nanoseconds.
// Intervals are closed: an operation that returns at t overlaps one called at t.
// An operation whose outcome is unknown (a timeout, a crash, a call that never
// returned) has no output: it may have taken effect at any point between its
// call and `ret`, or never. Leave `ret` at kEndOfTime ("returns at the end of
// time") when it may still take effect after the history ends.
//
//   using weft::lin::Operation;
//   weft::lin::History<RegisterInput, RegisterOutput> h = {
//       {.client = 0, .input = RegisterInput::write(1), .output = RegisterOutput::done(),
//        .call = 0, .ret = 3},
//       {.client = 1, .input = RegisterInput::read(), .output = RegisterOutput::value(1),
//        .call = 1, .ret = 2},
//       {.client = 2, .input = RegisterInput::write(2), .output = std::nullopt,  // timed out
//        .call = 4},
//   };
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace weft::lin {

using Time = std::int64_t;

// The return time of an operation whose outcome is unknown.
inline constexpr Time kEndOfTime = std::numeric_limits<Time>::max();

template <class Input, class Output>
struct Operation {
  std::int64_t client = 0;
  Input input{};
  // std::nullopt: the outcome is unknown, and the operation optional.
  std::optional<Output> output;
  Time call = 0;
  Time ret = kEndOfTime;

  bool outcome_known() const { return output.has_value(); }
};

template <class Input, class Output>
using History = std::vector<Operation<Input, Output>>;

}  // namespace weft::lin
