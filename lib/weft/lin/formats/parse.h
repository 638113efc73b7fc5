// Parsers for history logs. Each turns the text of a file into events (see
// raw_history.h); read_history_file() also detects the format and pairs the
// events into operations. Bad input gives an InvalidArgument status naming the
// file, the line and what was expected there.
//
//   absl::StatusOr<weft::lin::RawHistory> h =
//       weft::lin::read_history_file("jepsen/etcd_000.log", weft::lin::LogFormat::kAuto);
//   if (!h.ok()) { std::cerr << h.status().message() << "\n"; return 2; }
//
// Formats:
//  - kEtcd: Jepsen's 2015 console log of the etcd CAS-register test, one event
//    per line: `INFO  jepsen.util - 3	:invoke	:cas	[1 4]`.
//  - kKv: EDN-like maps, one per line:
//    `{:process 0, :type :invoke, :f :put, :key "3", :value "x"}`.
//  - kJsonLines: weft's own, one JSON object per line (docs/linearizability.md):
//    `{"client": 0, "type": "invoke", "f": "cas", "value": [1, 4]}`.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "weft/lin/formats/raw_history.h"

namespace weft::lin {

enum class LogFormat { kAuto, kEtcd, kKv, kJsonLines };

absl::StatusOr<LogFormat> parse_format_name(absl::string_view name);
absl::string_view format_name(LogFormat format);

absl::StatusOr<std::vector<RawEvent>> parse_etcd_log(absl::string_view text, const std::string& source);
absl::StatusOr<std::vector<RawEvent>> parse_kv_log(absl::string_view text, const std::string& source);
absl::StatusOr<std::vector<RawEvent>> parse_json_lines(absl::string_view text, const std::string& source);

// Guesses the format from the first non-blank line.
absl::StatusOr<LogFormat> detect_format(absl::string_view text, const std::string& source);

// Parses and pairs. An input with no events at all is an error: an empty log
// is far more often a failed run than a history worth checking.
absl::StatusOr<RawHistory> parse_history(absl::string_view text, const std::string& source,
                                         LogFormat format = LogFormat::kAuto);
absl::StatusOr<RawHistory> read_history_file(const std::string& path, LogFormat format = LogFormat::kAuto);

}  // namespace weft::lin
