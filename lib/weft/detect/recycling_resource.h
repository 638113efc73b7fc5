// A memory resource that keeps every block given back to it, by size, and
// hands it out again: containers that are emptied and refilled at every
// execution (a btree frees all its nodes on clear()) then allocate from the
// heap only while they grow past their largest size so far.
//
//   RecyclingResource memory;
//   absl::btree_map<K, V, std::less<>, std::pmr::polymorphic_allocator<std::pair<const K, V>>> m{&memory};
//   m.clear();  // the nodes go to `memory`; the next inserts take them back
//
// std::pmr::unsynchronized_pool_resource does the same job more generally,
// at about four times the instructions per block in weft's executions (its
// pools are searched by size, its free blocks found in bitmaps). Containers
// here use a few block sizes, so a short list of free lists suffices. Not
// thread-safe: one exploring thread owns it.
#pragma once

#include <cstddef>
#include <memory_resource>
#include <vector>

namespace weft::detail {

class RecyclingResource final : public std::pmr::memory_resource {
 public:
  RecyclingResource() = default;
  RecyclingResource(const RecyclingResource&) = delete;
  RecyclingResource& operator=(const RecyclingResource&) = delete;
  ~RecyclingResource() override {
    for (Shelf& shelf : shelves_) {
      for (void* block : shelf.free) upstream_->deallocate(block, shelf.bytes, shelf.alignment);
    }
  }

 private:
  // The blocks of one size and alignment: how many exist, which are free.
  struct Shelf {
    std::size_t bytes = 0;
    std::size_t alignment = 0;
    std::size_t blocks = 0;
    std::vector<void*> free;
  };

  Shelf& shelf(std::size_t bytes, std::size_t alignment) {
    for (Shelf& s : shelves_) {
      if (s.bytes == bytes && s.alignment == alignment) return s;
    }
    shelves_.push_back(Shelf{.bytes = bytes, .alignment = alignment});
    return shelves_.back();
  }

  void* do_allocate(std::size_t bytes, std::size_t alignment) override {
    Shelf& s = shelf(bytes, alignment);
    if (s.free.empty()) {
      // Room to take every block back: do_deallocate never allocates.
      if (++s.blocks > s.free.capacity()) s.free.reserve(2 * s.blocks);
      return upstream_->allocate(bytes, alignment);
    }
    void* block = s.free.back();
    s.free.pop_back();
    return block;
  }

  void do_deallocate(void* block, std::size_t bytes, std::size_t alignment) override {
    shelf(bytes, alignment).free.push_back(block);
  }

  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override { return this == &other; }

  std::pmr::memory_resource* upstream_ = std::pmr::new_delete_resource();
  std::vector<Shelf> shelves_;
};

}  // namespace weft::detail
