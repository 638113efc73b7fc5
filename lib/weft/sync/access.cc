#include "weft/sync/access.h"

#include <atomic>
#include <span>
#include <string>
#include <vector>

#include "weft/detect/happens_before.h"
#include "weft/report/symbolize.h"
#include "weft/report/trace.h"

namespace weft::detail {
namespace {

std::atomic<MemoryDescriber> memory_describer{nullptr};
std::atomic<StackFrames> stack_frames{nullptr};

// A report shows at most this many call sites per access.
constexpr size_t kMaxStackFrames = 16;

AccessKind kind_of(Access::Kind kind) {
  switch (kind) {
    case Access::Kind::kRead:
      return AccessKind::kRead;
    case Access::Kind::kWrite:
      return AccessKind::kWrite;
    case Access::Kind::kCreate:
      return AccessKind::kConstruction;
  }
  return AccessKind::kRead;
}

// Where an access of unmodified code was, as ThreadSanitizer shows it: the
// innermost frame (inlined library code included), then every frame that
// led there, from the access's inlined callers out through each recorded
// call site's.
void locate_with_stack(const Access& a, const StackFrames frames_of, MemoryAccess& out) {
  std::vector<const void*> pcs{a.pc};
  frames_of(a.stack, pcs);
  const std::vector<std::vector<SourcePosition>> frames = symbolize_inlined(pcs);
  out.where = frames[0][0];
  for (size_t i = 0; i < frames.size() && out.stack.size() < kMaxStackFrames; ++i) {
    for (size_t j = i == 0 ? 1 : 0; j < frames[i].size() && out.stack.size() < kMaxStackFrames; ++j) {
      out.stack.push_back(frames[i][j]);
    }
  }
}

DataRace evidence_of(const Race& race, const Execution& ex, const void* address) {
  const StackFrames frames_of = stack_frames.load(std::memory_order_relaxed);
  const auto has_stack = [&](const Access& a) { return a.stack != 0 && a.pc != nullptr && frames_of != nullptr; };
  // Operators only know their caller's address: resolve both in one batch.
  std::vector<const void*> pcs;
  for (const Access* a : {&race.earlier, &race.later}) {
    if (a->where.line() == 0 && a->pc != nullptr && !has_stack(*a)) pcs.push_back(a->pc);
  }
  const std::vector<SourcePosition> resolved = symbolize(pcs);
  size_t next = 0;
  const auto access = [&](const Access& a) {
    MemoryAccess out{.thread = a.thread, .kind = kind_of(a.kind), .step = a.step, .begin = a.begin, .end = a.end};
    if (a.where.line() != 0) {
      out.where = to_position(a.where);
    } else if (has_stack(a)) {
      locate_with_stack(a, frames_of, out);
    } else if (a.pc != nullptr) {
      out.where = resolved[next++];
    }
    return out;
  };
  std::string label = ex.object_label(address);
  if (label.empty() && race.name == nullptr) {
    if (const MemoryDescriber describe = memory_describer.load(std::memory_order_relaxed)) {
      label = describe(race.begin, race.end);
    }
  }
  DataRace evidence{
      .object = {race.name != nullptr ? race.name : "", std::move(label)}, .begin = race.begin, .end = race.end};
  evidence.earlier = access(race.earlier);
  evidence.later = access(race.later);
  return evidence;
}

}  // namespace

void set_stack_frames(StackFrames frames) { stack_frames.store(frames, std::memory_order_relaxed); }

void set_memory_describer(MemoryDescriber describer) { memory_describer.store(describer, std::memory_order_relaxed); }

void plain_access(Op op, const void* address, std::size_t size, const char* name, weft::source_location where,
                  const void* pc) {
  Execution::get().point(op, address, name, where, Cancel::kCancellable, 0, pc);
  check_access(op, address, size, name, where, pc);
}

void check_access(Op op, const void* address, std::size_t size, const char* name, weft::source_location where,
                  const void* pc, Cancel cancel, uint32_t stack) {
  Execution& ex = Execution::get();
  HappensBefore* hb = ex.races();
  if (hb == nullptr || ex.aborting()) return;
  const std::span<const Race> races =
      hb->access(ex.current(), address, size, op == Op::kWrite, name, ex.step(), where, pc, stack);
  if (races.empty()) [[likely]]
    return;
  report_races(races, address, where, cancel);
}

void report_races(std::span<const Race> races, const void* address, weft::source_location where, Cancel cancel) {
  Execution& ex = Execution::get();
  HappensBefore* hb = ex.races();
  if (hb->stop_on_race()) {
    const Race& race = races.front();  // the most recent conflicting access
    ex.fail_highlighting(evidence_of(race, ex, address), where, {race.earlier.step, race.later.step}, cancel);
    return;
  }
  // Copies: building the evidence may not touch the detector, but keep the span's
  // lifetime out of the question.
  const std::vector<Race> copies(races.begin(), races.end());
  for (const Race& race : copies) {
    if (!hb->first_of_its_sites(race)) continue;
    hb->record(ex.describe_failure(evidence_of(race, ex, address), where, {race.earlier.step, race.later.step}));
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
      if (acquire) {
        hb->acquire(t, clock);
      } else {
        hb->relaxed_load(t, clock);  // for a later acquire fence
      }
      break;
    case AtomicEffect::kStore:
      // A store heads a new release sequence (C++20: only RMWs continue one);
      // a relaxed one gives later acquirers of its value only what a release
      // fence before it published.
      if (release) {
        hb->release_store(t, clock);
      } else {
        hb->relaxed_store(t, clock);
      }
      break;
    case AtomicEffect::kReadModifyWrite:
      // RMWs continue the release sequence of the store they read.
      if (acquire) {
        hb->acquire(t, clock);
      } else {
        hb->relaxed_load(t, clock);
      }
      if (release) {
        hb->release(t, clock);
      } else {
        hb->relaxed_release(t, clock);
      }
      break;
  }
}

void atomic_fence(std::memory_order order) {
  Execution& ex = Execution::get();
  HappensBefore* hb = ex.races();
  if (hb == nullptr || order == std::memory_order_relaxed) return;
  const bool release =
      order == std::memory_order_release || order == std::memory_order_acq_rel || order == std::memory_order_seq_cst;
  hb->fence(ex.current(), order != std::memory_order_release, release);
}

}  // namespace weft::detail
