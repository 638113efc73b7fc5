#include "weft/runtime/stack_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <new>

namespace weft::detail {
namespace {

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

}  // namespace

StackPool::StackPool(std::size_t usable_bytes)
    : usable_(round_up(std::max<std::size_t>(usable_bytes, 16 * 1024), page_size())),
      mapping_bytes_(usable_ + kGuardBytes) {}

StackPool::~StackPool() {
  for (char* base : mappings_) munmap(base, mapping_bytes_);
}

boost::context::stack_context StackPool::allocate() {
  char* base;
  if (!free_.empty()) {
    base = free_.back();
    free_.pop_back();
  } else {
    void* mem =
        mmap(nullptr, mapping_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) throw std::bad_alloc();
    base = static_cast<char*>(mem);
    if (mprotect(base, kGuardBytes, PROT_NONE) != 0) {
      munmap(mem, mapping_bytes_);
      throw std::bad_alloc();
    }
    mappings_.push_back(base);
  }
  boost::context::stack_context stack;
  stack.size = usable_;
  stack.sp = base + mapping_bytes_;
  return stack;
}

void StackPool::deallocate(boost::context::stack_context& sctx) {
  free_.push_back(static_cast<char*>(sctx.sp) - mapping_bytes_);
}

void StackPool::abandon(void* stack_top) {
  char* base = static_cast<char*>(stack_top) - mapping_bytes_;
  std::erase(mappings_, base);
}

bool StackPool::is_guard_address(const void* address) const {
  const char* a = static_cast<const char*>(address);
  for (const char* base : mappings_) {
    if (a >= base && a < base + kGuardBytes) return true;
  }
  return false;
}

}  // namespace weft::detail
