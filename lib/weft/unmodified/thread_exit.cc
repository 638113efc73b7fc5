#include "weft/unmodified/thread_exit.h"

#include <limits.h>
#include <pthread.h>

#include <atomic>
#include <vector>

#include "weft/unmodified/control.h"
#include "weft/unmodified/real_pthread.h"

namespace weft::detail {
namespace {

using KeyDestructor = void (*)(void*);

// Every live key and its destructor, process-wide as keys are. A fixed
// table indexed by key (glibc's keys are indices below PTHREAD_KEYS_MAX):
// constant-initialized, so a key created by another library's static
// constructor before this file's run is recorded too, and read without a
// lock.
struct KeySlot {
  std::atomic<bool> live{false};
  std::atomic<KeyDestructor> destructor{nullptr};
};
constinit KeySlot key_slots[PTHREAD_KEYS_MAX];
constinit std::atomic<unsigned> key_bound{0};  // above the highest key ever made

void record_key(pthread_key_t key, KeyDestructor destructor) {
  if (key >= PTHREAD_KEYS_MAX) return;
  key_slots[key].destructor.store(destructor, std::memory_order_relaxed);
  key_slots[key].live.store(true, std::memory_order_release);
  unsigned bound = key_bound.load(std::memory_order_relaxed);
  while (bound <= key && !key_bound.compare_exchange_weak(bound, key + 1, std::memory_order_release)) {
  }
}

// One round of glibc's __nptl_deallocate_tsd: each key with a value, in
// key order, is set to null and its destructor called on the value.
// Returns whether any key had a value.
bool destroy_key_values_once() {
  bool any = false;
  for (unsigned key = 0; key < key_bound.load(std::memory_order_acquire); ++key) {
    if (!key_slots[key].live.load(std::memory_order_acquire)) continue;
    void* value = pthread_getspecific(key);
    if (value == nullptr) continue;
    any = true;
    pthread_setspecific(key, nullptr);
    if (KeyDestructor destroy = key_slots[key].destructor.load(std::memory_order_relaxed)) destroy(value);
  }
  return any;
}

}  // namespace

void clear_thread_specific_values() {
  for (unsigned key = 0; key < key_bound.load(std::memory_order_acquire); ++key) {
    if (key_slots[key].live.load(std::memory_order_acquire) && pthread_getspecific(key) != nullptr) {
      pthread_setspecific(key, nullptr);
    }
  }
}

void run_thread_end_destructors(Execution& ex) {
  // glibc's start_thread: __call_tls_dtors, then __nptl_deallocate_tsd.
  // Nothing registered means no tables: do not make them.
  if (ex.layer_state() != nullptr) {
    std::vector<ThreadLocalDestructor>& registered = ExecutionTables::of(ex).thread_local_destructors(ex.current());
    while (!registered.empty()) {
      // Newest first; a destructor may register another (run next).
      const ThreadLocalDestructor last = registered.back();
      registered.pop_back();
      last.destroy(last.object);
    }
  }
  for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; ++round) {
    if (!destroy_key_values_once()) return;
  }
  clear_thread_specific_values();  // what destructors set in the last round
}

}  // namespace weft::detail

using weft::detail::controlling_execution;
using weft::detail::Execution;
using weft::detail::ExecutionTables;
using weft::detail::real;

// NOLINTBEGIN(readability-inconsistent-declaration-parameter-name)
extern "C" {

// glibc's, which libstdc++'s __cxa_thread_atexit (what compilers call for a
// thread_local with a destructor) forwards to: interposed here, it catches
// the thread_local variables of the program and of every shared library.
// glibc keeps the list in its own TLS and runs it when a real thread ends;
// a weft thread's end is weft's, so its list is kept by the execution.
int __cxa_thread_atexit_impl(void (*destroy)(void*), void* object, void* dso_symbol) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) return real().thread_atexit_impl(destroy, object, dso_symbol);
  ExecutionTables::of(*ex).thread_local_destructors(ex->current()).push_back({destroy, object});
  return 0;
}

// Keys are process-wide: every creation is glibc's, and recorded (with its
// destructor) wherever it happens, for the weft threads' ends.
// Ends a weft thread as glibc ends a real one, without glibc's
// cancellation machinery, which would longjmp to the start_thread frame of
// the TLS donor (its jump buffer is in the TCB the weft thread borrows):
// the runtime unwinds the fiber by a forced unwind of its own up to the
// thread's base (Execution::exit_running_thread), so destructors run and a
// catch (...) on the way must rethrow, as under glibc; the thread's end
// (thread_local and key destructors) follows, and a joiner gets `result`.
// Not a scheduling point: nothing is published until the exit step.
void pthread_exit(void* result) {
  Execution* ex = controlling_execution();
  if (ex == nullptr) {
    real().exit(result);
    __builtin_unreachable();
  }
  ExecutionTables::of(*ex).set_result(ex->current(), result);
  ex->exit_running_thread();
}

int pthread_key_create(pthread_key_t* key, void (*destructor)(void*)) {
  const int result = real().key_create(key, destructor);
  if (result == 0) weft::detail::record_key(*key, destructor);
  return result;
}

int pthread_key_delete(pthread_key_t key) {
  const int result = real().key_delete(key);
  if (result == 0 && key < PTHREAD_KEYS_MAX) {
    weft::detail::key_slots[key].live.store(false, std::memory_order_release);
  }
  return result;
}

}  // extern "C"
// NOLINTEND(readability-inconsistent-declaration-parameter-name)
