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
#include <optional>
#include <string>

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

// Recording a block allocates (the map's memory, the shadow's cells): those
// allocations must not come back in. Per weft thread (each has its own TLS),
// which is right: no scheduling point falls inside the hook.
thread_local bool in_allocator_hook = false;
// Inside HeapBlocks::record, whose map may free its old memory: the map must
// not be touched then. (It frees only memory allocated inside the hook,
// which is never recorded.)
thread_local bool recording = false;

std::string describe_heap_memory(uintptr_t begin, uintptr_t end) {
  Execution* ex = Execution::get_if_any();
  if (ex == nullptr || ex->layer_state() == nullptr) return {};
  const std::optional<HeapBlocks::Found> found = ExecutionTables::of(*ex).heap_blocks().containing(begin);
  if (!found) return {};
  const auto& [start, block] = *found;
  return absl::StrCat("bytes [", begin - start, ", ", end - start, ") of the ", block.size, "-byte block thread ",
                      block.thread, " allocated at step ", block.step);
}

void* allocated(void* memory, std::size_t size) {
  if (memory == nullptr || in_allocator_hook) return memory;
  Execution* ex = controlling_execution();
  if (ex == nullptr) [[likely]]
    return memory;
  in_allocator_hook = true;
  if (HappensBefore* hb = ex->races()) hb->forget(memory, size);
  recording = true;
  ExecutionTables::of(*ex).heap_blocks().record(reinterpret_cast<uintptr_t>(memory),
                                                HeapBlock{size, ex->current(), ex->step()});
  recording = false;
  in_allocator_hook = false;
  return memory;
}

// Every free during the execution drops the block's record, wherever it
// runs: on a weft thread, inside the hook (the detector's `forget` frees
// cells that a weft thread allocated) or in the scheduler's own context (a
// thread's state reclaimed). A block freed unseen would leave a record that
// names memory no longer its own. Outside any execution (the tables are
// emptied when it ends) there is nothing to drop.
void freeing(void* memory) {
  if (memory == nullptr || recording) return;
  Execution* ex = Execution::get_if_any();
  if (ex == nullptr || ex->layer_state() == nullptr) [[likely]]
    return;
  ExecutionTables::of(*ex).heap_blocks().erase(reinterpret_cast<uintptr_t>(memory));
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
