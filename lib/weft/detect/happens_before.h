// Data-race detection by happens-before (FastTrack, Flanagan & Freund, PLDI
// 2009), for weft::var and annotated memory.
//
// Every weft thread carries a vector clock; synchronization objects carry a
// SyncClock that releases join into and acquires join from. Checked memory is
// shadowed by disjoint byte ranges ("cells"); each cell remembers its last
// write as an epoch (thread, clock) and its reads since then as one epoch,
// or, once two unordered threads have read it, one epoch per reading thread.
// An access not ordered after a conflicting earlier access (same bytes, one a
// write) is a race. A table indexed by the address (address_table.h) holds,
// for every byte a cell covers, the cell: an access to the exact range of an
// existing cell (every weft::var access after the first) takes one lookup and
// O(1) epoch comparisons; other ranges split cells at their boundaries, so
// overlap handling is exact to the byte.
//
// The runtime owns one HappensBefore per exploration and resets it per
// execution; primitives call it directly. Only one fiber runs at a time, so
// nothing here locks.
//
//   if (HappensBefore* hb = ex.races()) hb->release(ex.current(), clock_);   // unlock
//   if (HappensBefore* hb = ex.races()) hb->acquire(ex.current(), clock_);   // lock
//   for (const Race& r : hb->access(t, &x, sizeof x, /*write=*/true, ...)) report(r);
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "weft/base/ids.h"
#include "weft/base/source_location.h"
#include "weft/detect/address_table.h"
#include "weft/detect/vector_clock.h"
#include "weft/report/failure.h"

namespace weft::detail {

// One checked access, as a report describes it.
struct Access {
  enum class Kind : uint8_t { kRead, kWrite, kCreate };
  ThreadId thread = 0;
  Kind kind = Kind::kRead;
  uint64_t step = 0;
  weft::source_location where;
  const void* pc = nullptr;  // caller address when `where` is unknown
  uintptr_t begin = 0;       // the bytes it touched: [begin, end)
  uintptr_t end = 0;
  uint32_t stack = 0;  // the caller's name for the call stack it was made from (0: none)
  bool is_write() const { return kind != Kind::kRead; }
};

struct Race {
  Access earlier;
  Access later;
  const char* name = nullptr;  // the variable's name, when it has one
  uintptr_t begin = 0;         // the bytes both touched: [begin, end)
  uintptr_t end = 0;
};

class HappensBefore {
 public:
  HappensBefore();

  // A new execution starts: every access is forgotten (the cells the last
  // execution touched stay, without history, for the next one to find).
  void reset();

  void thread_start(ThreadId parent, ThreadId child);
  void thread_exit(ThreadId thread) { (void)thread; }
  void join(ThreadId joiner, ThreadId joined);

  // `thread` publishes what it has seen into `sync` (unlock, notify, send,
  // semaphore release, release RMW, ...).
  void release(ThreadId thread, SyncClock& sync);
  // A release store: `sync` now carries exactly this thread's clock, since a
  // later acquire load synchronizes with the store it reads, not older ones.
  void release_store(ThreadId thread, SyncClock& sync);
  // A relaxed store ends the release sequence: acquirers of its value learn
  // what `thread` had seen at its last release fence (nothing without one).
  void relaxed_store(ThreadId thread, SyncClock& sync);
  // A relaxed read-modify-write continues the release sequence it reads and
  // adds `thread`'s last release fence to it.
  void relaxed_release(ThreadId thread, SyncClock& sync);
  // `thread` learns what `sync` carries (lock, acquire load, wakeup, ...).
  void acquire(ThreadId thread, const SyncClock& sync);
  // A relaxed load: `thread` learns what `sync` carries at its next acquire
  // fence, not before.
  void relaxed_load(ThreadId thread, const SyncClock& sync);
  // std::atomic_thread_fence: an acquire fence makes every earlier relaxed
  // load an acquire; a release fence makes every later relaxed store or RMW
  // publish what the thread had seen at the fence (acq_rel/seq_cst: both).
  void fence(ThreadId thread, bool acquire, bool release);

