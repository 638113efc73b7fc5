// libFuzzer targets for the history parsers: any input must give a history
// or an error status, never a crash, and a parsed history must survive
// decoding and a (time-limited) check with every built-in model.
// WEFT_FUZZ_FORMAT picks the parser: 1 etcd, 2 kv, 3 JSON lines.
#include <cstddef>
#include <cstdint>
#include <string>

#include "weft/lin/builtin.h"
#include "weft/lin/formats/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using weft::lin::LogFormat;
  constexpr LogFormat kFormats[] = {LogFormat::kAuto, LogFormat::kEtcd, LogFormat::kKv, LogFormat::kJsonLines};
  const LogFormat format = kFormats[WEFT_FUZZ_FORMAT];
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto raw = weft::lin::parse_history(text, "fuzz", format);
  if (!raw.ok()) return 0;
  weft::lin::CheckOptions options;
  options.time_limit = absl::Milliseconds(20);
  options.explain_time_limit = absl::Milliseconds(20);
  for (const auto& model : weft::lin::builtin_models()) {
    (void)weft::lin::check_raw(model.name, *raw, options);
  }
  return 0;
}
