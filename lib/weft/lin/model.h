// What a sequential specification ("model") must provide to the checker.
//
// A model is a small class with three types and a few const member functions.
// The checker copies, compares and hashes states, so keep them small values
// (an int for a register; a short vector for a queue).
//
//   struct CounterModel {
//     using State = std::int64_t;
//     struct Input { bool is_add; std::int64_t amount; bool operator==(const Input&) const = default; };
//     using Output = std::int64_t;            // the value a get returned; ignored for add
//     State initial() const { return 0; }
//     // The next state if `input` applied in `state` can produce `output`.
//     std::optional<State> step(const State& s, const Input& in, const Output& out) const {
//       if (in.is_add) return s + in.amount;
//       return out == s ? std::optional<State>(s) : std::nullopt;
//     }
//     // Optional: the next state when the outcome is unknown (required only if
//     // the history has such operations). Models are deterministic: this is
//     // the state that `step` gives for the output the operation would produce.
//     std::optional<State> step_unknown(const State& s, const Input& in) const {
//       return in.is_add ? s + in.amount : s;
//     }
//     std::string describe(const Input& in, const std::optional<Output>& out) const;
//   };
//
// Optional extras:
//  - `std::vector<std::vector<std::size_t>> partition(const History<Input, Output>&) const`
//    splits a history into independent parts (for example by key); each part
//    is checked on its own (P-compositionality, Horn & Kroening, FORTE 2015).
//  - `bool read_only(const Input&, const std::optional<Output>&) const`: true
//    when the operation, with that outcome, leaves every state it is legal in
//    unchanged (a read, a failed CAS, a dequeue that found the queue empty).
//    The checker linearizes such operations as soon as they are legal, which
//    saves a lot of search and keeps the verdict exact.
//  - `std::string describe_state(const State&) const` for reports.
// Input and Output need operator== (identical concurrent operations are
// ordered canonically; with AbslHashValue too they are grouped by hashing,
// which is faster, detail/identical_ops.h) and State needs operator== and
// absl::Hash support (integers, strings, std::vector, std::pair and structs
// with AbslHashValue).
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "weft/lin/history.h"

namespace weft::lin {

template <class M>
concept Model = requires(const M& m, const typename M::State& s, const typename M::Input& in,
                         const typename M::Output& out, const std::optional<typename M::Output>& maybe_out) {
  { m.initial() } -> std::convertible_to<typename M::State>;
  { m.step(s, in, out) } -> std::same_as<std::optional<typename M::State>>;
  { m.describe(in, maybe_out) } -> std::convertible_to<std::string>;
  requires std::equality_comparable<typename M::State>;
  requires std::equality_comparable<typename M::Input>;
  requires std::equality_comparable<typename M::Output>;
};

template <Model M>
using HistoryOf = History<typename M::Input, typename M::Output>;

template <Model M>
using OperationOf = Operation<typename M::Input, typename M::Output>;

template <class M>
concept HasStepUnknown = requires(const M& m, const typename M::State& s, const typename M::Input& in) {
  { m.step_unknown(s, in) } -> std::same_as<std::optional<typename M::State>>;
};

template <class M>
concept HasPartition = requires(const M& m, const HistoryOf<M>& h) {
  { m.partition(h) } -> std::convertible_to<std::vector<std::vector<std::size_t>>>;
};

template <class M>
concept HasReadOnly = requires(const M& m, const typename M::Input& in, const std::optional<typename M::Output>& out) {
  { m.read_only(in, out) } -> std::convertible_to<bool>;
};

template <class M>
concept HasDescribeState = requires(const M& m, const typename M::State& s) {
  { m.describe_state(s) } -> std::convertible_to<std::string>;
};

}  // namespace weft::lin
