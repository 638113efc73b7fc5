#include "weft/unmodified/control.h"

#include <new>

namespace weft::detail {

namespace {

// More atomics than a test body is likely to use in one execution.
constexpr size_t kKeptAtomicClocks = 4096;

}  // namespace

ExecutionTables& ExecutionTables::first_use(Execution& ex) {
  std::shared_ptr<void>& kept = ex.layer_cache();
  if (kept == nullptr) {
    // Allocating goes through the heap hook, which records the block in
    // these tables: that nested call makes tables of its own and sets
    // everything up. This call's are then dropped.
    auto made = std::make_shared<ExecutionTables>();
    if (ex.layer_state() != nullptr) return *static_cast<ExecutionTables*>(ex.layer_state());
    kept = std::move(made);
  }
  auto* tables = static_cast<ExecutionTables*>(kept.get());
  // Kept by the execution, not in a thread_local: each weft thread has TLS
  // of its own.
  ex.layer_state() = tables;
  CallStacks::register_frames();
  register_heap_describer();
  // Emptied outside the execution, so a mutex still held by a thread the
  // execution abandoned is not reported as destroyed while held.
  ex.at_end([tables] { tables->clear(); });
  return *tables;
}

void ExecutionTables::clear() {
  // In the order destruction would take (the reverse of the declarations).
  heap_blocks_.clear();
  call_stacks_.restart();
  results_.clear();
  semaphores_.clear();
  futexes_.clear();
  once_gates_.clear();
  rwlocks_.clear();
  // An atomic's clock names the execution that wrote it (its generation),
  // and the next execution's detector ignores a clock of an earlier one: it
  // may stay. The next execution's atomics, mostly at the same addresses,
  // then find theirs instead of allocating a node each. Emptied when atomics
  // at addresses that change from one execution to the next pile up.
  if (atomic_clocks_.size() > kKeptAtomicClocks) {
    atomic_clocks_.clear();
    recent_clocks_.clear();
  }
  conditions_.clear();
  destroy_mutexes();
}

void ExecutionTables::destroy_mutexes() {
  // The cache holds only mutexes of the table: with none, nothing to empty
  // (the common case of a body without pthread mutexes).
  if (mutexes_.empty()) return;
  for (const auto& [address, core] : mutexes_) core->~MutexCore();
  mutexes_.clear();
  recent_mutexes_.clear();
  mutex_slots_used_ = 0;
}

MutexCore& ExecutionTables::find_or_make_mutex(const pthread_mutex_t* m) {
  MutexCore*& core = mutexes_[m];
  if (core == nullptr) {
    // glibc keeps the type in the mutex itself (PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP
    // and pthread_mutexattr_settype both set it); the low bits are the kind.
    const bool recursive = (m->__data.__kind & 3) == PTHREAD_MUTEX_RECURSIVE_NP;
    if (mutex_slots_used_ == mutex_slots_.size()) mutex_slots_.push_back(std::make_unique<MutexSlot>());
    core = new (mutex_slots_[mutex_slots_used_++]->bytes) MutexCore(nullptr, recursive);
  }
  recent_mutexes_.remember(m, core);
  return *core;
}

SyncClock& ExecutionTables::find_or_make_atomic_clock(const void* address) {
  SyncClock& clock = atomic_clocks_[address];  // a node map: the clock does not move
  recent_clocks_.remember(address, &clock);
  return clock;
}

}  // namespace weft::detail
