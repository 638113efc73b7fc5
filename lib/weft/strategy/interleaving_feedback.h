// Interleaving feedback: what a fuzzer learns from one execution's steps, as
// a small map of hit counters (the "coverage" of schedules, beside code
// coverage), and the conflicting pairs a mutation may reverse.
//
// Two kinds of feature, both keyed by source sites (file:line:column of the
// call, or the return address of an operator), never by thread ids or
// addresses, so a hundred threads running the same code add no noise:
//   - reads-from: (site of the write a read observed, site of the read, and
//     whether that write was the reading thread's own, another thread's, or
//     the initial value). Every read sees the latest write under weft's
//     sequentially consistent scheduling; which one is latest is what the
//     interleaving decides, and this bit says whether another thread's write
//     got in between;
//   - back-to-back conflicts: two operations of different threads that
//     follow each other on one object, at least one of them changing it
//     (strategy/conflict.h), as (site, site, which one changed it).
// The map has kSlots one-byte counters (docs/fuzzing.md measures the
// collisions at this size). It is computed step by step as an execution
// runs (Strategy::step_taken), in memory that grows with the objects, not
// with the steps; only a strategy that asks for it pays for it.
//
//   InterleavingFeedback feedback;
//   std::array<uint8_t, InterleavingFeedback::kSlots> map{};
//   feedback.begin();                                   // a new execution
//   const StepFeatures f = feedback.add(step);          // each step, in order
//   count_features(f, map);
//   if (f.pair) ...                                     // a pair to flip
//   feedback.record(steps, map, &pairs);                // or a whole trace
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "weft/base/event.h"
#include "weft/base/ids.h"

namespace weft::detail {

// One operation of an execution, named so that it means the same operation
// in another execution of the same program: the thread, the position of the
// object among the distinct objects that thread touched (in the order it
// first touched them), and how many times the thread touched that object
// before. Unlike a step index, it does not shift when another thread spins
// longer.
struct EventKey {
  ThreadId thread = 0;
  uint32_t object = 0;
  uint32_t occurrence = 0;
  friend bool operator==(const EventKey&, const EventKey&) = default;
};

// Gives each step its EventKey, in trace order.
class EventKeys {
 public:
  void clear();
  // The key `e` (a step of thread e.thread that touches an object) gets if it
  // runs next; ran() then advances the counts.
  EventKey peek(const RawEvent& e) const;
  EventKey ran(const RawEvent& e);

 private:
  struct PerThread {
    absl::flat_hash_map<const void*, uint32_t> ordinal;
    std::vector<uint32_t> occurrences;  // by ordinal
  };
  std::vector<PerThread> threads_;
};

// Two back-to-back conflicting operations of different threads on one
// object, `first` before `second`; `site_class` identifies the pair of sites.
struct ConflictPair {
  EventKey first;
  EventKey second;
  uint64_t site_class = 0;
};

// What one step adds: its features as full 64-bit hashes, before they are
// folded into slots (a read's reads-from, then its back-to-back conflict),
// and the conflicting pair it ends, if any.
struct StepFeatures {
  std::array<uint64_t, 2> features{};
  int count = 0;
  std::optional<ConflictPair> pair;
};

class InterleavingFeedback {
 public:
  // 4 KiB: see docs/fuzzing.md for the measurement behind the size.
  static constexpr size_t kSlots = 4096;

  // A new execution: forgets every object's accesses.
  void begin();
  // The features of `e`, the next step of the execution (every earlier one
  // was added).
  StepFeatures add(const RawEvent& e);

  // A whole trace: begin(), then adds one hit (saturating at 255) to
  // `counters[slot]` for every feature of `steps`, and appends each
  // conflicting pair to `pairs` when it is not null. `counters` has kSlots
  // entries.
  void record(std::span<const RawEvent> steps, std::span<uint8_t> counters, std::vector<ConflictPair>* pairs);

  // A source site as a number that is the same in every process running the
  // same binary (file names by content; return addresses relative to weft's
  // own code, which ASLR moves as one piece with a statically linked binary).
  uint64_t site(const RawEvent& e);

 private:
  struct ObjectState {
    bool accessed = false;
    ThreadId last_thread = kNoThread;
    EventKey last_key;
    uint64_t last_site = 0;
    bool last_changed = false;
    ThreadId writer = kNoThread;  // of the latest change; kNoThread: the initial value
    uint64_t write_site = 0;
  };

  absl::flat_hash_map<const char*, uint64_t> file_hashes_;
  absl::flat_hash_map<const void*, ObjectState> objects_;
  EventKeys keys_;
};

// Adds one hit (saturating at 255) to `counters[slot]` for each feature of
// `f`; `counters` has InterleavingFeedback::kSlots entries.
void count_features(const StepFeatures& f, std::span<uint8_t> counters);

// Which hit counts count as different: the AFL buckets (1, 2, 3, 4-7, 8-15,
// 16-31, 32-127, 128+), one bit each.
uint8_t hit_bucket(uint8_t hits);

// The features seen so far over many executions: a bit per (slot, bucket).
class FeedbackSeen {
 public:
  FeedbackSeen() : seen_(InterleavingFeedback::kSlots, 0) {}
  // Marks the features of `counters` seen; returns how many were new.
  int merge(std::span<const uint8_t> counters);
  void clear() { std::fill(seen_.begin(), seen_.end(), 0); }

 private:
  std::vector<uint8_t> seen_;
};

}  // namespace weft::detail
