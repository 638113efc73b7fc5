#include "weft/sync/access.h"

#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "weft/detect/happens_before.h"
#include "weft/report/symbolize.h"
#include "weft/report/trace.h"

namespace weft::detail {
namespace {

const char* verb(const Access& a) {
  switch (a.kind) {
    case Access::Kind::kRead:
      return "reads";
    case Access::Kind::kWrite:
      return "writes";
    case Access::Kind::kCreate:
      return "creates";
  }
  return "accesses";
}

const char* noun(const Access& a) {
  switch (a.kind) {
    case Access::Kind::kRead:
      return "read";
    case Access::Kind::kWrite:
      return "write";
    case Access::Kind::kCreate:
      return "construction";
  }
  return "access";
}

std::string hex(uintptr_t x) { return absl::StrCat("0x", absl::Hex(x)); }

// "'balance'", or the label the interleaving uses ("var#2"), or the bytes.
std::string subject(const Race& race, const Execution& ex, const void* address) {
  if (race.name != nullptr) return absl::StrCat("'", race.name, "'");
  std::string label = ex.object_label(address);
  if (!label.empty()) return label;
  return absl::StrCat(race.end - race.begin, " bytes at ", hex(race.begin));
}

struct RaceText {
  std::string message;
  std::vector<std::string> details;
};

RaceText describe(const Race& race, const Execution& ex, const void* address) {
  // Operators only know their caller's address: resolve both in one batch.
  std::vector<const void*> pcs;
  for (const Access* a : {&race.earlier, &race.later}) {
    if (a->where.line() == 0 && a->pc != nullptr) pcs.push_back(a->pc);
  }
  const std::vector<SourcePosition> resolved = symbolize(pcs);
  size_t next = 0;
  const auto site = [&](const Access& a) {
    if (a.where.line() != 0) return format_position(to_position(a.where));
    if (a.pc != nullptr) return format_position(resolved[next++]);
    return std::string("?");
  };
  const std::string what = subject(race, ex, address);
  const bool same_bytes = race.earlier.begin == race.later.begin && race.earlier.end == race.later.end;
  const auto line = [&](const Access& a, const std::string& where) {
    std::string text = absl::StrCat("thread ", a.thread, " ", verb(a), " ", what);
    if (!same_bytes) absl::StrAppend(&text, " (", a.end - a.begin, " bytes at ", hex(a.begin), ")");
    absl::StrAppend(&text, " at step ", a.step, ", ", where);
    return text;
  };
  const std::string earlier_site = site(race.earlier);
  const std::string later_site = site(race.later);
  RaceText out;
  out.message = absl::StrCat("data race on ", what, ": thread ", race.later.thread, " ", verb(race.later),
                             " it at step ", race.later.step, ", and nothing orders this after thread ",
                             race.earlier.thread, "'s ", noun(race.earlier), " at step ", race.earlier.step);
  out.details.push_back(absl::StrCat("earlier: ", line(race.earlier, earlier_site)));
  out.details.push_back(absl::StrCat("later:   ", line(race.later, later_site)));
  if (!same_bytes) {
    out.details.push_back(
        absl::StrCat("the two ranges overlap in ", race.end - race.begin, " bytes at ", hex(race.begin)));
  }
  return out;
}

}  // namespace

void plain_access(Op op, const void* address, std::size_t size, const char* name, weft::source_location where,
                  const void* pc) {
  Execution& ex = Execution::get();
  ex.point(op, address, name, where, Cancel::kCancellable, 0, pc);
  HappensBefore* hb = ex.races();
  if (hb == nullptr || ex.aborting()) return;
  const std::span<const Race> races =
      hb->access(ex.current(), address, size, op == Op::kWrite, name, ex.step(), where, pc);
  if (races.empty()) [[likely]]
    return;
  if (hb->stop_on_race()) {
    const Race& race = races.front();  // the most recent conflicting access
    RaceText text = describe(race, ex, address);
    ex.fail_highlighting(FailureKind::kDataRace, std::move(text.message), where, std::move(text.details),
                         {race.earlier.step, race.later.step});
    return;
  }
  // Copies: describing may not touch the detector, but keep the span's
  // lifetime out of the question.
  const std::vector<Race> copies(races.begin(), races.end());
  for (const Race& race : copies) {
    if (!hb->first_of_its_sites(race)) continue;
    RaceText text = describe(race, ex, address);
    hb->record(ex.describe_failure(FailureKind::kDataRace, std::move(text.message), where, std::move(text.details),
                                   {race.earlier.step, race.later.step}));
  }
}

void checked_memory_created(const void* address, std::size_t size, const char* name, weft::source_location where) {
  Execution* ex = Execution::get_if_any();
  if (ex == nullptr) return;
  HappensBefore* hb = ex->races();
  if (hb == nullptr || ex->aborting() || ex->current() == kNoThread) return;
  hb->created(ex->current(), address, size, name, ex->step(), where);
}

void atomic_sync(AtomicEffect effect, std::memory_order order, SyncClock& clock) {
  Execution& ex = Execution::get();
  HappensBefore* hb = ex.races();
  if (hb == nullptr) return;
  const ThreadId t = ex.current();
  const bool acquire = order == std::memory_order_acquire || order == std::memory_order_acq_rel ||
                       order == std::memory_order_seq_cst || order == std::memory_order_consume;
  const bool release =
      order == std::memory_order_release || order == std::memory_order_acq_rel || order == std::memory_order_seq_cst;
  switch (effect) {
    case AtomicEffect::kLoad:
      if (acquire) hb->acquire(t, clock);
      break;
    case AtomicEffect::kStore:
      // A store heads a new release sequence (C++20: only RMWs continue one);
      // a relaxed one gives later acquirers of its value nothing.
      if (release) {
        hb->release_store(t, clock);
      } else {
        hb->relaxed_store(clock);
      }
      break;
    case AtomicEffect::kReadModifyWrite:
      // RMWs continue the release sequence of the store they read.
      if (acquire) hb->acquire(t, clock);
      if (release) hb->release(t, clock);
      break;
  }
}

}  // namespace weft::detail
