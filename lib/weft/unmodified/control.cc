#include "weft/unmodified/control.h"

namespace weft::detail {
namespace {

// The tables of the execution running on this OS thread. (Per OS thread,
// like Execution's own pointer; per-fiber TLS will have to reach it the
// same way the runtime reaches its execution.)
thread_local ExecutionTables* current_tables = nullptr;

}  // namespace

ExecutionTables& ExecutionTables::of(Execution& ex) {
  if (current_tables == nullptr) {
    current_tables = new ExecutionTables;
    // Destroyed outside the execution, so a mutex still held by a thread
    // the execution abandoned is not reported as destroyed while held.
    ex.at_end([] { delete std::exchange(current_tables, nullptr); });
  }
  return *current_tables;
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