  // Checks an access to [address, address + size) and records it. Returns the
  // races it makes, the most recent conflicting access first; the span stays
  // valid until the next call. `stack` is kept with the access, for reports.
  [[gnu::always_inline]] std::span<const Race> access(ThreadId thread, const void* address, std::size_t size,
                                                      bool write, const char* name, uint64_t step,
                                                      weft::source_location where, const void* pc, uint32_t stack = 0) {
    // The common cases, inline and without a call, on the exact range of an
    // existing cell. (A size of 0 never matches: cells are not empty.)
    const auto begin = reinterpret_cast<uintptr_t>(address);
    const uintptr_t end = begin + size;
    const uint32_t entry = by_byte_.get(begin);  // cell index + 1; 0: no cell covers the byte
    if (entry != 0 && static_cast<size_t>(thread) < threads_.size()) [[likely]] {
      Cell& cell = cells_[entry - 1];
      const VectorClock& now = threads_[thread];
      const uint32_t mine = now.get(thread);
      if (cell.begin == begin && cell.end == end) [[likely]] {
        if (name != nullptr) cell.name = name;
        // Accessed again by the thread that made the cell's last access of
        // this kind, in the same epoch (no release since). Nothing to
        // check: only the site changes. Stored field by field: copying an
        // Access just built on the stack stalls on store forwarding, and
        // this is most accesses.
        if (write) {
          if (cell.write.clock == mine && cell.write.access.thread == thread) [[likely]] {
            restamp(cell.write.access, Access::Kind::kWrite, step, where, pc, begin, end, stack);
            return {};
          }
        } else if (cell.read_set == kNone && cell.read.clock == mine && cell.read.access.thread == thread) [[likely]] {
          restamp(cell.read.access, Access::Kind::kRead, step, where, pc, begin, end, stack);
          return {};
        }
        // A thread's first access in a new epoch, with all the cell holds
        // ordered before it and no read set: what check_and_record would do,
        // that is, the access takes the epoch of its kind and nothing races.
        // (A read also replaces the same thread's earlier read.)
        if (cell.read_set == kNone && ordered_before(cell.write, now) &&
            (ordered_before(cell.read, now) || (!write && cell.read.access.thread == thread))) {
          Epoch& epoch = write ? cell.write : cell.read;
          epoch.clock = mine;
          epoch.access.thread = thread;
          restamp(epoch.access, write ? Access::Kind::kWrite : Access::Kind::kRead, step, where, pc, begin, end, stack);
          return {};
        }
      }
    }
    return access_checked(thread, begin, size, write, name, step, where, pc, stack);
  }

  // A weft::var was constructed at [address, address + size): whatever the
  // memory held before is forgotten, and the construction counts as a write
  // by `thread` (so a reader that was not handed the object races with it).
  void created(ThreadId thread, const void* address, std::size_t size, const char* name, uint64_t step,
               weft::source_location where);

  // [address, address + size) was just allocated: whatever the memory held
  // before (freed by some thread, whose accesses nothing orders with the new
  // owner's) is forgotten. No access is recorded. Called by an allocator
  // hook, it may arrive while this detector is allocating for itself: it
  // then does nothing (that memory is the detector's own).
  void forget(const void* address, std::size_t size);

  // ---- reporting policy, for the whole exploration ----
  void set_stop_on_race(bool stop) { stop_on_race_ = stop; }
  bool stop_on_race() const { return stop_on_race_; }
  // True the first time this exploration sees a race between these two
  // source sites (in either order).
  bool first_of_its_sites(const Race& race);
  // Races recorded without stopping (stop_on_race == false), oldest first.
  // The explorer finishes them (token, report) when their execution ends.
  void record(Failure failure) { recorded_.push_back(std::move(failure)); }
  std::vector<Failure>& recorded() { return recorded_; }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;

  // Marks the shadow as being changed, for forget() (see there).
  struct Busy {
    explicit Busy(bool& flag) : flag_(flag) { flag_ = true; }
    ~Busy() { flag_ = false; }
    Busy(const Busy&) = delete;
    Busy& operator=(const Busy&) = delete;
    bool& flag_;
  };
  bool busy_ = false;

  // The last access of one thread, at its epoch (clock 0: none).
  struct Epoch {
    uint32_t clock = 0;
    Access access;
  };
  struct Cell {
    uintptr_t begin = 0;
    uintptr_t end = 0;
    const char* name = nullptr;
    Epoch write;                // the last write
    Epoch read;                 // the reads since, while one epoch suffices
    uint32_t read_set = kNone;  // else: index into read_sets_, one epoch per reader
  };

