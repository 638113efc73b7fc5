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

#include "weft/runtime/execution.h"
#include "weft/runtime/thread_storage.h"
#include "weft/unmodified/real_pthread.h"
#include "weft/unmodified/thread_exit.h"

namespace weft::detail {
namespace {

// A module's TLS segment (its thread_local variables): the initial image,
// and where each thread's copy lies relative to that thread's pointer
// (static TLS, as for every module loaded with the program: the same offset
// in every thread).
struct TlsSegment {
  const char* image = nullptr;
  std::size_t file_size = 0;
  std::size_t memory_size = 0;
  uintptr_t offset = 0;  // thread pointer minus the block's address
};

// The segments a new thread gets afresh, as glibc gives a new thread all
// of them: the program's (weft's own thread-local state among it) and every
// shared library's loaded with it (libstdc++'s exception globals, a
// thread_local of a library under test), except glibc's own. glibc's holds
// its malloc cache, which it hands back when a real thread ends; reset, the
// cache would leak at every thread. (errno, in glibc's, is reset alone.)
std::vector<TlsSegment> find_fresh_tls() {
  struct Search {
    uintptr_t errno_at = reinterpret_cast<uintptr_t>(&errno);
    std::vector<TlsSegment> found;
  } search;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* out) {
        auto& s = *static_cast<Search*>(out);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& segment = info->dlpi_phdr[i];
          if (segment.p_type != PT_TLS || info->dlpi_tls_data == nullptr) continue;
          const auto block = reinterpret_cast<uintptr_t>(info->dlpi_tls_data);
          if (s.errno_at >= block && s.errno_at < block + segment.p_memsz) continue;  // glibc's
          s.found.push_back({.image = reinterpret_cast<const char*>(info->dlpi_addr + segment.p_vaddr),
                             .file_size = segment.p_filesz,
                             .memory_size = segment.p_memsz,
                             .offset = current_thread_pointer() - block});
        }
        return 0;  // every module
      },
      &search);
  return search.found;
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
  TlsDonors() : fresh_(find_fresh_tls()) {}

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

  // A new thread's TLS: every segment but glibc's from its initial image
  // (zeros after it), errno 0, and no pthread_key values (they live in the
  // TCB, and a thread abandoned by a failed execution may have left some).
  void thread_starting() override {
    const uintptr_t self = current_thread_pointer();
    for (const TlsSegment& segment : fresh_) {
      char* block = reinterpret_cast<char*>(self - segment.offset);
      std::memcpy(block, segment.image, segment.file_size);
      std::memset(block + segment.file_size, 0, segment.memory_size - segment.file_size);
    }
    errno = 0;
    clear_thread_specific_values();
  }

  // A thread's end: its thread_local and pthread_key destructors.
  void thread_finishing() override { run_thread_end_destructors(Execution::get()); }

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

  const std::vector<TlsSegment> fresh_;
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
