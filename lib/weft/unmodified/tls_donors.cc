#include "weft/unmodified/tls_donors.h"

#include <link.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "weft/runtime/thread_storage.h"
#include "weft/unmodified/real_pthread.h"

namespace weft::detail {
namespace {

// The program's own TLS segment (its thread_local variables, weft's
// included): the initial image, and where each thread's copy lies relative
// to that thread's pointer (static TLS: the same offset in every thread).
struct ProgramTls {
  const char* image = nullptr;
  std::size_t file_size = 0;
  std::size_t memory_size = 0;
  uintptr_t offset = 0;  // thread pointer minus the block's address
};

ProgramTls find_program_tls() {
  ProgramTls tls;
  // The first object dl_iterate_phdr visits is the program itself.
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* out) {
        auto& found = *static_cast<ProgramTls*>(out);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& segment = info->dlpi_phdr[i];
          if (segment.p_type != PT_TLS || info->dlpi_tls_data == nullptr) continue;
          found.image = reinterpret_cast<const char*>(info->dlpi_addr + segment.p_vaddr);
          found.file_size = segment.p_filesz;
          found.memory_size = segment.p_memsz;
          found.offset = current_thread_pointer() - reinterpret_cast<uintptr_t>(info->dlpi_tls_data);
        }
        return 1;  // the program only
      },
      &tls);
  return tls;
}

// Sleeps on the futex for good, by a raw system call: glibc's syscall()
// would write errno, in the TLS a fiber may be using. All signals are
// blocked (pthread_attr_setsigmask_np), so no handler runs here either.
[[noreturn]] void park_forever(const int* word) {
  for (;;) {
    long result;
    register long timeout asm("r10") = 0;
    asm volatile("syscall"
                 : "=a"(result)
                 : "0"(long{SYS_futex}), "D"(word), "S"(long{FUTEX_WAIT_PRIVATE}), "d"(0L), "r"(timeout)
                 : "rcx", "r11", "memory");
  }
}

struct DonorStart {
  std::atomic<bool> parked{false};
};

const int kNeverWoken = 0;

void* donor_main(void* arg) {
  // Past glibc's thread start-up (which writes this TLS): from here on the
  // thread only sleeps.
  static_cast<DonorStart*>(arg)->parked.store(true, std::memory_order_release);
  park_forever(&kNeverWoken);
}

// Where donor k's stack (and so its TCB, which glibc puts at the top of
// the stack it is given) is placed when that address range is free: the
// same in every process of the same program, so a weft thread's pthread_t,
// which code may hash (std::barrier picks its starting node from
// std::hash<std::thread::id>), is the same in a replay in another process.
// Reserved, not committed: only the pages the TLS and the parked frame touch
// are used.
constexpr uintptr_t kDonorArea = 0x600000000000;
constexpr std::size_t kDonorStackSize = std::size_t{8} << 20;

void* fixed_donor_stack(std::size_t index) {
  void* want = reinterpret_cast<void*>(kDonorArea + index * kDonorStackSize);
  void* got = mmap(want, kDonorStackSize, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  if (got == MAP_FAILED) return nullptr;
  if (got != want) {  // a kernel that does not know MAP_FIXED_NOREPLACE
    munmap(got, kDonorStackSize);
    return nullptr;
  }
  return got;
}

class TlsDonors final : public ThreadStorage {
 public:
  TlsDonors() : program_(find_program_tls()) {}

  // Thread `thread` gets donor `thread` whenever it is free, so a weft
  // thread's pthread_t is the same in every exploration (an exploration on
  // another OS thread at the same time gets others).
  uintptr_t acquire(int thread) override {
    real().mutex_lock(&lock_);
    std::size_t slot = static_cast<std::size_t>(thread);
    while (slot < slots_.size() && slots_[slot].in_use) ++slot;
    while (slots_.size() <= slot) slots_.push_back({start_donor(slots_.size()), false});
    slots_[slot].in_use = true;
    const uintptr_t donor = slots_[slot].donor;
    real().mutex_unlock(&lock_);
    return donor;
  }

  void release(uintptr_t donor) override {
    real().mutex_lock(&lock_);
    for (Slot& slot : slots_) {
      if (slot.donor == donor) slot.in_use = false;
    }
    real().mutex_unlock(&lock_);
  }

  // A new thread's view of the program's thread_local variables: the
  // initial image, zeros after it. (Shared libraries' TLS, glibc's malloc
  // cache and errno's block among it, stays the donor's, as for a thread a
  // pool reuses; errno starts at 0.)
  void thread_starting() override {
    if (program_.image != nullptr) {
      char* block = reinterpret_cast<char*>(current_thread_pointer() - program_.offset);
      std::memcpy(block, program_.image, program_.file_size);
      std::memset(block + program_.file_size, 0, program_.memory_size - program_.file_size);
    }
    errno = 0;
  }

  bool is_donor(pthread_t thread) {
    real().mutex_lock(&lock_);
    const bool found = std::any_of(slots_.begin(), slots_.end(),
                                   [thread](const Slot& slot) { return slot.donor == static_cast<uintptr_t>(thread); });
    real().mutex_unlock(&lock_);
    return found;
  }

 private:
  struct Slot {
    uintptr_t donor;
    bool in_use;
  };

  static uintptr_t start_donor(std::size_t index) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    sigset_t all;
    sigfillset(&all);
    pthread_attr_setsigmask_np(&attr, &all);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (void* stack = fixed_donor_stack(index)) pthread_attr_setstack(&attr, stack, kDonorStackSize);
    DonorStart start;
    pthread_t thread;
    const int error = real().create(&thread, &attr, donor_main, &start);
    pthread_attr_destroy(&attr);
    if (error != 0) {
      std::fprintf(stderr, "weft::unmodified: cannot start a thread to lend its TLS (%s)\n", std::strerror(error));
      std::abort();
    }
    while (!start.parked.load(std::memory_order_acquire)) real().sched_yield();
    // glibc's pthread_t is the thread's TCB, which its thread pointer names.
    return static_cast<uintptr_t>(thread);
  }

  const ProgramTls program_;
  pthread_mutex_t lock_ = PTHREAD_MUTEX_INITIALIZER;
  std::vector<Slot> slots_;  // slot k: donor k
};

TlsDonors& donors() {
  static TlsDonors* pool = new TlsDonors;  // never destroyed: donors outlive main
  return *pool;
}

}  // namespace

void install_tls_donors() { set_thread_storage(&donors()); }

bool is_tls_donor(pthread_t thread) { return donors().is_donor(thread); }

}  // namespace weft::detail