  static void restamp(Access& to, Access::Kind kind, uint64_t step, weft::source_location where, const void* pc,
                      uintptr_t begin, uintptr_t end, uint32_t stack) {
    to.kind = kind;
    to.step = step;
    to.where = where;
    to.pc = pc;
    to.begin = begin;
    to.end = end;
    to.stack = stack;
  }

  VectorClock& clock_of(ThreadId thread) {
    if (static_cast<size_t>(thread) >= threads_.size()) [[unlikely]]
      grow_threads(thread);
    return threads_[thread];
  }
  // What a thread's fences work with (C++ [atomics.fences]).
  struct Fences {
    VectorClock released;    // the thread's clock at its last release fence
    VectorClock acquirable;  // what its relaxed loads read, for its next acquire fence
  };
  Fences& fences_of(ThreadId thread) {
    clock_of(thread);
    return fences_[thread];
  }
  void grow_threads(ThreadId thread);
  bool ordered_before(const Epoch& e, const VectorClock& now) const { return e.clock <= now.get(e.access.thread); }
  void check_and_record(Cell& cell, const Access& access, const VectorClock& now);
  void race_with(const Cell& cell, const Access& earlier, const Access& later);
  // access() past its inline case: checks against the other threads' epochs,
  // or splits cells for a range that is not exactly one cell's.
  std::span<const Race> access_checked(ThreadId thread, uintptr_t begin, std::size_t size, bool write, const char* name,
                                       uint64_t step, weft::source_location where, const void* pc, uint32_t stack);
  void order_found();
  std::span<const Race> access_ranges(ThreadId thread, uintptr_t begin, std::size_t size, Access::Kind kind,
                                      const char* name, uint64_t step, weft::source_location where, const void* pc,
                                      uint32_t stack);
  // Cells overlapping [begin, end), split at begin and end, gaps filled with
  // fresh cells: on return `pieces_` covers the range exactly, in order.
  void cover(uintptr_t begin, uintptr_t end, const char* name);
  // The two cells a cell becomes when cut at `at`, strictly inside it.
  struct Halves {
    uint32_t before;  // [begin, at)
    uint32_t after;   // [at, end)
  };
  Halves split(uint32_t index, uintptr_t at);
  // A cell, not yet in by_byte_ (mark() puts it there).
  uint32_t new_cell(uintptr_t begin, uintptr_t end, const char* name);
  uint32_t copy_cell(uint32_t from, uintptr_t begin, uintptr_t end);
  void mark(uint32_t index) { by_byte_.fill(cells_[index].begin, cells_[index].end, index + 1); }
  void drop_cell(uint32_t index);
  static bool has_history(const Cell& cell) {
    return cell.write.clock != 0 || cell.read.clock != 0 || cell.read_set != kNone;
  }
  // No access recorded, no name: as if no cell covered the bytes. The cell
  // has no read set (the caller dropped it).
  static void empty(Cell& cell) {
    cell.write.clock = 0;
    cell.read.clock = 0;
    cell.name = nullptr;
  }
  bool no_cells() const { return cells_.size() == free_cells_.size(); }
  uint32_t new_read_set();
  void drop_read_set(Cell& cell);

  std::vector<VectorClock> threads_;
  std::vector<Fences> fences_;  // same indices as threads_
  uint64_t generation_ = 0;

  std::vector<Cell> cells_;
  std::vector<uint32_t> free_cells_;  // their cells are empty (begin == end)
  std::vector<std::vector<Epoch>> read_sets_;
  std::vector<uint32_t> free_read_sets_;
  // The index + 1 of the cell covering each byte that a cell covers, in a
  // table indexed by address (ThreadSanitizer's shadow is found the same
  // way): the exact-range fast path and every overlap query. Cells are
  // disjoint.
  AddressTable by_byte_;
  std::vector<uint32_t> pieces_;  // scratch for cover()
  std::vector<Race> found_;

  bool stop_on_race_ = true;
  // (site, site) pairs already reported, smaller site first.
  using Site = std::tuple<uintptr_t, uint32_t, uint32_t>;
  absl::flat_hash_set<std::pair<Site, Site>> seen_sites_;
  std::vector<Failure> recorded_;
};

}  // namespace weft::detail
