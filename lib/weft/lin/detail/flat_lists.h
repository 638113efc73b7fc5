// Lists of positions, one per group (a segment, a value), kept in one array:
// the tables built before each part's search (prepared.h, the read guides)
// have many short lists, and a vector per list was most of their cost.
//
//   FlatLists lists(groups);
//   for (...) lists.count(group);        // first pass: how many in each
//   lists.start();
//   for (...) lists.add(group, item);    // second pass, the same groups
//   for (std::uint32_t item : lists[group]) ...   // in the order added
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace weft::lin::detail {

class FlatLists {
 public:
  FlatLists() : begin_(1, 0) {}
  explicit FlatLists(std::size_t groups) : begin_(groups + 1, 0) {}

  // First pass: one more item for `group`.
  void count(std::uint32_t group) { ++begin_[group + 1]; }

  // Between the passes: makes room for what was counted.
  void start() {
    // Counts to starts (begin_[g]: where group g starts), then shifted up
    // one: begin_[g + 1] is g's cursor, which add() moves from g's start to
    // its end, the start of g + 1, as the finished lists need.
    for (std::size_t g = 1; g < begin_.size(); ++g) begin_[g] += begin_[g - 1];
    items_.resize(begin_.back());
    for (std::size_t g = begin_.size() - 1; g > 0; --g) begin_[g] = begin_[g - 1];
  }

  // Second pass: appends `item` to `group`. Each group must get exactly
  // what count() announced; the lists are whole once all items are added.
  void add(std::uint32_t group, std::uint32_t item) { items_[begin_[group + 1]++] = item; }

  std::size_t size() const { return begin_.size() - 1; }
  std::span<const std::uint32_t> operator[](std::size_t group) const {
    return {items_.data() + begin_[group], items_.data() + begin_[group + 1]};
  }
  std::span<std::uint32_t> mutable_list(std::size_t group) {
    return {items_.data() + begin_[group], items_.data() + begin_[group + 1]};
  }

 private:
  // Group g is items_[begin_[g], begin_[g + 1]). Between start() and the
  // last add(), begin_[g + 1] is where g's next item goes.
  std::vector<std::uint32_t> begin_;
  std::vector<std::uint32_t> items_;
};

}  // namespace weft::lin::detail
