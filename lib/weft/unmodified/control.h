// Whether a call from instrumented or interposed code is weft's to control,
// and the state weft keeps for the pthread objects and atomics it meets.
//
//   if (Execution* ex = controlling_execution()) {   // on a weft thread
//     ExecutionTables::of(*ex).mutex(m).lock({}, pc);
//   } else {
//     real().mutex_lock(m);                            // anything else
//   }
//
// A call is controlled when it runs on a weft thread of an execution; calls
// from the OS thread's own context (the explorer between executions,
// GoogleTest) and from other OS threads (the stall watchdog) are not.
#pragma once

#include <limits.h>
#include <pthread.h>

#include <cstddef>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "weft/detect/vector_clock.h"
#include "weft/runtime/execution.h"
#include "weft/sync/mutex_core.h"
#include "weft/sync/semaphore.h"
#include "weft/sync/shared_mutex.h"
#include "weft/sync/wait_queue.h"
#include "weft/unmodified/call_stacks.h"
#include "weft/unmodified/heap_blocks.h"
#include "weft/unmodified/pthread_barrier.h"
#include "weft/unmodified/recent_cache.h"

namespace weft::detail {

// An execution that runs unmodified code is never unwound: its threads are
// abandoned when it aborts (see Execution::abandon_on_abort).
inline Execution* controlling_execution() {
  Execution* ex = Execution::get_if_any();
  if (ex == nullptr || !ex->in_weft_thread()) [[likely]]
    return nullptr;
  ex->abandon_on_abort();
  return ex;
}

// Resolves the real pthread functions; defined with the interposers.
void install_pthread_interposers();

// Makes race reports name the heap blocks of the running execution
// (heap_intercept.cc).
void register_heap_describer();

// A thread_local object's destructor, as __cxa_thread_atexit_impl gets it.
struct ThreadLocalDestructor {
  void (*destroy)(void*) = nullptr;
  void* object = nullptr;
};

// weft's stand-ins for the pthread objects and atomics an execution uses,
// by address, and what it records of the threads' calls and allocations.
// They live for one execution: created on first use, emptied when it ends
// (the user's objects are never touched while controlled; atomics' clocks,
// which name their execution, stay), the emptied
// tables kept for the exploration's next execution (Execution::layer_cache),
// so the maps keep their memory and the call-site tree its nodes. Kept by
// the execution, never in a thread_local: each weft thread has TLS of its own.
class ExecutionTables {
 public:
  ExecutionTables() = default;
  ~ExecutionTables() { destroy_mutexes(); }
  ExecutionTables(const ExecutionTables&) = delete;
  ExecutionTables& operator=(const ExecutionTables&) = delete;

  static ExecutionTables& of(Execution& ex) {
    if (void* tables = ex.layer_state()) [[likely]]
      return *static_cast<ExecutionTables*>(tables);
    return first_use(ex);
  }

  // A pthread mutex's stand-in, by its address; the mutexes used last are
  // found without a hash lookup.
  MutexCore& mutex(const pthread_mutex_t* m) {
    if (MutexCore* core = recent_mutexes_.find(m)) [[likely]]
      return *core;
    return find_or_make_mutex(m);
  }
  WaitQueue& condition(const pthread_cond_t* c) { return conditions_[c]; }
  // An atomic's clock, by its address. Kept from one execution to the next
  // (see clear()); the atomics used last are found without a hash lookup.
  SyncClock& atomic_clock(const volatile void* a) {
    const void* address = const_cast<const void*>(a);
    if (SyncClock* clock = recent_clocks_.find(address)) [[likely]]
      return *clock;
    return find_or_make_atomic_clock(address);
  }
  weft::shared_mutex& rwlock(const pthread_rwlock_t* rw) { return rwlocks_[rw]; }
  // The mutex that lets callers of pthread_once through one at a time.
  MutexCore& once_gate(const pthread_once_t* once) {
    auto it = once_gates_.find(once);
    if (it == once_gates_.end()) it = once_gates_.try_emplace(once, "pthread_once", /*recursive=*/false).first;
    return it->second;
  }
  WaitQueue& futex(const void* word) { return futexes_[word]; }
  // A pthread spin lock, by its address: a mutex spin_intercept.cc only
  // try-locks.
  MutexCore& spin_lock(const void* lock) {
    auto it = spin_locks_.find(lock);
    if (it == spin_locks_.end()) it = spin_locks_.try_emplace(lock, "pthread_spinlock", /*recursive=*/false).first;
    return it->second;
  }
  // A pthread barrier of `count` threads, made on first use.
  PthreadBarrier& barrier(const pthread_barrier_t* b, unsigned count) {
    return barriers_.try_emplace(b, count).first->second;
  }
  PthreadBarrier* find_barrier(const pthread_barrier_t* b) {
    auto it = barriers_.find(b);
    return it == barriers_.end() ? nullptr : &it->second;
  }
  // `initial()`: the count it starts from, asked on first use only.
  template <typename Initial>
  SemaphoreCore& semaphore(const void* sem, Initial initial) {
    auto it = semaphores_.find(sem);
    if (it == semaphores_.end()) it = semaphores_.try_emplace(sem, initial(), SEM_VALUE_MAX, nullptr).first;
    return it->second;
  }
  // An object initialized or destroyed at `address` inside the execution:
  // the next use starts afresh. (Destroying a held rwlock is reported.)
  void forget(const void* address) {
    rwlocks_.erase(address);
    semaphores_.erase(address);
    spin_locks_.erase(address);
    barriers_.erase(address);
  }

