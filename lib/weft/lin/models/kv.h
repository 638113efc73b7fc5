// A key/value map of strings: get, put, append and compare-and-set. Every key
// starts as the empty string. The model partitions histories by key, so each
// key is checked on its own (porcupine's kvModel, 6.824's tests).
//
//   using weft::lin::KvModel;
//   weft::lin::HistoryOf<KvModel> h = {
//       {.client = 0, .input = KvModel::put("x", "1"), .output = KvModel::done(), .call = 0, .ret = 2},
//       {.client = 1, .input = KvModel::get("x"), .output = KvModel::value("1"), .call = 3, .ret = 4},
//   };
//   weft::lin::check(KvModel{}, h);  // linearizable
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "weft/lin/history.h"

namespace weft::lin {

struct KvModel {
  // The map as one string: per key with a non-empty value, by key, the key's
  // length, the key, the value's length and the value (lengths as 4 bytes).
  // Keys whose value is "" are left out, so equal maps are equal strings. One
  // string, rather than a vector of pairs of strings, makes a step one
  // allocation and a memo lookup one pass over contiguous bytes; a part of a
  // partitioned history holds one key.
  using State = std::string;

  enum class Kind : std::uint8_t { kGet, kPut, kAppend, kCas };
  struct Input {
    Kind kind = Kind::kGet;
    std::string key;
    std::string value;  // put/append: the argument; cas: the expected value
    std::string swap;   // cas: the new value
    bool operator==(const Input&) const = default;
    template <class H>
    friend H AbslHashValue(H h, const Input& in) {
      return H::combine(std::move(h), in.kind, in.key, in.value, in.swap);
    }
  };
  struct Output {
    std::string value;  // get: the value read
    bool ok = true;     // cas: whether it swapped
    bool operator==(const Output&) const = default;
    template <class H>
    friend H AbslHashValue(H h, const Output& out) {
      return H::combine(std::move(h), out.value, out.ok);
    }
  };

  static Input get(std::string key) { return {Kind::kGet, std::move(key), {}, {}}; }
  static Input put(std::string key, std::string v) { return {Kind::kPut, std::move(key), std::move(v), {}}; }
  static Input append(std::string key, std::string v) { return {Kind::kAppend, std::move(key), std::move(v), {}}; }
  static Input cas(std::string key, std::string from, std::string to) {
    return {Kind::kCas, std::move(key), std::move(from), std::move(to)};
  }
  static Output value(std::string v) { return {std::move(v), true}; }
  static Output done() { return {{}, true}; }
  static Output failed() { return {{}, false}; }

  State initial() const { return {}; }

