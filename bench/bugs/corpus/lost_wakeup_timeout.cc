// A lost wakeup hidden behind a timeout: no deadlock to report, only a
// client that gives up on a reply that had arrived.
//
// Pattern: a client sends a request and waits on a condition variable, with
//   a timeout, for the server's reply; the server sets `replied` under the
//   mutex and notifies.
// Bug: the client checks `replied` before taking the mutex. If the server
//   replies and notifies between that check and the wait, the notify finds
//   nobody waiting and is lost. Without the timeout this would be a
//   deadlock, which weft reports at once; with it, the client waits out the
//   timeout and reports the server as unresponsive although its reply is
//   there.
// Fix: check the predicate under the mutex, in the wait itself.
#include <weft/weft.h>

#include <chrono>
#include <mutex>

#include "bugs/program.h"

namespace {

using namespace std::chrono_literals;

template <bool kCheckUnderTheLock>
void request_reply() {
  weft::mutex m{"m"};
  weft::condition_variable cv{"replied_cv"};
  weft::atomic<bool> replied{false, "replied"};
  weft::thread server([&] {
    {
      std::scoped_lock lock(m);
      replied.store(true);
    }
    cv.notify_one();
  });
  if constexpr (kCheckUnderTheLock) {
    std::unique_lock lock(m);
    if (!cv.wait_for(lock, 50ms, [&] { return replied.load(); })) {
      WEFT_ASSERT_MSG(!replied.load(), "the client gave up on a reply that had arrived");
    }
  } else if (!replied.load()) {
    std::unique_lock lock(m);
    if (cv.wait_for(lock, 50ms) == std::cv_status::timeout) {
      WEFT_ASSERT_MSG(!replied.load(), "the client gave up on a reply that had arrived: its wakeup was lost");
    }
  }
  server.join();
}

}  // namespace

WEFT_BUG_PROGRAM(lost_wakeup_timeout,
                 {.name = "corpus/lost_wakeup_timeout",
                  .what = "a notify lost before a timed wait: the client times out on a reply that arrived",
                  .buggy = request_reply<false>,
                  .fixed = request_reply<true>,
                  .kinds = {weft::FailureKind::kAssertion}});