  // Threads detached (pthread_detach, or created detached): not joinable.
  void set_detached(ThreadId thread) { detached_.insert(thread); }
  bool detached(ThreadId thread) const { return detached_.contains(thread); }

  // What a thread started by pthread_create returned, for pthread_join.
  void set_result(ThreadId thread, void* result) { results_[thread] = result; }
  void* result(ThreadId thread) const {
    const auto it = results_.find(thread);
    return it == results_.end() ? nullptr : it->second;
  }

  // The thread_local destructors `thread` registered, oldest first
  // (thread_exit.cc). A reference stays valid while others are added.
  std::vector<ThreadLocalDestructor>& thread_local_destructors(ThreadId thread) {
    return thread_local_destructors_[thread];
  }

  // Every weft thread's call stack (__tsan_func_entry/exit).
  CallStacks& call_stacks() { return call_stacks_; }
  // The blocks allocated on weft threads.
  HeapBlocks& heap_blocks() { return heap_blocks_; }

 private:
  // The execution's first call: takes the exploration's tables (made on the
  // first execution) and empties them when the execution ends.
  static ExecutionTables& first_use(Execution& ex);
  // What destroying the tables would do, keeping their memory.
  void clear();
  // Ends every MutexCore; their slots are free for the next execution's.
  void destroy_mutexes();
  // The misses of the caches, out of line so that a hit saves no registers.
  MutexCore& find_or_make_mutex(const pthread_mutex_t* m);
  SyncClock& find_or_make_atomic_clock(const void* address);

  // A mutex's MutexCore lives in a slot of mutex_slots_ (one execution's
  // mutexes take the first mutex_slots_used_ of them), so the next execution
  // makes its mutexes without allocating: a pthread mutex is as cheap to
  // start using as a weft::mutex, which is an object of the body.
  absl::flat_hash_map<const void*, MutexCore*> mutexes_;
  struct MutexSlot {
    alignas(MutexCore) std::byte bytes[sizeof(MutexCore)];
  };
  std::vector<std::unique_ptr<MutexSlot>> mutex_slots_;
  size_t mutex_slots_used_ = 0;
  // A cache of mutexes_, emptied with it: a slot outlives its MutexCore.
  RecentCache<MutexCore, 4> recent_mutexes_;
  absl::node_hash_map<const void*, WaitQueue> conditions_;
  absl::node_hash_map<const void*, SyncClock> atomic_clocks_;
  // A cache of atomic_clocks_, emptied with it.
  RecentCache<SyncClock, 6> recent_clocks_;
  absl::node_hash_map<const void*, weft::shared_mutex> rwlocks_;
  absl::node_hash_map<const void*, MutexCore> once_gates_;
  absl::node_hash_map<const void*, WaitQueue> futexes_;
  absl::node_hash_map<const void*, SemaphoreCore> semaphores_;
  absl::node_hash_map<const void*, MutexCore> spin_locks_;
  absl::node_hash_map<const void*, PthreadBarrier> barriers_;
  absl::flat_hash_set<ThreadId> detached_;
  absl::flat_hash_map<ThreadId, void*> results_;
  absl::node_hash_map<ThreadId, std::vector<ThreadLocalDestructor>> thread_local_destructors_;
  CallStacks call_stacks_;
  HeapBlocks heap_blocks_;
};

}  // namespace weft::detail