  std::optional<State> step(const State& s, const Input& in, const Output& out) const {
    const absl::string_view current = lookup(s, in.key);
    switch (in.kind) {
      case Kind::kGet:
        return out.value == current ? std::optional<State>(s) : std::nullopt;
      case Kind::kPut:
        return with(s, in.key, in.value);
      case Kind::kAppend:
        return with(s, in.key, current, in.value);
      case Kind::kCas:
        if (out.ok) return current == in.value ? std::optional<State>(with(s, in.key, in.swap)) : std::nullopt;
        return current != in.value ? std::optional<State>(s) : std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<State> step_unknown(const State& s, const Input& in) const {
    const absl::string_view current = lookup(s, in.key);
    switch (in.kind) {
      case Kind::kGet:
        return s;
      case Kind::kPut:
        return with(s, in.key, in.value);
      case Kind::kAppend:
        return with(s, in.key, current, in.value);
      case Kind::kCas:
        return current == in.value ? with(s, in.key, in.swap) : s;
    }
    return std::nullopt;
  }

  bool read_only(const Input& in, const std::optional<Output>& out) const {
    return in.kind == Kind::kGet || (in.kind == Kind::kCas && out && !out->ok);
  }

  // One part per key, each in history order.
  std::vector<std::vector<std::size_t>> partition(const History<Input, Output>& h) const {
    absl::flat_hash_map<std::string, std::size_t> part_of;
    std::vector<std::vector<std::size_t>> parts;
    for (std::size_t i = 0; i < h.size(); ++i) {
      auto [it, added] = part_of.try_emplace(h[i].input.key, parts.size());
      if (added) parts.emplace_back();
      parts[it->second].push_back(i);
    }
    return parts;
  }

  std::string describe(const Input& in, const std::optional<Output>& out) const {
    auto q = [](const std::string& s) { return absl::StrCat("\"", s, "\""); };
    switch (in.kind) {
      case Kind::kGet:
        return absl::StrCat("get(", q(in.key), ") -> ", out ? q(out->value) : "?");
      case Kind::kPut:
        return absl::StrCat("put(", q(in.key), ", ", q(in.value), ")", out ? "" : " -> ?");
      case Kind::kAppend:
        return absl::StrCat("append(", q(in.key), ", ", q(in.value), ")", out ? "" : " -> ?");
      case Kind::kCas:
        return absl::StrCat("cas(", q(in.key), ", ", q(in.value), ", ", q(in.swap), ") -> ",
                            out ? (out->ok ? "ok" : "fail") : "?");
    }
    return "?";
  }

  // The value of `key` in `s` ("" when it was never set), and `s` with it
  // set to `value`.
  static absl::string_view value_of(const State& s, absl::string_view key) { return find(s, key).value; }
  static State with_value(const State& s, const std::string& key, absl::string_view value) {
    return with(s, key, value);
  }

  std::string describe_state(const State& s) const {
    std::string out = "{";
    for (std::size_t at = 0; at < s.size();) {
      const Entry e = entry_at(s, at);
      absl::StrAppend(&out, out.size() > 1 ? ", " : "", "\"", e.key, "\": \"", e.value, "\"");
      at = e.end;
    }
    return out + "}";
  }

 private:
  struct Entry {
    absl::string_view key;
    absl::string_view value;
    std::size_t begin;  // where the entry starts in the state
    std::size_t end;    // where the next one starts
  };
  static std::uint32_t length_at(const State& s, std::size_t at) {
    std::uint32_t n = 0;
    std::memcpy(&n, s.data() + at, sizeof n);
    return n;
  }
  static Entry entry_at(const State& s, std::size_t at) {
    const std::uint32_t key_length = length_at(s, at);
    const std::size_t key_at = at + sizeof(std::uint32_t);
    const std::size_t value_length_at = key_at + key_length;
    const std::uint32_t value_length = length_at(s, value_length_at);
    const std::size_t value_at = value_length_at + sizeof(std::uint32_t);
    return {absl::string_view(s).substr(key_at, key_length), absl::string_view(s).substr(value_at, value_length), at,
            value_at + value_length};
  }
  // The entry of `key`, or where it would be inserted (begin == end).
  static Entry find(const State& s, absl::string_view key) {
    std::size_t at = 0;
    while (at < s.size()) {
      const Entry e = entry_at(s, at);
      if (e.key == key) return e;
      if (key < e.key) break;
      at = e.end;
    }
    return {key, {}, at, at};
  }
  static absl::string_view lookup(const State& s, const std::string& key) { return find(s, key).value; }
  static void append_length(std::string& out, std::size_t n) {
    const auto n32 = static_cast<std::uint32_t>(n);
    out.append(reinterpret_cast<const char*>(&n32), sizeof n32);
  }
  // The state with `key` set to `head` + `tail` (the value, or the old value
  // and an appended part).
  static State with(const State& s, const std::string& key, absl::string_view head, absl::string_view tail = {}) {
    const Entry e = find(s, key);
    State next;
    const std::size_t length = head.size() + tail.size();
    next.reserve(s.size() - (e.end - e.begin) + 2 * sizeof(std::uint32_t) + key.size() + length);
    next.append(s, 0, e.begin);
    if (length > 0) {
      append_length(next, key.size());
      next.append(key);
      append_length(next, length);
      next.append(head.data(), head.size());
      next.append(tail.data(), tail.size());
    }
    next.append(s, e.end, std::string::npos);
    return next;
  }
};

}  // namespace weft::lin
