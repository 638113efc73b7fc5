#include "weft/lin/builtin.h"

#include <array>
#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "weft/lin/builtin/checks.h"

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

// Each model's check, in the order of kModels.
constexpr std::array<builtin_detail::CheckRawFn, kModels.size()> kChecks = {
    builtin_detail::check_raw_register, builtin_detail::check_raw_kv,  builtin_detail::check_raw_queue,
    builtin_detail::check_raw_stack,    builtin_detail::check_raw_set, builtin_detail::check_raw_counter,
};

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
  for (std::size_t k = 0; k < kModels.size(); ++k) {
    if (kModels[k].name == *name) return kChecks[k](raw, options, on_verdict);
  }
  return absl::InternalError(absl::StrCat("model \"", *name, "\" is listed but not wired"));
}

}  // namespace weft::lin
