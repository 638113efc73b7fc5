#include "weft/lin/formats/decode.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "boost/json/serialize.hpp"

namespace weft::lin {
namespace {

// Shared shape of every decoder: where to point in messages, and the fields
// that do not depend on the model.
struct Context {
  const RawOperation& op;
  const std::string& source;

  int line_of_output() const { return op.return_line != 0 ? op.return_line : op.call_line; }
  absl::Status bad_input(absl::string_view expected) const {
    return absl::InvalidArgumentError(absl::StrCat(where(source, op.call_line), op.function, " expects ", expected,
                                                   " as its value, got ", boost::json::serialize(op.input)));
  }
  absl::Status bad_output(absl::string_view expected) const {
    return absl::InvalidArgumentError(absl::StrCat(where(source, line_of_output()), op.function,
                                                   " should complete with ", expected, ", got ",
                                                   boost::json::serialize(op.output)));
  }
  absl::Status unknown_function(absl::string_view model, absl::string_view expected) const {
    return absl::InvalidArgumentError(absl::StrCat(where(source, op.call_line), "the ", model,
                                                   " model has no function \"", op.function, "\"; expected ",
                                                   expected));
  }
  template <class M>
  OperationOf<M> base(typename M::Input input) const {
    OperationOf<M> out;
    out.client = op.client;
    out.input = std::move(input);
    out.call = op.call;
    out.ret = op.outcome == Outcome::kUnknown ? kEndOfTime : op.ret;
    return out;
  }
  // A read-only operation: `parse` turns its output into the model's, or
  // fails with `expected` named. A read that failed or whose outcome is
  // unknown says nothing: it may take effect at any time.
  template <class M, class Parse>
  Decoded<M> query(typename M::Input input, absl::string_view expected, Parse parse) const {
    OperationOf<M> out = base<M>(std::move(input));
    if (op.outcome != Outcome::kOk) {
      out.ret = kEndOfTime;
      return out;
    }
    std::optional<typename M::Output> output = parse(op.output);
    if (!output) return bad_output(expected);
    out.output = std::move(*output);
    return out;
  }
};

std::optional<std::int64_t> as_int(const boost::json::value& v) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v.as_uint64());
  }
  return std::nullopt;
}

// [a, b] with two integers (a register CAS) or two strings (a key/value CAS).
template <class T>
std::optional<std::pair<T, T>> as_pair(const boost::json::value& v) {
  const boost::json::array* a = v.if_array();
  if (a == nullptr || a->size() != 2) return std::nullopt;
  if constexpr (std::is_same_v<T, std::int64_t>) {
    auto x = as_int((*a)[0]), y = as_int((*a)[1]);
    if (!x || !y) return std::nullopt;
    return std::pair(*x, *y);
  } else {
    const auto* x = (*a)[0].if_string();
    const auto* y = (*a)[1].if_string();
    if (x == nullptr || y == nullptr) return std::nullopt;
    return std::pair(std::string(*x), std::string(*y));
  }
}

[[maybe_unused]] std::string json_text(const boost::json::value& v) { return boost::json::serialize(v); }

}  // namespace

Decoded<RegisterModel> decode_register(const RawOperation& op, const std::string& source) {
  using M = RegisterModel;
  Context c{op, source};
  if (op.function == "read") {
    return c.query<M>(M::read(), "the value read (an integer, or nil)",
                      [](const boost::json::value& v) -> std::optional<M::Output> {
                        if (v.is_null()) return M::value(M::kNil);
                        if (auto n = as_int(v)) return M::value(*n);
                        return std::nullopt;
                      });
  }
  if (op.function == "write") {
    auto v = as_int(op.input);
    if (!v) return c.bad_input("an integer");
    if (op.outcome == Outcome::kFail) return std::nullopt;
    auto out = c.base<M>(M::write(*v));
    if (op.outcome == Outcome::kOk) out.output = M::ok();
    return out;
  }
  if (op.function == "cas") {
    auto v = as_pair<std::int64_t>(op.input);
    if (!v) return c.bad_input("[from to] with two integers");
    auto out = c.base<M>(M::cas(v->first, v->second));
    if (op.outcome == Outcome::kOk) out.output = M::ok();
    if (op.outcome == Outcome::kFail) out.output = M::failed();
    return out;
  }
  return c.unknown_function("cas-register", "read, write or cas");
}

