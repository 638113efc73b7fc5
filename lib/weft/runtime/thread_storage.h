// Per weft thread TLS: each weft thread runs with a thread pointer (the
// x86-64 FS base) of its own, so `thread_local`, `errno` and pthread_self()
// are that thread's. The runtime moves the thread pointer on every switch;
// where the TLS blocks come from is the business of a ThreadStorage
// installed once per process (weft::unmodified lends the TCBs of parked
// pthreads, docs/unmodified.md "Thread model").
//
//   class Donors final : public weft::detail::ThreadStorage { ... };
//   weft::detail::set_thread_storage(&donors);   // before any exploration
//
// Without one (every weft:: test) all threads share the OS thread's TLS and
// a switch pays one comparison.
#pragma once

#include <cstdint>

namespace weft::detail {

class ThreadStorage {
 public:
  // A thread pointer for thread `thread` (its id in the execution) that
  // only the caller runs on until release(). Giving thread i the same one
  // each time keeps pthread_self() the same from run to run.
  virtual uintptr_t acquire(int thread) = 0;
  virtual void release(uintptr_t thread_pointer) = 0;
  // Called on a weft thread, already running on its thread pointer, before
  // its function: what a new thread's TLS must look like (fresh variables,
  // errno 0). The runtime then sets its own thread-local state.
  virtual void thread_starting() = 0;
  // Called on a weft thread, still on its thread pointer, after its
  // function returned (or exit_running_thread() ended it) and before its
  // exit step: what a thread's end runs (thread_local and pthread_key
  // destructors). It may reach scheduling points.
  virtual void thread_finishing() = 0;

 protected:
  ~ThreadStorage() = default;
};

// Installs `storage` for every later execution in the process (null: none).
void set_thread_storage(ThreadStorage* storage);
ThreadStorage* thread_storage();

// The thread pointer the calling code runs on.
inline uintptr_t current_thread_pointer() {
#if defined(__x86_64__)
  // glibc's TCB starts with a pointer to itself (THREAD_SELF).
  uintptr_t self;
  asm volatile("mov %%fs:0, %0" : "=r"(self));
  return self;
#else
  return 0;
#endif
}

// Moves the thread pointer: wrfsbase when the kernel enables it, else the
// arch_prctl system call. Aborts where there is no FS base (not x86-64).
void set_thread_pointer(uintptr_t thread_pointer);

}  // namespace weft::detail
