// A descriptor handed over between threads, and taken back on a timeout.
//
// Pattern: a listener accepts a connection and offers its descriptor to a
//   worker through a one-slot mailbox. The worker polls the mailbox a few
//   times. If no worker has taken it when the listener's timeout expires,
//   the listener takes the descriptor back and closes it itself.
// Bug: taking it back is a check-then-act: `if (mailbox == fd) { mailbox =
//   -1; close(fd); }`. A worker that takes the descriptor between the
//   check and the store works on a descriptor the listener then closes.
//   The window is one step, after a timeout that (in weft's virtual time)
//   may fire at any point while the worker is busy.
// Fix: take it back with exchange, so exactly one of them owns it.
#include <weft/weft.h>

#include <array>
#include <chrono>

#include "bugs/program.h"

namespace {

using namespace std::chrono_literals;

class Descriptors {
 public:
  int open(int fd) {
    open_[fd].store(true);
    return fd;
  }
  void use(int fd) { WEFT_ASSERT_MSG(open_[fd].load(), "a worker used a descriptor that was closed under it"); }
  void close(int fd) { WEFT_ASSERT_MSG(open_[fd].exchange(false), "a descriptor was closed twice"); }

 private:
  std::array<weft::atomic<bool>, 4> open_{};
};

template <bool kTakeBackByExchange>
void offer_with_timeout() {
  Descriptors fds;
  weft::atomic<int> mailbox{-1, "mailbox"};
  weft::thread worker([&] {
    for (int poll = 0; poll < 3; ++poll) {
      const int fd = mailbox.exchange(-1);
      if (fd >= 0) {
        fds.use(fd);
        fds.close(fd);
        return;
      }
      weft::this_thread::yield();
    }
  });
  const int fd = fds.open(3);
  mailbox.store(fd);
  weft::this_thread::sleep_for(5ms);  // the worker's time to take it
  if constexpr (kTakeBackByExchange) {
    if (mailbox.exchange(-1) == fd) fds.close(fd);
  } else if (mailbox.load() == fd) {
    mailbox.store(-1);
    fds.close(fd);
  }
  worker.join();
}

}  // namespace

WEFT_BUG_PROGRAM(descriptor_handoff,
                 {.name = "corpus/descriptor_handoff",
                  .what = "a descriptor taken back on timeout by check-then-act while a worker takes it",
                  .buggy = offer_with_timeout<false>,
                  .fixed = offer_with_timeout<true>,
                  .kinds = {weft::FailureKind::kAssertion}});
