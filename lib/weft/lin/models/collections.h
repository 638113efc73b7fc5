// Sequential models of common collections and a counter:
//   QueueModel<T>  FIFO queue: enqueue(v), dequeue() -> v or empty, size()
//   StackModel<T>  LIFO stack: push(v), pop() -> v or empty, size()
//   SetModel<T>    set: add(v) -> inserted?, remove(v) -> removed?, contains(v), size()
//   CounterModel   counter: add(n), get() -> n, fetch_add(n) -> previous
// T needs operator<, operator== and absl::Hash (integers and strings do).
//
//   using Queue = weft::lin::QueueModel<int>;
//   weft::lin::HistoryOf<Queue> h = {
//       {.client = 0, .input = Queue::enqueue(1), .output = Queue::done(), .call = 0, .ret = 1},
//       {.client = 1, .input = Queue::dequeue(), .output = Queue::empty(), .call = 2, .ret = 3},
//   };
//   weft::lin::check(Queue{}, h).verdict;  // kNotLinearizable: 1 was enqueued first
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace weft::lin {
namespace detail {

template <class T>
std::string show_value(const T& v) {
  if constexpr (std::is_convertible_v<const T&, absl::string_view>) {
    return std::string(v);
  } else {
    return absl::StrCat(v);
  }
}

// Queue and stack differ only in which end they take from.
template <class T, bool kFifo>
struct SequenceModel {
  using State = std::vector<T>;
  enum class Kind : std::uint8_t { kPut, kTake, kSize };
  struct Input {
    Kind kind = Kind::kPut;
    T value{};
    bool operator==(const Input&) const = default;
    template <class H>
    friend H AbslHashValue(H h, const Input& in) {
      return H::combine(std::move(h), in.kind, in.value);
    }
  };
  struct Output {
    std::optional<T> value;  // take: the element, or nullopt when empty
    std::int64_t size = 0;   // size: the size
    bool operator==(const Output&) const = default;
    template <class H>
    friend H AbslHashValue(H h, const Output& out) {
      return H::combine(std::move(h), out.value, out.size);
    }
  };
  static Output done() { return {}; }
  static Output empty() { return {}; }
  static Output value(T v) { return {std::move(v), 0}; }
  static Output sized(std::int64_t n) { return {std::nullopt, n}; }
  static Input size() { return {Kind::kSize, T{}}; }

  State initial() const { return {}; }

  std::optional<State> step(const State& s, const Input& in, const Output& out) const {
    switch (in.kind) {
      case Kind::kPut: {
        State next = s;
        next.push_back(in.value);
        return next;
      }
      case Kind::kTake: {
        if (s.empty()) return out.value ? std::nullopt : std::optional<State>(s);
        const T& taken = kFifo ? s.front() : s.back();
        if (!out.value || !(*out.value == taken)) return std::nullopt;
        return take(s);
      }
      case Kind::kSize:
        return out.size == static_cast<std::int64_t>(s.size()) ? std::optional<State>(s) : std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<State> step_unknown(const State& s, const Input& in) const {
    switch (in.kind) {
      case Kind::kPut: {
        State next = s;
        next.push_back(in.value);
        return next;
      }
      case Kind::kTake:
        return s.empty() ? s : take(s);
      case Kind::kSize:
        return s;
    }
    return std::nullopt;
  }

  // size(), and a take that found the collection empty.
  bool read_only(const Input& in, const std::optional<Output>& out) const {
    return in.kind == Kind::kSize || (in.kind == Kind::kTake && out && !out->value);
  }

  std::string describe_state(const State& s) const {
    return absl::StrCat("[", absl::StrJoin(s, ", ", [](std::string* out, const T& v) { out->append(show_value(v)); }),
                        "]");
  }

 protected:
  static State take(const State& s) {
    State next = s;
    if constexpr (kFifo) {
      next.erase(next.begin());
    } else {
      next.pop_back();
    }
    return next;
  }
  static std::string describe_as(const char* put, const char* take_name, const Input& in,
                                 const std::optional<Output>& out) {
    switch (in.kind) {
      case Kind::kPut:
        return absl::StrCat(put, "(", show_value(in.value), ")", out ? "" : " -> ?");
      case Kind::kTake:
        return absl::StrCat(take_name, "() -> ", !out ? "?" : out->value ? show_value(*out->value) : "empty");
      case Kind::kSize:
        return absl::StrCat("size() -> ", out ? absl::StrCat(out->size) : "?");
    }
    return "?";
  }
};

}  // namespace detail

template <class T = std::int64_t>
struct QueueModel : detail::SequenceModel<T, true> {
  using Base = detail::SequenceModel<T, true>;
  using typename Base::Input;
  using typename Base::Kind;
  using typename Base::Output;
  static Input enqueue(T v) { return {Kind::kPut, std::move(v)}; }
  static Input dequeue() { return {Kind::kTake, T{}}; }
  std::string describe(const Input& in, const std::optional<Output>& out) const {
    return Base::describe_as("enqueue", "dequeue", in, out);
  }
};

template <class T = std::int64_t>
struct StackModel : detail::SequenceModel<T, false> {
  using Base = detail::SequenceModel<T, false>;
  using typename Base::Input;
  using typename Base::Kind;
  using typename Base::Output;
  static Input push(T v) { return {Kind::kPut, std::move(v)}; }
  static Input pop() { return {Kind::kTake, T{}}; }
  std::string describe(const Input& in, const std::optional<Output>& out) const {
    return Base::describe_as("push", "pop", in, out);
  }
};

template <class T = std::int64_t>
struct SetModel {
  using State = std::vector<T>;  // sorted, no duplicates
  enum class Kind : std::uint8_t { kAdd, kRemove, kContains, kSize };
  struct Input {
    Kind kind = Kind::kContains;
    T value{};
    bool operator==(const Input&) const = default;
    template <class H>
    friend H AbslHashValue(H h, const Input& in) {
      return H::combine(std::move(h), in.kind, in.value);
    }
  };
  struct Output {
    bool result = false;    // add: inserted; remove: removed; contains: present
    std::int64_t size = 0;  // size: the size
    bool operator==(const Output&) const = default;
    template <class H>
    friend H AbslHashValue(H h, const Output& out) {
      return H::combine(std::move(h), out.result, out.size);
    }
  };
  static Input add(T v) { return {Kind::kAdd, std::move(v)}; }
  static Input remove(T v) { return {Kind::kRemove, std::move(v)}; }
  static Input contains(T v) { return {Kind::kContains, std::move(v)}; }
  static Input size() { return {Kind::kSize, T{}}; }
  static Output yes() { return {true, 0}; }
  static Output no() { return {false, 0}; }
  static Output sized(std::int64_t n) { return {false, n}; }

  State initial() const { return {}; }

  std::optional<State> step(const State& s, const Input& in, const Output& out) const {
    if (in.kind == Kind::kSize) {
      return out.size == static_cast<std::int64_t>(s.size()) ? std::optional<State>(s) : std::nullopt;
    }
    const bool present = std::binary_search(s.begin(), s.end(), in.value);
    const bool expected = in.kind == Kind::kContains ? present : (in.kind == Kind::kAdd) != present;
    if (out.result != expected) return std::nullopt;
    return apply(s, in, present);
  }

  std::optional<State> step_unknown(const State& s, const Input& in) const {
    if (in.kind == Kind::kSize) return s;
    return apply(s, in, std::binary_search(s.begin(), s.end(), in.value));
  }

  // Lookups, and an add or remove that reported it changed nothing.
  bool read_only(const Input& in, const std::optional<Output>& out) const {
    return in.kind == Kind::kContains || in.kind == Kind::kSize || (out && !out->result);
  }

  std::string describe(const Input& in, const std::optional<Output>& out) const {
    auto result = [&](const std::string& r) { return out ? r : std::string("?"); };
    switch (in.kind) {
      case Kind::kAdd:
        return absl::StrCat("add(", detail::show_value(in.value), ") -> ",
                            result(out && out->result ? "added" : "present"));
      case Kind::kRemove:
        return absl::StrCat("remove(", detail::show_value(in.value), ") -> ",
                            result(out && out->result ? "removed" : "absent"));
      case Kind::kContains:
        return absl::StrCat("contains(", detail::show_value(in.value), ") -> ",
                            result(out && out->result ? "true" : "false"));
      case Kind::kSize:
        return absl::StrCat("size() -> ", out ? absl::StrCat(out->size) : "?");
    }
    return "?";
  }

  std::string describe_state(const State& s) const {
    return absl::StrCat(
        "{", absl::StrJoin(s, ", ", [](std::string* o, const T& v) { o->append(detail::show_value(v)); }), "}");
  }

 private:
  static State apply(const State& s, const Input& in, bool present) {
    if (in.kind == Kind::kAdd && !present) {
      State next = s;
      next.insert(std::lower_bound(next.begin(), next.end(), in.value), in.value);
      return next;
    }
    if (in.kind == Kind::kRemove && present) {
      State next = s;
      next.erase(std::lower_bound(next.begin(), next.end(), in.value));
      return next;
    }
    return s;
  }
};

struct CounterModel {
  using State = std::int64_t;
  enum class Kind : std::uint8_t { kAdd, kGet, kFetchAdd };
  struct Input {
    Kind kind = Kind::kGet;
    std::int64_t amount = 0;
    bool operator==(const Input&) const = default;
    template <class H>
    friend H AbslHashValue(H h, const Input& in) {
      return H::combine(std::move(h), in.kind, in.amount);
    }
  };
  struct Output {
    std::int64_t value = 0;  // get: the value; fetch_add: the value before
    bool operator==(const Output&) const = default;
    template <class H>
    friend H AbslHashValue(H h, const Output& out) {
      return H::combine(std::move(h), out.value);
    }
  };
  static Input add(std::int64_t n) { return {Kind::kAdd, n}; }
  static Input get() { return {Kind::kGet, 0}; }
  static Input fetch_add(std::int64_t n) { return {Kind::kFetchAdd, n}; }
  static Output done() { return {0}; }
  static Output value(std::int64_t v) { return {v}; }

  State initial() const { return 0; }

  std::optional<State> step(State s, const Input& in, const Output& out) const {
    switch (in.kind) {
      case Kind::kAdd:
        return s + in.amount;
      case Kind::kGet:
        return out.value == s ? std::optional<State>(s) : std::nullopt;
      case Kind::kFetchAdd:
        return out.value == s ? std::optional<State>(s + in.amount) : std::nullopt;
    }
    return std::nullopt;
  }
  std::optional<State> step_unknown(State s, const Input& in) const {
    return in.kind == Kind::kGet ? s : s + in.amount;
  }
  bool read_only(const Input& in, const std::optional<Output>& /*out*/) const {
    return in.kind == Kind::kGet || in.amount == 0;
  }
  std::string describe(const Input& in, const std::optional<Output>& out) const {
    const std::string result = out ? absl::StrCat(out->value) : "?";
    switch (in.kind) {
      case Kind::kAdd:
        return absl::StrCat("add(", in.amount, ")", out ? "" : " -> ?");
      case Kind::kGet:
        return absl::StrCat("get() -> ", result);
      case Kind::kFetchAdd:
        return absl::StrCat("fetch_add(", in.amount, ") -> ", result);
    }
    return "?";
  }
  std::string describe_state(State s) const { return absl::StrCat(s); }
};

}  // namespace weft::lin
