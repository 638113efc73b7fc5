#include "weft/detect/happens_before.h"

#include <algorithm>
#include <atomic>

namespace weft::detail {
namespace {

// Generations are unique across explorations too: a global weft::atomic
// used by two explorations in a row must not carry clocks between them.
std::atomic<uint64_t> next_generation{1};

}  // namespace

HappensBefore::HappensBefore() { reset(); }

void HappensBefore::reset() {
  generation_ = next_generation.fetch_add(1, std::memory_order_relaxed);
  // Memory is kept for the next execution: it will look much like this one.
  for (size_t i = 0; i < threads_.size(); ++i) {
    threads_[i].clear();
    threads_[i].set(static_cast<int>(i), 1);
    fences_[i].released.clear();
    fences_[i].acquirable.clear();
  }
  // A cell the execution touched stays where it is, without history (a cell
  // with none is the same as no cell): the next execution, which will look
  // much like this one, finds it by the exact-range path instead of making
  // it again. A cell no access touched is dropped, so the cells follow the
  // memory the body uses and do not pile up.
  for (uint32_t index = 0; index < cells_.size(); ++index) {
    Cell& cell = cells_[index];
    if (cell.begin == cell.end) continue;  // free already
    if (has_history(cell)) {
      cell.read_set = kNone;  // every read set is freed below
      empty(cell);
    } else {
      drop_cell(index);
    }
  }
  free_read_sets_.clear();
  for (size_t i = read_sets_.size(); i-- > 0;) {
    read_sets_[i].clear();
    free_read_sets_.push_back(static_cast<uint32_t>(i));
  }
  found_.clear();
}

void HappensBefore::grow_threads(ThreadId thread) {
  const size_t old = threads_.size();
  threads_.resize(static_cast<size_t>(thread) + 1);
  fences_.resize(threads_.size());
  // A thread's own entry starts at 1: epoch 0 means "no access".
  for (size_t i = old; i < threads_.size(); ++i) threads_[i].set(static_cast<int>(i), 1);
}

void HappensBefore::thread_start(ThreadId parent, ThreadId child) {
  clock_of(std::max(parent, child));  // both references below stay valid
  VectorClock& c = clock_of(child);
  if (parent >= 0) {
    VectorClock& p = clock_of(parent);
    c.join(p);
    p.tick(parent);
  }
}

void HappensBefore::join(ThreadId joiner, ThreadId joined) {
  clock_of(std::max(joiner, joined));
  clock_of(joiner).join(clock_of(joined));
}

void HappensBefore::release(ThreadId thread, SyncClock& sync) {
  VectorClock& c = clock_of(thread);
  if (sync.generation != generation_) {
    sync.clock.assign(c);
    sync.generation = generation_;
  } else {
    sync.clock.join(c);
  }
  c.tick(thread);
}

void HappensBefore::release_store(ThreadId thread, SyncClock& sync) {
  VectorClock& c = clock_of(thread);
  sync.clock.assign(c);
  sync.generation = generation_;
  c.tick(thread);
}

void HappensBefore::relaxed_store(ThreadId thread, SyncClock& sync) {
  sync.clock.assign(fences_of(thread).released);
  sync.generation = generation_;
}

void HappensBefore::relaxed_release(ThreadId thread, SyncClock& sync) {
  const VectorClock& released = fences_of(thread).released;
  if (sync.generation != generation_) {
    sync.clock.assign(released);
    sync.generation = generation_;
  } else {
    sync.clock.join(released);
  }
}

void HappensBefore::acquire(ThreadId thread, const SyncClock& sync) {
  if (sync.generation != generation_) return;  // released in an earlier execution: nothing to learn
  clock_of(thread).join(sync.clock);
}

void HappensBefore::relaxed_load(ThreadId thread, const SyncClock& sync) {
  if (sync.generation != generation_) return;
  fences_of(thread).acquirable.join(sync.clock);
}

void HappensBefore::fence(ThreadId thread, bool acquire, bool release) {
  Fences& fences = fences_of(thread);
  VectorClock& c = clock_of(thread);
  if (acquire) c.join(fences.acquirable);
  if (release) {
    fences.released.assign(c);
    c.tick(thread);
  }
}

void HappensBefore::race_with(const Cell& cell, const Access& earlier, const Access& later) {
  found_.push_back(
      Race{earlier, later, cell.name, std::max(earlier.begin, later.begin), std::min(earlier.end, later.end)});
}

void HappensBefore::check_and_record(Cell& cell, const Access& a, const VectorClock& now) {
  const ThreadId t = a.thread;
  const uint32_t mine = now.get(t);
  if (!a.is_write()) {
    if (cell.read_set == kNone) {
      // Read again in the same epoch: the last write was checked against
      // this epoch already (a write by another thread since would have been
      // checked against this read, and raced with it).
      if (cell.read.clock == mine && cell.read.access.thread == t) [[likely]] {
        cell.read.access = a;
        return;
      }
    } else {
      for (Epoch& e : read_sets_[cell.read_set]) {
        if (e.access.thread == t && e.clock == mine) {
          e.access = a;
          return;
        }
      }
    }
    if (cell.write.clock != 0 && !ordered_before(cell.write, now)) race_with(cell, cell.write.access, a);
    if (cell.read_set != kNone) {
      std::vector<Epoch>& set = read_sets_[cell.read_set];
      for (Epoch& e : set) {
        if (e.access.thread == t) {
          e = Epoch{mine, a};
          return;
        }
      }
      set.push_back(Epoch{mine, a});
      return;
    }
    if (cell.read.clock == 0 || cell.read.access.thread == t || ordered_before(cell.read, now)) {
      // Any later write ordered after this read is ordered after the old one.
      cell.read = Epoch{mine, a};
      return;
    }
    // Two unordered readers: a later write must be checked against both.
    const uint32_t index = new_read_set();
    read_sets_[index].push_back(cell.read);
    read_sets_[index].push_back(Epoch{mine, a});
    cell.read_set = index;
    cell.read.clock = 0;
    return;
  }
  // Written again in the same epoch: everything since was checked against
  // this epoch (or raced with it).
  if (cell.write.clock == mine && cell.write.access.thread == t) [[likely]] {
    cell.write.access = a;
    return;
  }
  if (cell.write.clock != 0 && !ordered_before(cell.write, now)) race_with(cell, cell.write.access, a);
  if (cell.read_set != kNone) {
    for (const Epoch& e : read_sets_[cell.read_set]) {
      if (!ordered_before(e, now)) race_with(cell, e.access, a);
    }
    drop_read_set(cell);  // back to one epoch: no reads since this write
    cell.read.clock = 0;
  } else if (cell.read.clock != 0 && !ordered_before(cell.read, now)) {
    race_with(cell, cell.read.access, a);
  }
  // An exclusive read stays: it is ordered before this write, so checking a
  // later access against it finds nothing the write does not (FastTrack).
  cell.write = Epoch{mine, a};
}

std::span<const Race> HappensBefore::access_checked(ThreadId thread, uintptr_t begin, std::size_t size, bool write,
                                                    const char* name, uint64_t step, weft::source_location where,
                                                    const void* pc, uint32_t stack) {
  const Access::Kind kind = write ? Access::Kind::kWrite : Access::Kind::kRead;
  const uintptr_t end = begin + size;
  const uint32_t entry = by_byte_.get(begin);
  if (size == 0 || entry == 0 || cells_[entry - 1].begin != begin || cells_[entry - 1].end != end) {
    return access_ranges(thread, begin, size, kind, name, step, where, pc, stack);
  }
  Cell& cell = cells_[entry - 1];
  if (name != nullptr) cell.name = name;
  found_.clear();
  const Busy busy(busy_);
  check_and_record(cell, Access{thread, kind, step, where, pc, begin, end, stack}, clock_of(thread));
  if (found_.size() > 1) [[unlikely]]
    order_found();
  return found_;
}

void HappensBefore::order_found() {
  // One earlier access may race over several cells: report it once, over
  // all the bytes; the most recent conflicting access first.
  std::sort(found_.begin(), found_.end(), [](const Race& x, const Race& y) {
    if (x.earlier.step != y.earlier.step) return x.earlier.step > y.earlier.step;
    if (x.earlier.thread != y.earlier.thread) return x.earlier.thread < y.earlier.thread;
    return x.begin < y.begin;
  });
  size_t out = 0;
  for (size_t i = 0; i < found_.size(); ++i) {
    if (out > 0) {
      Race& last = found_[out - 1];
      const Access& e = found_[i].earlier;
      if (last.earlier.step == e.step && last.earlier.thread == e.thread && last.earlier.kind == e.kind) {
        last.begin = std::min(last.begin, found_[i].begin);
        last.end = std::max(last.end, found_[i].end);
        if (last.name == nullptr) last.name = found_[i].name;
        continue;
      }
    }
    found_[out++] = found_[i];
  }
  found_.resize(out);
}

std::span<const Race> HappensBefore::access_ranges(ThreadId thread, uintptr_t begin, std::size_t size,
                                                   Access::Kind kind, const char* name, uint64_t step,
                                                   weft::source_location where, const void* pc, uint32_t stack) {
  found_.clear();
  if (size == 0) return found_;
  const Busy busy(busy_);
  const uintptr_t end = begin + size;
  const Access a{thread, kind, step, where, pc, begin, end, stack};
  cover(begin, end, name);
  // Pieces without history are the layout an earlier execution left (see
  // reset()): the narrower accesses that cut them are likely to come again,
  // so a wide write over them keeps them apart rather than merge them and
  // have the next access cut them again.
  bool pieces_had_history = false;
  for (uint32_t index : pieces_) pieces_had_history |= has_history(cells_[index]);
  const VectorClock& now = clock_of(thread);
  for (uint32_t index : pieces_) check_and_record(cells_[index], a, now);
  if (a.is_write() && pieces_.size() > 1 && pieces_had_history) {
    // Every piece now holds this write; forget the reads (each was ordered
    // before the write, or raced with it and was reported) and the pieces
    // are one: the shadow does not fragment under repeated wide writes.
    for (size_t i = 1; i < pieces_.size(); ++i) drop_cell(pieces_[i]);
    Cell& merged = cells_[pieces_[0]];
    drop_read_set(merged);
    merged.read = Epoch{};
    by_byte_.fill(merged.end, end, pieces_[0] + 1);
    merged.end = end;
  }
  if (found_.size() > 1) order_found();
  return found_;
}

void HappensBefore::created(ThreadId thread, const void* address, std::size_t size, const char* name, uint64_t step,
                            weft::source_location where) {
  if (size == 0) return;
  const Busy busy(busy_);
  const auto begin = reinterpret_cast<uintptr_t>(address);
  const uintptr_t end = begin + size;
  cover(begin, end, name);
  for (size_t i = 1; i < pieces_.size(); ++i) drop_cell(pieces_[i]);
  Cell& cell = cells_[pieces_[0]];
  drop_read_set(cell);
  by_byte_.fill(cell.end, end, pieces_[0] + 1);
  cell.end = end;
  cell.name = name;
  cell.read = Epoch{};
  cell.write =
      Epoch{clock_of(thread).get(thread), Access{thread, Access::Kind::kCreate, step, where, nullptr, begin, end}};
}

void HappensBefore::forget(const void* address, std::size_t size) {
  if (size == 0 || no_cells() || busy_) return;
  const Busy busy(busy_);
  const auto begin = reinterpret_cast<uintptr_t>(address);
  const uintptr_t end = begin + size;
  // The cells stay, emptied: the new block's accesses are likely to find
  // them at the same ranges. Only what lies inside [begin, end) loses its
  // history; a cell without history needs no cut. Most allocations are of
  // memory no access has touched (first_set finds nothing).
  // Cell to cell with one lookup each; only a gap is scanned byte by byte.
  for (uintptr_t cursor = begin; cursor < end;) {
    const uint32_t entry = by_byte_.get(cursor);
    if (entry == 0) {
      cursor = by_byte_.first_set(cursor, end);
      continue;
    }
    uint32_t index = entry - 1;
    if (has_history(cells_[index])) {
      if (cells_[index].begin < cursor) index = split(index, cursor).after;
      if (cells_[index].end > end) index = split(index, end).before;
      drop_read_set(cells_[index]);
      empty(cells_[index]);
    }
    cursor = cells_[index].end;
  }
}

void HappensBefore::cover(uintptr_t begin, uintptr_t end, const char* name) {
  pieces_.clear();
  uintptr_t cursor = begin;
  while (cursor < end) {
    const uint32_t entry = by_byte_.get(cursor);
    if (entry == 0) {  // a gap, up to the next cell or the range's end
      const uintptr_t gap_end = by_byte_.first_set(cursor, end);
      const uint32_t gap = new_cell(cursor, gap_end, name);
      mark(gap);
      pieces_.push_back(gap);
      cursor = gap_end;
      continue;
    }
    uint32_t index = entry - 1;
    // Only the first cell can start before the range: keep the part inside.
    if (cells_[index].begin < cursor) index = split(index, cursor).after;
    if (cells_[index].end > end) index = split(index, end).before;
    if (cells_[index].name == nullptr) cells_[index].name = name;
    pieces_.push_back(index);
    cursor = cells_[index].end;
  }
}

HappensBefore::Halves HappensBefore::split(uint32_t index, uintptr_t at) {
  const uintptr_t begin = cells_[index].begin;
  const uintptr_t end = cells_[index].end;
  // The new cell takes the smaller half, whose bytes are marked again: a
  // wide cell cut into pieces from one end costs each piece its own size,
  // not the rest of the cell's.
  if (at - begin <= end - at) {
    const uint32_t before = copy_cell(index, begin, at);
    cells_[index].begin = at;
    mark(before);
    return {before, index};
  }
  const uint32_t after = copy_cell(index, at, end);
  cells_[index].end = at;
  mark(after);
  return {index, after};
}

uint32_t HappensBefore::new_cell(uintptr_t begin, uintptr_t end, const char* name) {
  uint32_t index;
  if (!free_cells_.empty()) {
    index = free_cells_.back();
    free_cells_.pop_back();
    cells_[index] = Cell{};
  } else {
    index = static_cast<uint32_t>(cells_.size());
    cells_.emplace_back();
  }
  Cell& cell = cells_[index];
  cell.begin = begin;
  cell.end = end;
  cell.name = name;
  return index;
}

uint32_t HappensBefore::copy_cell(uint32_t from, uintptr_t begin, uintptr_t end) {
  const uint32_t index = new_cell(begin, end, nullptr);
  Cell copy = cells_[from];
  copy.begin = begin;
  copy.end = end;
  if (copy.read_set != kNone) {
    const uint32_t set = new_read_set();
    read_sets_[set] = read_sets_[copy.read_set];
    copy.read_set = set;
  }
  cells_[index] = copy;
  return index;
}

void HappensBefore::drop_cell(uint32_t index) {
  Cell& cell = cells_[index];
  drop_read_set(cell);
  by_byte_.clear(cell.begin, cell.end);
  cell.end = cell.begin;  // reset() clears no bytes for it
  free_cells_.push_back(index);
}

uint32_t HappensBefore::new_read_set() {
  if (!free_read_sets_.empty()) {
    const uint32_t index = free_read_sets_.back();
    free_read_sets_.pop_back();
    return index;
  }
  read_sets_.emplace_back();
  return static_cast<uint32_t>(read_sets_.size() - 1);
}

void HappensBefore::drop_read_set(Cell& cell) {
  if (cell.read_set == kNone) return;
  read_sets_[cell.read_set].clear();
  free_read_sets_.push_back(cell.read_set);
  cell.read_set = kNone;
}

bool HappensBefore::first_of_its_sites(const Race& race) {
  const auto site = [](const Access& a) -> Site {
    if (a.where.line() != 0) {
      return {reinterpret_cast<uintptr_t>(a.where.file_name()), a.where.line(), a.where.column()};
    }
    return {reinterpret_cast<uintptr_t>(a.pc), 0, 0};
  };
  Site x = site(race.earlier), y = site(race.later);
  if (y < x) std::swap(x, y);
  return seen_sites_.insert({x, y}).second;
}

}  // namespace weft::detail
