// The C allocator, interposed, for two things ThreadSanitizer's allocator
// also does:
//
// - Memory allocated on a weft thread starts with no access history.
//   Without this, a block freed by one thread and handed to another by
//   malloc (a std::thread's state, deleted by the thread that ran it and
//   reused by the next std::thread's constructor) looks like the same memory
//   written by two unordered threads: a false race.
// - A race on a block allocated in the execution names the block ("bytes
//   [8, 16) of the 64-byte block thread 1 allocated at step 12") instead of
//   its address, which differs between the exploration and a replay.
//
// Each function forwards to glibc's own (__libc_malloc, ...), so the
// allocator itself is glibc's; operator new and delete reach these through
// malloc and free. The archive member is pulled into every program that
// links weft::unmodified by the linker option in CMakeLists.txt (nothing in
// the program refers to it by name otherwise).
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>

#include "absl/container/btree_map.h"
#include "absl/strings/str_cat.h"
#include "weft/detect/happens_before.h"
#include "weft/sync/access.h"
#include "weft/unmodified/control.h"

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void* __libc_valloc(std::size_t size);
void* __libc_pvalloc(std::size_t size);
void __libc_free(void* pointer);
}

namespace weft::detail {
namespace {

using Blocks = absl::btree_map<uintptr_t, HeapBlock>;

// Recording a block allocates (the map's nodes, the shadow's cells): those
// allocations must not come back in. Per weft thread (each has its own TLS),
// which is right: no scheduling point falls inside the hook.
thread_local bool in_allocator_hook = false;

std::string describe_heap_memory(uintptr_t begin, uintptr_t end) {
  Execution* ex = Execution::get_if_any();
  if (ex == nullptr || ex->layer_state() == nullptr) return {};
  const Blocks& blocks = ExecutionTables::of(*ex).heap_blocks();
  auto it = blocks.upper_bound(begin);
  if (it == blocks.begin()) return {};
  --it;
  const auto& [start, block] = *it;
  if (begin >= start + block.size) return {};
  return absl::StrCat("bytes [", begin - start, ", ", end - start, ") of the ", block.size, "-byte block thread ",
                      block.thread, " allocated at step ", block.step);
}

// A new block overlaps no live one: any record it overlaps is of a block
// freed where the hook does not see it (by the scheduler, between threads),
// and must not name this memory.
void record(Blocks& blocks, uintptr_t start, const HeapBlock& block) {
  auto it = blocks.upper_bound(start);
  if (it != blocks.begin() && std::prev(it)->first + std::prev(it)->second.size > start) --it;
  while (it != blocks.end() && it->first < start + block.size) it = blocks.erase(it);
  blocks.emplace(start, block);
}

void* allocated(void* memory, std::size_t size) {
  if (memory == nullptr || in_allocator_hook) return memory;
  Execution* ex = controlling_execution();
  if (ex == nullptr) [[likely]]
    return memory;
  in_allocator_hook = true;
  if (HappensBefore* hb = ex->races()) hb->forget(memory, size);
  record(ExecutionTables::of(*ex).heap_blocks(), reinterpret_cast<uintptr_t>(memory),
         HeapBlock{size, ex->current(), ex->step()});
  in_allocator_hook = false;
  return memory;
}

void freeing(void* memory) {
  if (memory == nullptr || in_allocator_hook) return;
  Execution* ex = controlling_execution();
  if (ex == nullptr) [[likely]]
    return;
  in_allocator_hook = true;
  ExecutionTables::of(*ex).heap_blocks().erase(reinterpret_cast<uintptr_t>(memory));
  in_allocator_hook = false;
}

}  // namespace

void register_heap_describer() { set_memory_describer(describe_heap_memory); }

}  // namespace weft::detail

using weft::detail::allocated;
using weft::detail::freeing;

// glibc's declarations name their parameters with reserved identifiers
// (__size, __ptr); the definitions here use plain names.
// NOLINTBEGIN(readability-inconsistent-declaration-parameter-name)
extern "C" {

// Referred to by the linker option that pulls this file in.
extern const int weft_unmodified_heap_hooks = 1;

void* malloc(std::size_t size) { return allocated(__libc_malloc(size), size); }
void* calloc(std::size_t count, std::size_t size) { return allocated(__libc_calloc(count, size), count * size); }
void* realloc(void* pointer, std::size_t size) {
  freeing(pointer);
  return allocated(__libc_realloc(pointer, size), size);
}
void free(void* pointer) {
  freeing(pointer);
  __libc_free(pointer);
}
void* memalign(std::size_t alignment, std::size_t size) { return allocated(__libc_memalign(alignment, size), size); }
void* aligned_alloc(std::size_t alignment, std::size_t size) {
  return allocated(__libc_memalign(alignment, size), size);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) return 22;  // EINVAL
  void* memory = __libc_memalign(alignment, size);
  if (memory == nullptr) return 12;  // ENOMEM
  *out = allocated(memory, size);
  return 0;
}
void* valloc(std::size_t size) { return allocated(__libc_valloc(size), size); }
void* pvalloc(std::size_t size) { return allocated(__libc_pvalloc(size), size); }

}  // extern "C"
// NOLINTEND(readability-inconsistent-declaration-parameter-name)
