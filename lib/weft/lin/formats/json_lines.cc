// weft's own history format: one JSON object per line, one event per object.
//   {"client": 0, "type": "invoke", "f": "cas", "value": [1, 4]}
//   {"client": 0, "type": "ok", "f": "cas", "value": [1, 4], "time": 17}
// "key" (string or integer) and "value" (any JSON) are optional. "time" is
// optional too, but then every event needs one and they must not decrease;
// without it, the line order is the time order.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "weft/lin/formats/lines.h"
#include "weft/lin/formats/parse.h"

namespace weft::lin {

absl::StatusOr<std::vector<RawEvent>> parse_json_lines(absl::string_view text, const std::string& source) {
  std::vector<RawEvent> events;
  int timed = 0;  // events with an explicit "time"
  absl::Status status = detail::for_each_line(text, [&](int number, absl::string_view line) {
    const std::string at = where(source, number);
    auto bad = [&](absl::string_view what) { return absl::InvalidArgumentError(absl::StrCat(at, what)); };
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(boost::json::string_view(line.data(), line.size()), ec);
    if (ec) return bad(absl::StrCat("expected one JSON object per line: ", ec.message()));
    const boost::json::object* obj = parsed.if_object();
    if (obj == nullptr) return bad("expected a JSON object such as {\"client\": 0, ...}");
    RawEvent e;
    e.line = number;
    e.time = number;
    bool has_client = false, has_type = false, has_f = false, has_time = false;
    for (const auto& [name, value] : *obj) {
      if (name == "client") {
        if (!value.is_int64()) return bad("expected \"client\" to be an integer");
        e.client = value.as_int64();
        has_client = true;
      } else if (name == "type") {
        const boost::json::string* s = value.if_string();
        if (s == nullptr) return bad("expected \"type\" to be \"invoke\", \"ok\", \"fail\" or \"info\"");
        if (*s == "invoke") {
          e.type = EventType::kInvoke;
        } else if (*s == "ok") {
          e.type = EventType::kOk;
        } else if (*s == "fail") {
          e.type = EventType::kFail;
        } else if (*s == "info") {
          e.type = EventType::kInfo;
        } else {
          return bad(absl::StrCat("expected \"type\" to be \"invoke\", \"ok\", \"fail\" or \"info\", got \"",
                                  absl::string_view(s->data(), s->size()), "\""));
        }
        has_type = true;
      } else if (name == "f") {
        const boost::json::string* s = value.if_string();
        if (s == nullptr || s->empty()) return bad("expected \"f\" to be a function name such as \"read\"");
        e.function = std::string(*s);
        has_f = true;
      } else if (name == "key") {
        if (const boost::json::string* s = value.if_string()) {
          e.key = std::string(*s);
        } else if (value.is_int64()) {
          e.key = absl::StrCat(value.as_int64());
        } else {
          return bad("expected \"key\" to be a string or an integer");
        }
      } else if (name == "value") {
        e.value = value;
      } else if (name == "time") {
        if (!value.is_int64()) return bad("expected \"time\" to be an integer");
        e.time = value.as_int64();
        has_time = true;
      } else {
        return bad(absl::StrCat("unexpected field \"", absl::string_view(name.data(), name.size()),
                                "\"; expected client, type, f, key, value or time"));
      }
    }
    if (!has_client) return bad("expected a \"client\" field (an integer)");
    if (!has_type) return bad("expected a \"type\" field (\"invoke\", \"ok\", \"fail\" or \"info\")");
    if (!has_f) return bad("expected an \"f\" field (the function name)");
    if (has_time) ++timed;
    if (timed != 0 && timed != static_cast<int>(events.size()) + 1) {
      return bad("expected \"time\" on every event or on none");
    }
    if (has_time && !events.empty() && e.time < events.back().time) {
      return bad(absl::StrCat("expected events in time order: time ", e.time, " is before the previous event's ",
                              events.back().time));
    }
    events.push_back(std::move(e));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return events;
}

}  // namespace weft::lin
