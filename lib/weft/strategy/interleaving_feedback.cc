#include "weft/strategy/interleaving_feedback.h"

#include <algorithm>
#include <cstring>

#include "weft/base/op.h"
#include "weft/base/rng.h"
#include "weft/strategy/conflict.h"

namespace weft::detail {
namespace {

// Return addresses are measured from here: weft and the code calling it are
// usually one binary, which ASLR moves as a whole.
void address_anchor() {}

// Feature tags, so that the two kinds never share a hash.
constexpr uint64_t kReadsFrom = 0x7266;
constexpr uint64_t kBackToBack = 0x6262;

// Who wrote the value a read saw.
enum Writer : uint64_t { kInitial = 1, kSameThread = 2, kOtherThread = 3 };

uint64_t combine(uint64_t a, uint64_t b) { return mix64(a * 0x9e3779b97f4a7c15ULL + b); }

// A read takes a value from its object: loads, reads, and the read half of
// a read-modify-write or compare-exchange.
bool reads_value(Op op) {
  return op == Op::kLoad || op == Op::kRead || op == Op::kReadModifyWrite || op == Op::kCompareExchange;
}

}  // namespace

void EventKeys::clear() {
  for (PerThread& t : threads_) {
    t.ordinal.clear();
    t.occurrences.clear();
  }
}

EventKey EventKeys::peek(const RawEvent& e) const {
  const auto t = static_cast<size_t>(e.thread);
  if (t >= threads_.size()) return {e.thread, 0, 0};
  const PerThread& mine = threads_[t];
  auto it = mine.ordinal.find(e.object);
  if (it == mine.ordinal.end()) return {e.thread, static_cast<uint32_t>(mine.occurrences.size()), 0};
  return {e.thread, it->second, mine.occurrences[it->second]};
}

EventKey EventKeys::ran(const RawEvent& e) {
  const auto t = static_cast<size_t>(e.thread);
  if (t >= threads_.size()) threads_.resize(t + 1);
  PerThread& mine = threads_[t];
  const auto [it, inserted] = mine.ordinal.try_emplace(e.object, static_cast<uint32_t>(mine.occurrences.size()));
  if (inserted) mine.occurrences.push_back(0);
  return {e.thread, it->second, mine.occurrences[it->second]++};
}

uint64_t InterleavingFeedback::site(const RawEvent& e) {
  if (e.where.line() != 0) {
    const char* file = e.where.file_name();
    auto [it, inserted] = file_hashes_.try_emplace(file, 0);
    if (inserted) {
      uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a over the name's bytes
      for (const char* c = file; *c != '\0'; ++c) h = (h ^ static_cast<uint8_t>(*c)) * 0x100000001b3ULL;
      it->second = h;
    }
    return combine(it->second, (uint64_t{e.where.line()} << 20) ^ e.where.column());
  }
  if (e.pc != nullptr) {
    return mix64(reinterpret_cast<uintptr_t>(e.pc) - reinterpret_cast<uintptr_t>(&address_anchor));
  }
  return mix64(static_cast<uint64_t>(e.op) + 1);  // no site known: the operation alone
}

void InterleavingFeedback::begin() {
  objects_.clear();
  keys_.clear();
}

StepFeatures InterleavingFeedback::add(const RawEvent& e) {
  StepFeatures out;
  if (!touches_object(e)) return out;
  const EventKey key = keys_.ran(e);
  const uint64_t here = site(e);
  const bool changed = changes_object(e);
  ObjectState& o = objects_[e.object];
  if (reads_value(e.op)) {
    const Writer who = o.writer == kNoThread ? kInitial : o.writer == e.thread ? kSameThread : kOtherThread;
    out.features[out.count++] = combine(combine(kReadsFrom, o.write_site), combine(here, who));
  }
  if (o.accessed && o.last_thread != e.thread && (o.last_changed || changed)) {
    const uint64_t site_class = combine(combine(kBackToBack, o.last_site), combine(here, o.last_changed * 2 + changed));
    out.features[out.count++] = site_class;
    out.pair = ConflictPair{o.last_key, key, site_class};
  }
  o.accessed = true;
  o.last_thread = e.thread;
  o.last_key = key;
  o.last_site = here;
  o.last_changed = changed;
  if (changed) {
    o.writer = e.thread;
    o.write_site = here;
  }
  return out;
}

void InterleavingFeedback::record(std::span<const RawEvent> steps, std::span<uint8_t> counters,
                                  std::vector<ConflictPair>* pairs) {
  begin();
  for (const RawEvent& e : steps) {
    const StepFeatures f = add(e);
    count_features(f, counters);
    if (f.pair && pairs != nullptr) pairs->push_back(*f.pair);
  }
}

void count_features(const StepFeatures& f, std::span<uint8_t> counters) {
  for (int i = 0; i < f.count; ++i) {
    uint8_t& c = counters[f.features[i] % InterleavingFeedback::kSlots];
    if (c != 255) ++c;
  }
}

uint8_t hit_bucket(uint8_t hits) {
  if (hits == 0) return 0;
  if (hits <= 3) return static_cast<uint8_t>(1u << (hits - 1));  // 1, 2, 3
  if (hits <= 7) return 8;
  if (hits <= 15) return 16;
  if (hits <= 31) return 32;
  if (hits <= 127) return 64;
  return 128;
}

int FeedbackSeen::merge(std::span<const uint8_t> counters) {
  int fresh = 0;
  for (size_t i = 0; i < counters.size() && i < seen_.size(); ++i) {
    const uint8_t bucket = hit_bucket(counters[i]);
    if ((seen_[i] & bucket) != bucket) {
      seen_[i] |= bucket;
      ++fresh;
    }
  }
  return fresh;
}

}  // namespace weft::detail
