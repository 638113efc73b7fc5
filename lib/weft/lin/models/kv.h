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

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "weft/lin/history.h"

namespace weft::lin {

struct KvModel {
  // Sorted by key; keys whose value is "" are left out, so equal maps are
  // equal vectors.
  using State = std::vector<std::pair<std::string, std::string>>;

  enum class Kind : std::uint8_t { kGet, kPut, kAppend, kCas };
  struct Input {
    Kind kind = Kind::kGet;
    std::string key;
    std::string value;  // put/append: the argument; cas: the expected value
    std::string swap;   // cas: the new value
    bool operator==(const Input&) const = default;
  };
  struct Output {
    std::string value;  // get: the value read
    bool ok = true;     // cas: whether it swapped
    bool operator==(const Output&) const = default;
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
    const std::string& current = lookup(s, in.key);
    switch (in.kind) {
      case Kind::kGet:
        return out.value == current ? std::optional<State>(s) : std::nullopt;
      case Kind::kPut:
        return with(s, in.key, in.value);
      case Kind::kAppend:
        return with(s, in.key, current + in.value);
      case Kind::kCas:
        if (out.ok) return current == in.value ? std::optional<State>(with(s, in.key, in.swap)) : std::nullopt;
        return current != in.value ? std::optional<State>(s) : std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<State> step_unknown(const State& s, const Input& in) const {
    const std::string& current = lookup(s, in.key);
    switch (in.kind) {
      case Kind::kGet:
        return s;
      case Kind::kPut:
        return with(s, in.key, in.value);
      case Kind::kAppend:
        return with(s, in.key, current + in.value);
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

  std::string describe_state(const State& s) const {
    std::string out = "{";
    for (const auto& [k, v] : s) absl::StrAppend(&out, out.size() > 1 ? ", " : "", "\"", k, "\": \"", v, "\"");
    return out + "}";
  }

 private:
  static const std::string& lookup(const State& s, const std::string& key) {
    static const std::string kEmpty;
    auto it = std::lower_bound(s.begin(), s.end(), key,
                               [](const auto& entry, const std::string& k) { return entry.first < k; });
    return it != s.end() && it->first == key ? it->second : kEmpty;
  }
  static State with(const State& s, const std::string& key, std::string value) {
    State next = s;
    auto it = std::lower_bound(next.begin(), next.end(), key,
                               [](const auto& entry, const std::string& k) { return entry.first < k; });
    const bool present = it != next.end() && it->first == key;
    if (value.empty()) {
      if (present) next.erase(it);
    } else if (present) {
      it->second = std::move(value);
    } else {
      next.insert(it, {key, std::move(value)});
    }
    return next;
  }
};

}  // namespace weft::lin
