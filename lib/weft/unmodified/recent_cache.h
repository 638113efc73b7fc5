// A direct-mapped cache of the objects used last, by address, in front of a
// table whose objects do not move while they are cached (a node map's values,
// a mutex's slot): a hit costs a multiplication and a compare instead of a
// hash lookup.
//
//   if (SyncClock* clock = recent_.find(address)) return *clock;
//   SyncClock& clock = clocks_[address];
//   recent_.remember(address, &clock);
//
// Its owner empties it (clear()) whenever the objects it points to go away.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>

namespace weft::detail {

template <typename T, unsigned kBits>
class RecentCache {
 public:
  // The object remembered for `address`, or null.
  T* find(const void* address) const {
    const Entry& entry = entries_[slot(address)];
    return entry.address == address ? entry.object : nullptr;
  }
  void remember(const void* address, T* object) { entries_[slot(address)] = Entry{address, object}; }
  void clear() { std::fill(std::begin(entries_), std::end(entries_), Entry{}); }

 private:
  struct Entry {
    const void* address = nullptr;
    T* object = nullptr;
  };
  // Multiplicative hashing: objects a few bytes apart (the fields of one
  // node) take different slots.
  static size_t slot(const void* address) {
    return (reinterpret_cast<uintptr_t>(address) * 0x9e3779b97f4a7c15u) >> (64 - kBits);
  }
  Entry entries_[size_t{1} << kBits];
};

}  // namespace weft::detail
