#include "weft/strategy/search_path.h"

namespace weft::detail {

uint32_t SearchPath::thread_shape(std::span<const uint32_t> options, std::span<const uint8_t> costs) {
  key_.assign(1, 0);
  key_.insert(key_.end(), options.begin(), options.end());
  key_.insert(key_.end(), costs.begin(), costs.end());
  if (const auto it = shape_ids_.find(key_); it != shape_ids_.end()) return it->second;
  return intern({{options.begin(), options.end()}, {costs.begin(), costs.end()}, 0});
}

uint32_t SearchPath::value_shape(uint32_t n) {
  key_.assign(1, n);
  if (const auto it = shape_ids_.find(key_); it != shape_ids_.end()) return it->second;
  return intern({{}, {}, n});
}

uint32_t SearchPath::intern(Shape shape) {
  const auto id = static_cast<uint32_t>(shapes_.size());
  shapes_.push_back(std::move(shape));
  shape_ids_.emplace(key_, id);
  return id;
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
