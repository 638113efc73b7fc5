#include "weft/unmodified/control.h"

namespace weft::detail {

ExecutionTables& ExecutionTables::of(Execution& ex) {
  // Kept by the execution, not in a thread_local: each weft thread has TLS
  // of its own.
  void*& tables = ex.layer_state();
  if (tables == nullptr) [[unlikely]] {
    auto* created = new ExecutionTables;
    tables = created;
    CallStacks::register_frames();
    register_heap_describer();
    // Destroyed outside the execution, so a mutex still held by a thread
    // the execution abandoned is not reported as destroyed while held.
    ex.at_end([created] { delete created; });
  }
  return *static_cast<ExecutionTables*>(tables);
}

MutexCore& ExecutionTables::mutex(const pthread_mutex_t* m) {
  std::unique_ptr<MutexCore>& core = mutexes_[m];
  if (core == nullptr) {
    // glibc keeps the type in the mutex itself (PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP
    // and pthread_mutexattr_settype both set it); the low bits are the kind.
    const bool recursive = (m->__data.__kind & 3) == PTHREAD_MUTEX_RECURSIVE_NP;
    core = std::make_unique<MutexCore>(nullptr, recursive);
  }
  return *core;
}

}  // namespace weft::detail
