// Data-race detection by happens-before, with vector clocks.
//
// Every weft thread carries a vector clock; synchronization objects carry a
// SyncClock that releases join into and acquires join from. Each checked
// memory range remembers its last write and the reads since then (the
// FastTrack idea: one epoch for the write, one per reading thread). An access
// that is not ordered after a conflicting earlier access is a race.
//
// The runtime owns one HappensBefore per exploration and resets it per
// execution; primitives call it directly. Only one fiber runs at a time, so
// nothing here locks.
//
//   if (HappensBefore* hb = ex.races()) hb->release(ex.current(), clock_);
#pragma once

#include <cstdint>
#include <optional>
#include <source_location>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "weft/detect/vector_clock.h"

namespace weft::detail {

using ThreadId = int;

struct Access {
  ThreadId thread = 0;
  bool write = false;
  uint64_t step = 0;
  std::source_location where;
  const void* pc = nullptr;  // caller address when `where` is unknown
};

struct Race {
  Access earlier;
  Access later;
  const void* address = nullptr;
  const char* name = nullptr;
};

class HappensBefore {
 public:
  void reset();

  void thread_start(ThreadId parent, ThreadId child);
  void thread_exit(ThreadId thread) { (void)thread; }
  void join(ThreadId joiner, ThreadId joined);

  // `thread` publishes what it has seen into `sync` (unlock, release store,
  // notify, send, semaphore release, ...).
  void release(ThreadId thread, SyncClock& sync);
  // A release store: `sync` now carries exactly this thread's clock, since a
  // later acquire load synchronizes with the store it reads, not older ones.
  void release_store(ThreadId thread, SyncClock& sync);
  // `thread` learns what `sync` carries (lock, acquire load, wakeup, ...).
  void acquire(ThreadId thread, const SyncClock& sync);

  // Checks an access to [address, address + size). Returns the first race it
  // finds, against the most recent conflicting access.
  std::optional<Race> access(ThreadId thread, const void* address, std::size_t size, bool write,
                             const char* name, uint64_t step, std::source_location where, const void* pc);

 private:
  struct Epoch {
    uint32_t clock;
    Access access;
  };
  struct Cell {
    std::size_t size = 0;
    const char* name = nullptr;
    bool written = false;
    Epoch last_write{0, {}};
    std::vector<Epoch> reads;  // at most one per thread, since last write
  };

  VectorClock& clock_of(ThreadId thread);
  bool ordered_before(const Epoch& e, const VectorClock& now) const { return e.clock <= now.get(e.access.thread); }
  std::optional<Race> check(Cell& cell, const Access& access, const VectorClock& now, const void* address);

  std::vector<VectorClock> threads_;
  absl::btree_map<uintptr_t, Cell> cells_;  // by start address; ranges may overlap
};

}  // namespace weft::detail
