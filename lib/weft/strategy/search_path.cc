#include "weft/strategy/search_path.h"

#include <algorithm>
#include <cstdint>

namespace weft::detail {

void SearchPath::make_key(uint32_t values, std::span<const uint32_t> options, std::span<const uint8_t> costs,
                          std::vector<uint32_t>& key) {
  key.assign(1, values);
  key.insert(key.end(), options.begin(), options.end());
  key.insert(key.end(), costs.begin(), costs.end());
}

uint32_t SearchPath::thread_shape(std::span<const uint32_t> options, std::span<const uint8_t> costs) {
  make_key(0, options, costs, key_);
  if (const auto it = shape_ids_.find(key_); it != shape_ids_.end()) return it->second;
  return intern({{options.begin(), options.end()}, {costs.begin(), costs.end()}, 0});
}

uint32_t SearchPath::value_shape(uint32_t n) {
  make_key(n, {}, {}, key_);
  if (const auto it = shape_ids_.find(key_); it != shape_ids_.end()) return it->second;
  return intern({{}, {}, n});
}

uint32_t SearchPath::intern(Shape shape) {
  if (shapes_.size() >= drop_at_) {
    drop_unused_shapes();
    drop_at_ = std::max(kShapesBeforeDrop, 2 * shapes_.size());  // amortized: a drop per as many new shapes
  }
  const auto id = static_cast<uint32_t>(shapes_.size());
  shapes_.push_back(std::move(shape));
  shape_ids_.emplace(key_, id);
  return id;
}

void SearchPath::drop_unused_shapes() {
  constexpr uint32_t kUnused = UINT32_MAX;
  std::vector<uint32_t> renumbered(shapes_.size(), kUnused);
  std::vector<Shape> kept;
  for (Point& p : points_) {
    uint32_t& id = renumbered[p.shape];
    if (id == kUnused) {
      id = static_cast<uint32_t>(kept.size());
      kept.push_back(std::move(shapes_[p.shape]));
    }
    p.shape = id;
  }
  shapes_ = std::move(kept);
  shape_ids_.clear();
  std::vector<uint32_t> key;
  for (uint32_t id = 0; id < shapes_.size(); ++id) {
    const Shape& s = shapes_[id];
    make_key(s.values, s.options, s.costs, key);
    shape_ids_.emplace(key, id);
  }
}

void SearchPath::push(uint32_t shape, uint32_t taken, bool full) {
  const uint32_t n = shapes_[shape].count();
  if (n <= kInlineOptions) {
    const uint32_t bit = uint32_t{1} << taken;
    points_.push_back({shape, bit | (bit << 8) | (taken << 16) | (full ? kFull : 0)});
    return;
  }
  Large l{taken, full, std::vector<bool>(n, false), std::vector<bool>(n, false)};
  l.wanted[taken] = l.explored[taken] = true;
  points_.push_back({shape, kLarge | static_cast<uint32_t>(large_.size())});
  large_.push_back(std::move(l));
}

void SearchPath::truncate(size_t n) {
  while (points_.size() > n) {
    if (large(points_.size() - 1)) large_.pop_back();
    points_.pop_back();
  }
}

uint32_t SearchPath::shape_value(uint32_t shape, uint32_t j) const {
  const Shape& s = shapes_[shape];
  return s.options.empty() ? j : s.options[j];
}

int SearchPath::cost(size_t i, uint32_t j) const {
  const Shape& s = shapes_[shape(i)];
  return s.costs.empty() ? 0 : s.costs[j];
}

bool SearchPath::full(size_t i) const { return large(i) ? large_at(i).full : (points_[i].state & kFull) != 0; }

uint32_t SearchPath::taken(size_t i) const { return large(i) ? large_at(i).taken : (points_[i].state >> 16) & 0xff; }

bool SearchPath::explored(size_t i, uint32_t j) const {
  return large(i) ? large_at(i).explored[j] : ((points_[i].state >> j) & 1) != 0;
}

bool SearchPath::wanted(size_t i, uint32_t j) const {
  return large(i) ? large_at(i).wanted[j] : ((points_[i].state >> (8 + j)) & 1) != 0;
}

void SearchPath::take(size_t i, uint32_t j) {
  if (large(i)) {
    large_at(i).taken = j;
    large_at(i).explored[j] = true;
    return;
  }
  uint32_t& state = points_[i].state;
  state = (state & ~(uint32_t{0xff} << 16)) | (j << 16) | (uint32_t{1} << j);
}

void SearchPath::want(size_t i, uint32_t j) {
  if (large(i)) {
    large_at(i).wanted[j] = true;
  } else {
    points_[i].state |= uint32_t{1} << (8 + j);
  }
}

void SearchPath::want_all(size_t i) {
  if (large(i)) {
    large_at(i).wanted.assign(count(i), true);
  } else {
    points_[i].state |= ((uint32_t{1} << count(i)) - 1) << 8;
  }
}

}  // namespace weft::detail
