// The path of a depth-first search through a program's choices
// (strategy/dfs.h): per decision, which options it has (threads in order,
// what taking each costs; or a choose(n)'s n), which one this execution
// takes, which some execution took and which a race asked for. A decision
// takes 8 bytes: its options are a shape kept once for all the decisions
// that have the same (most programs have a handful), and its flags are bits
// when it has at most 8 options; a decision with more keeps them beside
// the path. Shapes no decision of the path has any more are dropped now
// and then (a long search over many threads keeps meeting new ones).
//
//   SearchPath path;
//   const uint32_t shape = path.thread_shape(options, costs);   // or value_shape(n)
//   path.push(shape, /*taken=*/0, /*full=*/true);
//   for (uint32_t j = 0; j < path.count(i); ++j)
//     if (!path.explored(i, j)) path.take(i, j);
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace weft::detail {

class SearchPath {
 public:
  // The shape of a thread point (options: thread ids, the default first;
  // costs: one per option) or of a choose(n). Equal shapes: equal ids.
  uint32_t thread_shape(std::span<const uint32_t> options, std::span<const uint8_t> costs);
  uint32_t value_shape(uint32_t n);
  uint32_t shape_count(uint32_t shape) const { return shapes_[shape].count(); }
  uint32_t shape_value(uint32_t shape, uint32_t j) const;

  // A new last decision of shape `shape` taking option `taken` (then
  // explored and wanted); `full`: every option is to be explored, not only
  // the wanted ones.
  void push(uint32_t shape, uint32_t taken, bool full);
  // Keeps the first `n` decisions.
  void truncate(size_t n);
  void pop_back() { truncate(points_.size() - 1); }
  size_t size() const { return points_.size(); }
  bool empty() const { return points_.empty(); }

  uint32_t shape(size_t i) const { return points_[i].shape; }
  // A thread point (else a choose()).
  bool thread_point(size_t i) const { return !shapes_[shape(i)].options.empty(); }
  uint32_t count(size_t i) const { return shape_count(shape(i)); }
  // Option j's value: a thread id, or j for a choose().
  uint32_t value(size_t i, uint32_t j) const { return shape_value(shape(i), j); }
  int cost(size_t i, uint32_t j) const;
  bool full(size_t i) const;
  uint32_t taken(size_t i) const;
  bool explored(size_t i, uint32_t j) const;
  bool wanted(size_t i, uint32_t j) const;
  // Takes option j at decision i (it is explored from now on).
  void take(size_t i, uint32_t j);
  void want(size_t i, uint32_t j);
  void want_all(size_t i);
  // How many shapes are kept.
  size_t shapes() const { return shapes_.size(); }

  // Past this many shapes, those of no decision are dropped before a new one.
  static constexpr size_t kShapesBeforeDrop = 4096;

 private:
  // Decisions with at most this many options keep their flags in Point::state.
  static constexpr uint32_t kInlineOptions = 8;
  // Point::state of an inline point: explored (bits 0-7), wanted (8-15),
  // taken (16-23), full (bit 31). Of a large one: kLarge | its index in large_.
  static constexpr uint32_t kFull = uint32_t{1} << 31;
  static constexpr uint32_t kLarge = uint32_t{1} << 30;

  struct Shape {
    std::vector<uint32_t> options;  // empty for choose(n)
    std::vector<uint8_t> costs;     // empty for choose(n): all free
    uint32_t values = 0;            // n, for choose(n)
    uint32_t count() const { return options.empty() ? values : static_cast<uint32_t>(options.size()); }
  };
  struct Point {
    uint32_t shape;
    uint32_t state;
  };
  struct Large {
    uint32_t taken;
    bool full;
    std::vector<bool> wanted;
    std::vector<bool> explored;
  };

  // `key_` is the shape's key (see shape_ids_).
  uint32_t intern(Shape shape);
  // Keeps only the shapes of the path's decisions, renumbered.
  void drop_unused_shapes();
  static void make_key(uint32_t values, std::span<const uint32_t> options, std::span<const uint8_t> costs,
                       std::vector<uint32_t>& key);
  bool large(size_t i) const { return (points_[i].state & kLarge) != 0; }
  const Large& large_at(size_t i) const { return large_[points_[i].state & ~kLarge]; }
  Large& large_at(size_t i) { return large_[points_[i].state & ~kLarge]; }

  // A deque: no copy of everything when it grows (a vector's peak would be
  // the old and the new buffer).
  std::deque<Point> points_;
  std::vector<Large> large_;  // in the order of their points
  std::vector<Shape> shapes_;
  // Per shape, its key: values, then the options, then the costs.
  absl::flat_hash_map<std::vector<uint32_t>, uint32_t> shape_ids_;
  std::vector<uint32_t> key_;  // reused
  size_t drop_at_ = kShapesBeforeDrop;
};

}  // namespace weft::detail
