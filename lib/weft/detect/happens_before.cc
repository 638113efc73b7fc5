#include "weft/detect/happens_before.h"

namespace weft::detail {

void HappensBefore::reset() {
  for (VectorClock& c : threads_) c.clear();
  cells_.clear();
}

VectorClock& HappensBefore::clock_of(ThreadId thread) {
  if (static_cast<size_t>(thread) >= threads_.size()) threads_.resize(thread + 1);
  VectorClock& c = threads_[thread];
  if (c.get(thread) == 0) c.set(thread, 1);
  return c;
}

void HappensBefore::thread_start(ThreadId parent, ThreadId child) {
  VectorClock& c = clock_of(child);
  if (parent >= 0) {
    VectorClock& p = clock_of(parent);
    c.join(p);
    p.tick(parent);
  }
  c.tick(child);
}

void HappensBefore::join(ThreadId joiner, ThreadId joined) {
  VectorClock done = clock_of(joined);
  clock_of(joiner).join(done);
}

void HappensBefore::release(ThreadId thread, SyncClock& sync) {
  VectorClock& c = clock_of(thread);
  sync.clock.join(c);
  c.tick(thread);
}

void HappensBefore::release_store(ThreadId thread, SyncClock& sync) {
  VectorClock& c = clock_of(thread);
  sync.clock = c;
  c.tick(thread);
}

void HappensBefore::acquire(ThreadId thread, const SyncClock& sync) { clock_of(thread).join(sync.clock); }

std::optional<Race> HappensBefore::check(Cell& cell, const Access& access, const VectorClock& now,
                                         const void* address) {
  if (cell.written && cell.last_write.access.thread != access.thread && !ordered_before(cell.last_write, now)) {
    return Race{cell.last_write.access, access, address, cell.name};
  }
  if (access.write) {
    for (const Epoch& r : cell.reads) {
      if (r.access.thread != access.thread && !ordered_before(r, now)) return Race{r.access, access, address, cell.name};
    }
  }
  return std::nullopt;
}

std::optional<Race> HappensBefore::access(ThreadId thread, const void* address, std::size_t size, bool write,
                                          const char* name, uint64_t step, std::source_location where,
                                          const void* pc) {
  const VectorClock& now = clock_of(thread);
  const Access a{thread, write, step, where, pc};
  const auto start = reinterpret_cast<uintptr_t>(address);
  const uintptr_t end = start + size;

  // Every recorded range that overlaps [start, end) conflicts potentially.
  auto it = cells_.upper_bound(start);
  if (it != cells_.begin()) --it;
  std::optional<Race> race;
  bool exact = false;
  for (; it != cells_.end() && it->first < end; ++it) {
    Cell& cell = it->second;
    if (it->first + cell.size <= start) continue;
    if (!race) race = check(cell, a, now, address);
    if (race && race->name == nullptr) race->name = name;
    if (it->first == start && cell.size == size) {
      exact = true;
      if (name != nullptr) cell.name = name;
    }
  }
  if (!exact) cells_.emplace(start, Cell{.size = size, .name = name});
  // Record this access in the cell of its exact range.
  Cell& cell = cells_.find(start)->second;
  if (cell.size != size) return race;  // a different-size range starts here: checked, not recorded
  const Epoch e{now.get(thread), a};
  if (write) {
    cell.written = true;
    cell.last_write = e;
    cell.reads.clear();
  } else {
    bool replaced = false;
    for (Epoch& r : cell.reads) {
      if (r.access.thread == thread) {
        r = e;
        replaced = true;
      }
    }
    if (!replaced) cell.reads.push_back(e);
  }
  return race;
}

}  // namespace weft::detail
