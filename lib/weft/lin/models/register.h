// A read/write/compare-and-set register of integers that starts empty (nil),
// the model of Jepsen's etcd and Knossos CAS-register tests.
//
//   using weft::lin::RegisterModel;
//   weft::lin::HistoryOf<RegisterModel> h = {
//       {.client = 0, .input = RegisterModel::write(3), .output = RegisterModel::ok(),
//        .call = 0, .ret = 10},
//       {.client = 1, .input = RegisterModel::cas(3, 4), .output = RegisterModel::ok(),
//        .call = 1, .ret = 5},
//       {.client = 2, .input = RegisterModel::read(), .output = RegisterModel::value(4),
//        .call = 6, .ret = 7},
//   };
//   weft::lin::check(RegisterModel{}, h);  // linearizable
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace weft::lin {

struct RegisterModel {
  // The register's value; kNil before the first write.
  using State = std::int64_t;
  static constexpr State kNil = std::numeric_limits<State>::min();

  enum class Kind : std::uint8_t { kRead, kWrite, kCas };
  struct Input {
    Kind kind = Kind::kRead;
    std::int64_t value = 0;  // write: the value; cas: the expected value
    std::int64_t swap = 0;   // cas: the new value
    bool operator==(const Input&) const = default;
    template <class H>
    friend H AbslHashValue(H h, const Input& in) {
      return H::combine(std::move(h), in.kind, in.value, in.swap);
    }
  };
  struct Output {
    std::int64_t value = kNil;  // read: the value read
    bool ok = true;             // cas: whether it swapped
    bool operator==(const Output&) const = default;
    template <class H>
    friend H AbslHashValue(H h, const Output& out) {
      return H::combine(std::move(h), out.value, out.ok);
    }
  };

  static Input read() { return {Kind::kRead, 0, 0}; }
  static Input write(std::int64_t v) { return {Kind::kWrite, v, 0}; }
  static Input cas(std::int64_t from, std::int64_t to) { return {Kind::kCas, from, to}; }
  static Output value(std::int64_t v) { return {v, true}; }
  static Output ok() { return {kNil, true}; }
  static Output failed() { return {kNil, false}; }

  State initial() const { return initial_value; }

  std::optional<State> step(State s, const Input& in, const Output& out) const {
    switch (in.kind) {
      case Kind::kRead:
        return out.value == s ? std::optional<State>(s) : std::nullopt;
      case Kind::kWrite:
        return in.value;
      case Kind::kCas:
        if (out.ok) return s == in.value ? std::optional<State>(in.swap) : std::nullopt;
        return s != in.value ? std::optional<State>(s) : std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<State> step_unknown(State s, const Input& in) const {
    switch (in.kind) {
      case Kind::kRead:
        return s;
      case Kind::kWrite:
        return in.value;
      case Kind::kCas:
        return s == in.value ? in.swap : s;
    }
    return std::nullopt;
  }

  // Reads and failed CASes never change the value.
  bool read_only(const Input& in, const std::optional<Output>& out) const {
    return in.kind == Kind::kRead || (in.kind == Kind::kCas && out && !out->ok);
  }

  static std::string show(std::int64_t v) { return v == kNil ? "nil" : absl::StrCat(v); }

  std::string describe(const Input& in, const std::optional<Output>& out) const {
    switch (in.kind) {
      case Kind::kRead:
        return absl::StrCat("read() -> ", out ? show(out->value) : "?");
      case Kind::kWrite:
        return absl::StrCat("write(", show(in.value), ")", out ? "" : " -> ?");
      case Kind::kCas:
        return absl::StrCat("cas(", show(in.value), ", ", show(in.swap), ") -> ",
                            out ? (out->ok ? "ok" : "fail") : "?");
    }
    return "?";
  }
  std::string describe_state(State s) const { return show(s); }

  State initial_value = kNil;
};

}  // namespace weft::lin
