#include "weft/lin/builtin.h"

#include <array>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "weft/lin/check.h"
#include "weft/lin/formats/decode.h"

namespace weft::lin {
namespace {

constexpr std::array kModels = {
    BuiltinModel{"cas-register", "register", "read, write v, cas [from to]"},
    BuiltinModel{"kv", "key-value", "get, put v, append v, cas [from to]; each with a key"},
    BuiltinModel{"queue", "fifo", "enqueue v, dequeue (null when empty), size"},
    BuiltinModel{"stack", "lifo", "push v, pop (null when empty), size"},
    BuiltinModel{"set", "", "add v, remove v, contains v (each -> true/false), size"},
    BuiltinModel{"counter", "", "add n, get, fetch_add n"},
};

template <Model M, class Decode>
absl::StatusOr<RawCheck> decode_and_check(const M& model, absl::string_view name, const RawHistory& raw,
                                          const CheckOptions& options, const RawVerdictCallback& on_verdict,
                                          Decode decode) {
  HistoryOf<M> history;
  history.reserve(raw.operations.size());
  for (const RawOperation& op : raw.operations) {
    auto decoded = decode(op, raw.source);
    if (!decoded.ok()) return decoded.status();
    if (*decoded) history.push_back(**std::move(decoded));
  }
  auto titled = [&](HistoryView view) {
    view.title = raw.source;
    view.model = std::string(name);
    view.time_label = "line";
    return view;
  };
  CheckOptions with_callback = options;
  if (on_verdict) {
    with_callback.on_verdict = [&](const CheckResult& r) {
      if (options.on_verdict) options.on_verdict(r);
      on_verdict(titled(view_of(model, history, r)), r);
    };
  }
  RawCheck out;
  out.result = check(model, history, with_callback);
  out.view = titled(view_of(model, history, out.result));
  return out;
}

}  // namespace

std::span<const BuiltinModel> builtin_models() { return kModels; }

absl::StatusOr<absl::string_view> find_builtin_model(absl::string_view name) {
  std::vector<absl::string_view> names;
  for (const BuiltinModel& m : kModels) {
    if (m.name == name) return m.name;
    for (absl::string_view alias : absl::StrSplit(m.aliases, ',', absl::SkipEmpty())) {
      if (alias == name) return m.name;
    }
    names.push_back(m.name);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown model \"", name, "\"; expected one of ", absl::StrJoin(names, ", ")));
}

absl::StatusOr<RawCheck> check_raw(absl::string_view model, const RawHistory& raw, const CheckOptions& options,
                                   const RawVerdictCallback& on_verdict) {
  auto name = find_builtin_model(model);
  if (!name.ok()) return name.status();
  if (*name == "cas-register") {
    return decode_and_check(RegisterModel{}, *name, raw, options, on_verdict, decode_register);
  }
  if (*name == "kv") return decode_and_check(KvModel{}, *name, raw, options, on_verdict, decode_kv);
  if (*name == "queue") return decode_and_check(JsonQueueModel{}, *name, raw, options, on_verdict, decode_queue);
  if (*name == "stack") return decode_and_check(JsonStackModel{}, *name, raw, options, on_verdict, decode_stack);
  if (*name == "set") return decode_and_check(JsonSetModel{}, *name, raw, options, on_verdict, decode_set);
  if (*name == "counter") return decode_and_check(CounterModel{}, *name, raw, options, on_verdict, decode_counter);
  return absl::InternalError(absl::StrCat("model \"", *name, "\" is listed but not wired"));
}

}  // namespace weft::lin
