// A worker pool whose shutdown races with a submit.
//
// Pattern: submit() puts a task on a queue (mutex + condition variable) and
//   says whether it was accepted; workers take tasks until the pool is
//   stopping and the queue is empty; shutdown() sets `stopping`, wakes the
//   workers and joins them. A caller may rely on an accepted task running.
// Bug: submit checks `stopping` (an atomic) before taking the lock to
//   queue the task. Between the check and the push, shutdown sets the flag
//   and the workers, finding the queue empty, exit: the task is accepted
//   and never runs. No data race: the flag is atomic, the queue is locked.
// Fix: check `stopping` under the lock that guards the queue, so a submit
//   either comes before the shutdown (and the workers drain it) or is
//   refused.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "bugs/program.h"
#include "expect_bug.h"

namespace {

template <bool kCheckUnderTheLock>
class WorkerPool {
 public:
  explicit WorkerPool(int workers) {
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
  }

  bool submit(std::function<void()> task) {
    if constexpr (!kCheckUnderTheLock) {
      if (stopping_.load()) return false;  // BUG: checked before the lock...
    }
    {
      std::lock_guard lock(m_);
      if (kCheckUnderTheLock && stopping_.load()) return false;
      queue_.push_back(std::move(task));  // ...and the workers may be gone by now
    }
    ready_.notify_one();
    return true;
  }

  void shutdown() {
    {
      std::lock_guard lock(m_);
      stopping_.store(true);
    }
    ready_.notify_all();
    for (weft::thread& t : threads_) t.join();
  }

 private:
  void work() {
    std::unique_lock lock(m_);
    while (true) {
      ready_.wait(lock, [&] { return !queue_.empty() || stopping_.load(); });
      if (queue_.empty()) return;  // stopping, and nothing left
      std::function<void()> task = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      task();
      lock.lock();
    }
  }

  weft::mutex m_{"pool"};
  weft::condition_variable ready_{"ready"};
  weft::atomic<bool> stopping_{false, "stopping"};
  std::deque<std::function<void()>> queue_;
  std::vector<weft::thread> threads_;
};

template <bool kCheckUnderTheLock>
void submit_racing_shutdown() {
  WorkerPool<kCheckUnderTheLock> pool(1);
  weft::atomic<bool> ran{false, "ran"};
  bool accepted = false;
  weft::thread client([&] { accepted = pool.submit([&] { ran.store(true); }); });
  pool.shutdown();
  client.join();
  WEFT_ASSERT_MSG(!accepted || ran.load(), "a task was accepted and never ran");
}

}  // namespace

// Budget 2,000; the executions to the bug are printed by the test.
TEST(WorkerPool, FindsAnAcceptedTaskThatNeverRuns) {
  examples::expect_bug(examples::budget(2000), submit_racing_shutdown<false>, {weft::FailureKind::kAssertion},
                       "accepted and never ran");
}

WEFT_TEST_WITH(WorkerPool, CheckingUnderTheLockRunsEveryAcceptedTask, weft::Options{.iterations = 2000}) {
  submit_racing_shutdown<true>();
}

WEFT_BUG_PROGRAM(worker_pool_shutdown, {.name = "examples/worker_pool_shutdown",
                                        .what = "submit checks the stop flag before the queue's lock",
                                        .buggy = submit_racing_shutdown<false>,
                                        .fixed = submit_racing_shutdown<true>,
                                        .kinds = {weft::FailureKind::kAssertion}});

WEFT_TEST(WorkerPool, DISABLED_SubmitRacingShutdown) { submit_racing_shutdown<false>(); }
