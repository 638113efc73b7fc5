#include "weft/unmodified/tls_donors.h"

#include <link.h>
#include <linux/futex.h>
#include <signal.h>
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

class TlsDonors final : public ThreadStorage {
 public:
  TlsDonors() : program_(find_program_tls()) {}

  uintptr_t acquire() override {
    real().mutex_lock(&lock_);
    uintptr_t donor = 0;
    if (!free_.empty()) {
      donor = free_.back();
      free_.pop_back();
    }
    real().mutex_unlock(&lock_);
    if (donor == 0) donor = start_donor();
    return donor;
  }

  void release(uintptr_t donor) override {
    real().mutex_lock(&lock_);
    free_.push_back(donor);
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
    const bool found = std::find(all_.begin(), all_.end(), static_cast<uintptr_t>(thread)) != all_.end();
    real().mutex_unlock(&lock_);
    return found;
  }

 private:
  uintptr_t start_donor() {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    sigset_t all;
    sigfillset(&all);
    pthread_attr_setsigmask_np(&attr, &all);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
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
    const auto donor = static_cast<uintptr_t>(thread);
    real().mutex_lock(&lock_);
    all_.push_back(donor);
    real().mutex_unlock(&lock_);
    return donor;
  }

  const ProgramTls program_;
  pthread_mutex_t lock_ = PTHREAD_MUTEX_INITIALIZER;
  std::vector<uintptr_t> free_;
  std::vector<uintptr_t> all_;
};

TlsDonors& donors() {
  static TlsDonors* pool = new TlsDonors;  // never destroyed: donors outlive main
  return *pool;
}

}  // namespace

void install_tls_donors() { set_thread_storage(&donors()); }

bool is_tls_donor(pthread_t thread) { return donors().is_donor(thread); }

}  // namespace weft::detail
