// Jepsen 2015 etcd console logs. One event per line after a fixed prefix:
// process id, event type, function and value, separated by tabs (or, in some
// files, runs of spaces). The value is nil, an integer, [from to] or
// :timed-out; it may contain a space, so it is the rest of the line.
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "weft/lin/formats/lines.h"
#include "weft/lin/formats/parse.h"

namespace weft::lin {
namespace {

constexpr absl::string_view kPrefix = "INFO  jepsen.util - ";

absl::StatusOr<boost::json::value> parse_value(absl::string_view text, const std::string& at) {
  if (text == "nil" || text == ":timed-out") return boost::json::value(nullptr);
  std::int64_t n = 0;
  if (absl::SimpleAtoi(text, &n)) return boost::json::value(n);
  if (absl::ConsumePrefix(&text, "[") && absl::ConsumeSuffix(&text, "]")) {
    std::vector<absl::string_view> parts = absl::StrSplit(text, absl::ByAnyChar(" \t,"), absl::SkipEmpty());
    std::int64_t from = 0, to = 0;
    if (parts.size() == 2 && absl::SimpleAtoi(parts[0], &from) && absl::SimpleAtoi(parts[1], &to)) {
      return boost::json::value(boost::json::array{from, to});
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat(at, "expected a value: nil, an integer, [from to] or :timed-out; got \"", text, "\""));
}

}  // namespace

absl::StatusOr<std::vector<RawEvent>> parse_etcd_log(absl::string_view text, const std::string& source) {
  std::vector<RawEvent> events;
  absl::Status status = detail::for_each_line(text, [&](int number, absl::string_view line) {
    const std::string at = where(source, number);
    if (!absl::ConsumePrefix(&line, absl::StripTrailingAsciiWhitespace(kPrefix))) {
      return absl::InvalidArgumentError(absl::StrCat(at, "expected a line starting with \"", kPrefix, "\""));
    }
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::MaxSplits(absl::ByAnyChar(" \t"), 64), absl::SkipEmpty());
    if (fields.size() < 4) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, "expected four fields (process, type, function, value), got ", fields.size()));
    }
    RawEvent e;
    e.line = number;
    e.time = number;
    if (!absl::SimpleAtoi(fields[0], &e.client)) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, "expected a process id (an integer), got \"", fields[0], "\""));
    }
    if (fields[1] == ":invoke") {
      e.type = EventType::kInvoke;
    } else if (fields[1] == ":ok") {
      e.type = EventType::kOk;
    } else if (fields[1] == ":fail") {
      e.type = EventType::kFail;
    } else if (fields[1] == ":info") {
      e.type = EventType::kInfo;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(at, "expected :invoke, :ok, :fail or :info, got \"", fields[1], "\""));
    }
    if (fields[2] != ":read" && fields[2] != ":write" && fields[2] != ":cas") {
      return absl::InvalidArgumentError(absl::StrCat(at, "expected :read, :write or :cas, got \"", fields[2], "\""));
    }
    e.function = std::string(fields[2].substr(1));
    // The value is everything after the third field, spaces included.
    const char* value_start = fields[3].data();
    absl::string_view value(value_start, line.data() + line.size() - value_start);
    auto v = parse_value(absl::StripAsciiWhitespace(value), at);
    if (!v.ok()) return v.status();
    e.value = *std::move(v);
    events.push_back(std::move(e));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return events;
}

}  // namespace weft::lin
