// Internal to the built-in models (builtin.cc and builtin/*.cc): decodes a
// raw history for one model and checks it. Each model instantiates it in a
// translation unit of its own (builtin/<model>.cc), because an instantiation
// of check() is the costly part of compiling them, and six in one file made
// it the slowest file of the build.
//
//   return decode_and_check(KvModel{}, "kv", raw, options, on_verdict, decode_kv);
#pragma once

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "weft/lin/builtin.h"
#include "weft/lin/check.h"

namespace weft::lin::builtin_detail {

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

}  // namespace weft::lin::builtin_detail
