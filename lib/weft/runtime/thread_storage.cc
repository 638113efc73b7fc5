#include "weft/runtime/thread_storage.h"

#include <cstdio>
#include <cstdlib>

#if defined(__x86_64__)
#include <asm/prctl.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace weft::detail {
namespace {

ThreadStorage* installed = nullptr;

#if defined(__x86_64__)
#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif
// wrfsbase faults unless the kernel enabled it (Linux 5.9 and later, on
// CPUs that have it); it says so in AT_HWCAP2.
const bool kWrfsbase = (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0;
#endif

}  // namespace

void set_thread_storage(ThreadStorage* storage) { installed = storage; }
ThreadStorage* thread_storage() { return installed; }

void set_thread_pointer(uintptr_t thread_pointer) {
#if defined(__x86_64__)
  if (kWrfsbase) [[likely]] {
    asm volatile("wrfsbase %0" ::"r"(thread_pointer) : "memory");
  } else {
    syscall(SYS_arch_prctl, ARCH_SET_FS, thread_pointer);
  }
#else
  (void)thread_pointer;
  std::fputs("weft: per-thread TLS needs x86-64 (the FS base)\n", stderr);
  std::abort();
#endif
}

}  // namespace weft::detail