Decoded<KvModel> decode_kv(const RawOperation& op, const std::string& source) {
  using M = KvModel;
  Context c{op, source};
  if (!op.key) {
    return absl::InvalidArgumentError(absl::StrCat(where(source, op.call_line), op.function, " needs a key"));
  }
  const std::string& key = *op.key;
  auto string_of = [](const boost::json::value& v) -> std::optional<std::string> {
    if (const auto* s = v.if_string()) return std::string(*s);
    if (auto n = as_int(v)) return absl::StrCat(*n);
    return std::nullopt;
  };
  if (op.function == "get") {
    return c.query<M>(M::get(key), "the value read (a string)",
                      [&](const boost::json::value& v) -> std::optional<M::Output> {
                        auto text = v.is_null() ? std::optional<std::string>("") : string_of(v);
                        if (!text) return std::nullopt;
                        return M::value(*text);
                      });
  }
  if (op.function == "put" || op.function == "append") {
    auto v = string_of(op.input);
    if (!v) return c.bad_input("a string");
    if (op.outcome == Outcome::kFail) return std::nullopt;
    auto out = c.base<M>(op.function == "put" ? M::put(key, *v) : M::append(key, *v));
    if (op.outcome == Outcome::kOk) out.output = M::done();
    return out;
  }
  if (op.function == "cas") {
    auto v = as_pair<std::string>(op.input);
    if (!v) return c.bad_input("[from, to] with two strings");
    auto out = c.base<M>(M::cas(key, v->first, v->second));
    if (op.outcome == Outcome::kOk) out.output = M::done();
    if (op.outcome == Outcome::kFail) out.output = M::failed();
    return out;
  }
  return c.unknown_function("kv", "get, put, append or cas");
}

namespace {

template <class M>
Decoded<M> decode_sequence(const RawOperation& op, const std::string& source, const char* put, const char* take,
                           const char* model_name) {
  Context c{op, source};
  if (op.function == put) {
    if (op.outcome == Outcome::kFail) return std::nullopt;
    auto out = c.template base<M>({M::Kind::kPut, json_text(op.input)});
    if (op.outcome == Outcome::kOk) out.output = M::done();
    return out;
  }
  if (op.function == take) {
    if (op.outcome == Outcome::kFail) return std::nullopt;
    auto out = c.template base<M>({M::Kind::kTake, std::string()});
    if (op.outcome == Outcome::kOk) {
      out.output = op.output.is_null() ? M::empty() : M::value(json_text(op.output));
    }
    return out;
  }
  if (op.function == "size") {
    return c.template query<M>(M::size(), "the size (an integer)",
                               [](const boost::json::value& v) -> std::optional<typename M::Output> {
                                 if (auto n = as_int(v)) return M::sized(*n);
                                 return std::nullopt;
                               });
  }
  return c.unknown_function(model_name, absl::StrCat(put, ", ", take, " or size"));
}

}  // namespace

Decoded<JsonQueueModel> decode_queue(const RawOperation& op, const std::string& source) {
  return decode_sequence<JsonQueueModel>(op, source, "enqueue", "dequeue", "queue");
}

Decoded<JsonStackModel> decode_stack(const RawOperation& op, const std::string& source) {
  return decode_sequence<JsonStackModel>(op, source, "push", "pop", "stack");
}

Decoded<JsonSetModel> decode_set(const RawOperation& op, const std::string& source) {
  using M = JsonSetModel;
  Context c{op, source};
  if (op.function == "size") {
    return c.query<M>(M::size(), "the size (an integer)", [](const boost::json::value& v) -> std::optional<M::Output> {
      if (auto n = as_int(v)) return M::sized(*n);
      return std::nullopt;
    });
  }
  typename M::Input input;
  if (op.function == "add") {
    input = M::add(json_text(op.input));
  } else if (op.function == "remove") {
    input = M::remove(json_text(op.input));
  } else if (op.function == "contains") {
    input = M::contains(json_text(op.input));
  } else {
    return c.unknown_function("set", "add, remove, contains or size");
  }
  if (op.outcome == Outcome::kFail) return std::nullopt;
  auto out = c.base<M>(input);
  if (op.outcome == Outcome::kOk) {
    if (!op.output.is_bool()) return c.bad_output("true or false");
    out.output = op.output.as_bool() ? M::yes() : M::no();
  }
  return out;
}

Decoded<CounterModel> decode_counter(const RawOperation& op, const std::string& source) {
  using M = CounterModel;
  Context c{op, source};
  if (op.function == "get") {
    return c.query<M>(M::get(), "the value (an integer)", [](const boost::json::value& v) -> std::optional<M::Output> {
      if (auto n = as_int(v)) return M::value(*n);
      return std::nullopt;
    });
  }
  if (op.function == "add" || op.function == "fetch_add") {
    auto n = as_int(op.input);
    if (!n) return c.bad_input("an integer");
    if (op.outcome == Outcome::kFail) return std::nullopt;
    auto out = c.base<M>(op.function == "add" ? M::add(*n) : M::fetch_add(*n));
    if (op.outcome == Outcome::kOk) {
      if (op.function == "add") {
        out.output = M::done();
      } else {
        auto v = as_int(op.output);
        if (!v) return c.bad_output("the previous value (an integer)");
        out.output = M::value(*v);
      }
    }
    return out;
  }
  return c.unknown_function("counter", "add, get or fetch_add");
}

}  // namespace weft::lin
