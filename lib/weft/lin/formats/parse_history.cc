// Format detection, file reading and the pairing step shared by all formats.
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "weft/lin/formats/lines.h"
#include "weft/lin/formats/parse.h"

namespace weft::lin {

absl::StatusOr<LogFormat> parse_format_name(absl::string_view name) {
  if (name == "auto") return LogFormat::kAuto;
  if (name == "etcd") return LogFormat::kEtcd;
  if (name == "kv") return LogFormat::kKv;
  if (name == "jsonl" || name == "json-lines") return LogFormat::kJsonLines;
  return absl::InvalidArgumentError(absl::StrCat("unknown format \"", name, "\"; expected auto, etcd, kv or jsonl"));
}

absl::string_view format_name(LogFormat format) {
  switch (format) {
    case LogFormat::kAuto:
      return "auto";
    case LogFormat::kEtcd:
      return "etcd";
    case LogFormat::kKv:
      return "kv";
    case LogFormat::kJsonLines:
      return "jsonl";
  }
  return "auto";
}

absl::StatusOr<LogFormat> detect_format(absl::string_view text, const std::string& source) {
  LogFormat found = LogFormat::kAuto;
  int found_line = 0;
  (void)detail::for_each_line(text, [&](int number, absl::string_view line) {
    found_line = number;
    if (absl::StartsWith(line, "INFO")) {
      found = LogFormat::kEtcd;
    } else if (absl::StartsWith(line, "{:") || absl::StartsWith(line, "{ :")) {
      found = LogFormat::kKv;
    } else if (absl::StartsWith(line, "{")) {
      found = LogFormat::kJsonLines;
    }
    return absl::CancelledError();  // only the first line matters
  });
  if (found_line == 0) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": the file has no events (it is empty)"));
  }
  if (found == LogFormat::kAuto) {
    return absl::InvalidArgumentError(
        absl::StrCat(where(source, found_line),
                     "cannot tell the format: expected an etcd log line (\"INFO  jepsen.util - ...\"), "
                     "a kv map (\"{:process ...}\") or a JSON object (\"{\\\"client\\\": ...}\"); "
                     "name it with --format"));
  }
  return found;
}

absl::StatusOr<RawHistory> parse_history(absl::string_view text, const std::string& source, LogFormat format) {
  if (format == LogFormat::kAuto) {
    auto detected = detect_format(text, source);
    if (!detected.ok()) return detected.status();
    format = *detected;
  }
  absl::StatusOr<std::vector<RawEvent>> events;
  switch (format) {
    case LogFormat::kEtcd:
      events = parse_etcd_log(text, source);
      break;
    case LogFormat::kKv:
      events = parse_kv_log(text, source);
      break;
    case LogFormat::kJsonLines:
    case LogFormat::kAuto:
      events = parse_json_lines(text, source);
      break;
  }
  if (!events.ok()) return events.status();
  if (events->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": the file has no events"));
  }
  return pair_events(source, *events);
}

absl::StatusOr<RawHistory> read_history_file(const std::string& path, LogFormat format) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open the file"));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return parse_history(text.str(), path, format);
}

}  // namespace weft::lin
