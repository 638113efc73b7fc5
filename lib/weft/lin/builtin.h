// The built-in models by name, for tools that check histories read from files
// (`weft lincheck --model NAME`). Each name knows how to decode a raw history
// into its model's operations and run check() on them.
//
//   auto raw = weft::lin::read_history_file("etcd_000.log");
//   auto checked = weft::lin::check_raw("cas-register", *raw, {});
//   std::cout << weft::lin::render_text(checked->view, checked->result);
#pragma once

#include <functional>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "weft/lin/check_result.h"
#include "weft/lin/formats/raw_history.h"
#include "weft/lin/render.h"

namespace weft::lin {

struct BuiltinModel {
  absl::string_view name;
  absl::string_view aliases;    // comma-separated other names
  absl::string_view functions;  // what a history may call, for help texts
};

std::span<const BuiltinModel> builtin_models();

// The canonical name for a name or alias; an error listing the names if none.
absl::StatusOr<absl::string_view> find_builtin_model(absl::string_view name);

struct RawCheck {
  CheckResult result;
  HistoryView view;
};

// Called with the verdict (and a view of the history) as soon as it is
// known, before the explanation is computed.
using RawVerdictCallback = std::function<void(const HistoryView&, const CheckResult&)>;

// Decodes `raw` for the named model and checks it. Decoding errors (a value
// the model cannot use) are InvalidArgument with file and line.
absl::StatusOr<RawCheck> check_raw(absl::string_view model, const RawHistory& raw, const CheckOptions& options,
                                   const RawVerdictCallback& on_verdict = {});

}  // namespace weft::lin
