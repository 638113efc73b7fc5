#include "gen/log_text.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"

namespace weft::lin::gen {
namespace {

std::string reg(std::int64_t v) { return v == kNil ? "nil" : absl::StrCat(v); }

std::string etcd_line(const Op& op, bool invoke) {
  const char* f = op.fn == Fn::kRead ? ":read" : op.fn == Fn::kWrite ? ":write" : ":cas";
  std::string type, value;
  if (invoke) {
    type = ":invoke";
    value = op.fn == Fn::kRead    ? "nil"
            : op.fn == Fn::kWrite ? reg(op.arg)
                                  : absl::StrCat("[", op.arg, " ", op.arg2, "]");
  } else {
    switch (op.ending) {
      case Ending::kOk:
        type = ":ok";
        value = op.fn == Fn::kRead    ? reg(op.result)
                : op.fn == Fn::kWrite ? reg(op.arg)
                                      : absl::StrCat("[", op.arg, " ", op.arg2, "]");
        break;
      case Ending::kFail:
        type = ":fail";
        value = absl::StrCat("[", op.arg, " ", op.arg2, "]");
        break;
      case Ending::kReadTimeout:
        type = ":fail";
        value = ":timed-out";
        break;
      default:
        type = ":info";
        value = ":timed-out";
    }
  }
  return absl::StrCat("INFO  jepsen.util - ", op.process, "\t", type, "\t", f, "\t", value, "\n");
}

std::string kv_line(const Op& op, bool invoke) {
  const char* f = op.fn == Fn::kRead ? ":get" : op.fn == Fn::kWrite ? ":put" : ":append";
  const char* type = invoke ? ":invoke" : op.ending == Ending::kOk ? ":ok" : ":info";
  std::string value;
  if (op.fn != Fn::kRead) {
    value = absl::StrCat("\"", op.text, "\"");
  } else {
    value = invoke ? "nil" : absl::StrCat("\"", op.text_result, "\"");
  }
  return absl::StrCat("{:process ", op.process, ", :type ", type, ", :f ", f, ", :key \"", op.key, "\", :value ", value,
                      "}\n");
}

std::string queue_line(const Op& op, bool invoke) {
  const bool enqueue = op.fn == Fn::kEnqueue;
  const char* type = invoke ? "invoke" : op.ending == Ending::kOk ? "ok" : "info";
  std::string out = absl::StrCat("{\"client\": ", op.process, ", \"type\": \"", type, "\", \"f\": \"",
                                 enqueue ? "enqueue" : "dequeue", "\"");
  if (invoke && enqueue) absl::StrAppend(&out, ", \"value\": ", op.arg);
  if (!invoke && !enqueue && op.ending == Ending::kOk) {
    absl::StrAppend(&out, ", \"value\": ", op.result == kNil ? "null" : absl::StrCat(op.result));
  }
  return out + "}\n";
}

}  // namespace

std::string log_text(const History& h) {
  struct Event {
    double time;
    std::size_t op;
    bool invoke;
  };
  std::vector<Event> events;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    events.push_back({h.ops[i].call, i, true});
    if (h.ops[i].ending != Ending::kNever) events.push_back({h.ops[i].ret, i, false});
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return std::tie(a.time, a.op) < std::tie(b.time, b.op); });
  std::string out;
  for (const Event& e : events) {
    const Op& op = h.ops[e.op];
    switch (h.kind) {
      case Kind::kRegister:
        out += etcd_line(op, e.invoke);
        break;
      case Kind::kKv:
        out += kv_line(op, e.invoke);
        break;
      case Kind::kQueue:
        out += queue_line(op, e.invoke);
        break;
    }
  }
  return out;
}

const char* file_extension(Kind kind) {
  switch (kind) {
    case Kind::kRegister:
      return "log";
    case Kind::kKv:
      return "txt";
    case Kind::kQueue:
      return "jsonl";
  }
  return "txt";
}

const char* model_name(Kind kind) {
  switch (kind) {
    case Kind::kRegister:
      return "cas-register";
    case Kind::kKv:
      return "kv";
    case Kind::kQueue:
      return "queue";
  }
  return "?";
}

}  // namespace weft::lin::gen
