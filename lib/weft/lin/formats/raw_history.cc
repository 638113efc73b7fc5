#include "weft/lin/formats/raw_history.h"

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace weft::lin {

std::string where(const std::string& source, int line) { return absl::StrCat(source, ":", line, ": "); }

absl::StatusOr<RawHistory> pair_events(const std::string& source, const std::vector<RawEvent>& events) {
  RawHistory history;
  history.source = source;
  absl::flat_hash_map<std::int64_t, std::size_t> open;  // client -> operation
  for (const RawEvent& e : events) {
    if (e.type == EventType::kInvoke) {
      if (auto it = open.find(e.client); it != open.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where(source, e.line), "client ", e.client, " calls ", e.function, " while its call on line ",
                         history.operations[it->second].call_line,
                         " has not completed; expected a completion (:ok, :fail or :info) first"));
      }
      RawOperation op;
      op.client = e.client;
      op.function = e.function;
      op.key = e.key;
      op.input = e.value;
      op.call = e.time;
      op.call_line = e.line;
      open.emplace(e.client, history.operations.size());
      history.operations.push_back(std::move(op));
      continue;
    }
    auto it = open.find(e.client);
    if (it == open.end()) {
      return absl::InvalidArgumentError(absl::StrCat(where(source, e.line), "client ", e.client, " completes ",
                                                     e.function,
                                                     " but has no open call; expected an :invoke before it"));
    }
    RawOperation& op = history.operations[it->second];
    if (op.function != e.function) {
      return absl::InvalidArgumentError(absl::StrCat(where(source, e.line), "client ", e.client, " completes ",
                                                     e.function, " but its open call (line ", op.call_line, ") is ",
                                                     op.function));
    }
    if (e.key && op.key && *e.key != *op.key) {
      return absl::InvalidArgumentError(absl::StrCat(where(source, e.line), "client ", e.client, " completes key \"",
                                                     *e.key, "\" but its open call (line ", op.call_line,
                                                     ") is on key \"", *op.key, "\""));
    }
    open.erase(it);
    op.output = e.value;
    op.return_line = e.line;
    switch (e.type) {
      case EventType::kOk:
        op.outcome = Outcome::kOk;
        op.ret = e.time;
        break;
      case EventType::kFail:
        op.outcome = Outcome::kFail;
        op.ret = e.time;
        break;
      case EventType::kInfo:
      case EventType::kInvoke:
        op.outcome = Outcome::kUnknown;  // may take effect any time after its call
        op.ret = kEndOfTime;
        break;
    }
  }
  return history;
}

}  // namespace weft::lin
