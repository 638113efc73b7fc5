#include "weft/report/trace.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "weft/report/symbolize.h"

namespace weft::detail {
namespace {

const char* object_kind(Op op) {
  switch (op) {
    case Op::kLock:
    case Op::kTryLock:
    case Op::kUnlock:
    case Op::kLockShared:
    case Op::kTryLockShared:
    case Op::kUnlockShared:
      return "mutex";
    case Op::kWait:
    case Op::kNotifyOne:
    case Op::kNotifyAll:
      return "cv";
    case Op::kAcquire:
    case Op::kTryAcquire:
    case Op::kRelease:
      return "semaphore";
    case Op::kCountDown:
    case Op::kArriveAndWait:
      return "sync";
    case Op::kLoad:
    case Op::kStore:
    case Op::kReadModifyWrite:
    case Op::kCompareExchange:
      return "atomic";
    case Op::kRead:
    case Op::kWrite:
      return "var";
    case Op::kSend:
    case Op::kTrySend:
    case Op::kReceive:
    case Op::kTryReceive:
    case Op::kClose:
    case Op::kSelect:
      return "channel";
    case Op::kPost:
    case Op::kRunLoop:
    case Op::kStop:
    case Op::kHandler:
      return "loop";
    default:
      return "object";
  }
}

}  // namespace

SourcePosition to_position(const weft::source_location& where) {
  SourcePosition p;
  if (where.line() == 0) return p;
  p.file = where.file_name();
  p.line = static_cast<int>(where.line());
  p.function = where.function_name();
  return p;
}

std::string format_position(const SourcePosition& where) {
  if (!where.known()) return "?";
  absl::string_view file = where.file;
  if (size_t slash = file.rfind('/'); slash != absl::string_view::npos) file.remove_prefix(slash + 1);
  return absl::StrCat(file, ":", where.line);
}

std::string ObjectLabels::label(const RawEvent& event) {
  if (event.object == nullptr) return {};
  auto it = labels_.find(event.object);
  if (it != labels_.end()) return it->second;
  if (event.op == Op::kWakeup) return "?";  // first seen at a wakeup: kind unknown
  std::string label = event.name != nullptr
                          ? std::string(event.name)
                          : absl::StrCat(object_kind(event.op), "#", ++counts_[object_kind(event.op)]);
  labels_.emplace(event.object, label);
  return label;
}

void label_all(ObjectLabels& labels, const TraceExcerpt& shown) {
  for (const RawEvent& e : shown.head) labels.label(e);
  for (const RawEvent& e : shown.tail) labels.label(e);
}

std::vector<TraceStep> to_trace_steps(const TraceExcerpt& shown, std::span<const uint64_t> highlight) {
  ObjectLabels labels;
  // Operators only know their caller's address: resolve those in one batch.
  std::vector<const void*> pcs;
  for (std::span<const RawEvent> part : {shown.head, shown.tail}) {
    for (const RawEvent& e : part) {
      if (prefer_pc(e.where, e.pc)) pcs.push_back(e.pc);
    }
  }
  std::sort(pcs.begin(), pcs.end());
  pcs.erase(std::unique(pcs.begin(), pcs.end()), pcs.end());
  const std::vector<SourcePosition> resolved = symbolize(pcs);
  std::vector<TraceStep> steps;
  steps.reserve(shown.head.size() + shown.tail.size());
  const uint64_t tail_first = shown.head.size() + shown.elided + 1;
  for (size_t i = 0; i < shown.head.size() + shown.tail.size(); ++i) {
    const bool in_head = i < shown.head.size();
    const RawEvent& e = in_head ? shown.head[i] : shown.tail[i - shown.head.size()];
    TraceStep s;
    s.step = in_head ? i + 1 : tail_first + (i - shown.head.size());
    s.thread = e.thread;
    s.op = op_name(e.op);
    if (e.op == Op::kJoin || e.op == Op::kSpawn) {
      s.object = absl::StrCat("thread ", e.value);
    } else if (e.op == Op::kChoose) {
      s.object = absl::StrCat("-> ", e.value);
    } else {
      s.object = labels.label(e);
    }
    if (!prefer_pc(e.where, e.pc)) {
      s.where = to_position(e.where);
    } else {
      s.where = resolved[std::lower_bound(pcs.begin(), pcs.end(), e.pc) - pcs.begin()];
    }
    // Still inside the standard library (an out-of-line ~lock_guard calling
    // unlock): a header's line tells the user nothing, so show none.
    if (s.where.known() && is_system_header(s.where.file)) s.where = {};
    s.preempted = e.preempted;
    s.highlighted = std::find(highlight.begin(), highlight.end(), s.step) != highlight.end();
    steps.push_back(std::move(s));
  }
  return steps;
}

}  // namespace weft::detail
