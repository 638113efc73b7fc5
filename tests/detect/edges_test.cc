// Each happens-before edge on its own: a write before the synchronization
// point and a read after the matching one is clean on every schedule; move
// the write after the synchronization point and it is a race.
#include <array>
#include <mutex>
#include <shared_mutex>

#include "support/test_support.h"

namespace {

using weft::FailureKind;
using weft_test::Body;
using weft_test::contains;
using weft_test::expect_clean_under_every_strategy;
using weft_test::options_with;

constexpr uint64_t kSchedules = 2000;

// The write happens before the synchronization (clean) or after it (race).
enum class Write { kBefore, kAfter };

void expect_edge(const std::function<void(Write)>& body) {
  SCOPED_TRACE("write before the synchronization: clean");
  expect_clean_under_every_strategy([&] { body(Write::kBefore); }, kSchedules);
  SCOPED_TRACE("write after the synchronization: a race");
  const Body racy = [&] { body(Write::kAfter); };
  std::optional<weft::Failure> f = weft::expect_bug(options_with(kSchedules), racy, {FailureKind::kDataRace});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "'x'"));
}

TEST(Edges, Spawn) {
  expect_edge([](Write w) {
    weft::var<int> x{0, "x"};
    if (w == Write::kBefore) x = 1;
    weft::thread t([&] { (void)x.load(); });
    if (w == Write::kAfter) x = 1;
    t.join();
  });
}

TEST(Edges, Join) {
  expect_edge([](Write w) {
    weft::var<int> x{0, "x"};
    weft::thread t([&] { x = 1; });
    if (w == Write::kAfter) (void)x.load();  // before the join: unordered
    t.join();
    (void)x.load();
  });
}

TEST(Edges, MutexUnlockToLock) {
  expect_edge([](Write w) {
    weft::var<int> x{0, "x"};
    weft::mutex m{"m"};
    weft::atomic<bool> done{false};
    weft::thread t([&] {
      if (w == Write::kBefore) x = 1;
      { std::lock_guard l(m); }
      if (w == Write::kAfter) x = 1;
      done.store(true, std::memory_order_relaxed);
    });
    while (!done.load(std::memory_order_relaxed)) weft::this_thread::yield();
    { std::lock_guard l(m); }
    (void)x.load();
    t.join();
  });
}

// A send happens before the receive that gets its value, buffered or not.
void expect_send_to_receive_edge(size_t capacity) {
  expect_edge([capacity](Write w) {
    weft::var<int> x{0, "x"};
    weft::channel<int> ch{capacity, "ch"};
    weft::thread producer([&] {
      if (w == Write::kBefore) x = 1;
      ch.send(7);
      if (w == Write::kAfter) x = 1;
    });
    WEFT_ASSERT(ch.recv() == 7);
    (void)x.load();
    producer.join();
  });
}

TEST(Edges, ChannelSendToReceiveBuffered) { expect_send_to_receive_edge(1); }

TEST(Edges, ChannelSendToReceiveUnbuffered) { expect_send_to_receive_edge(0); }

TEST(Edges, ChannelCloseToReceiveOfClosed) {
  expect_edge([](Write w) {
    weft::var<int> x{0, "x"};
    weft::channel<int> ch{2, "ch"};
    weft::thread producer([&] {
      if (w == Write::kBefore) x = 1;
      ch.close();
      if (w == Write::kAfter) x = 1;
    });
    while (ch.recv()) {
    }
    (void)x.load();
    producer.join();
  });
}

TEST(Edges, ChannelCloseToTryReceiveOfClosed) {
  expect_edge([](Write w) {
    weft::var<int> x{0, "x"};
    weft::channel<int> ch{2, "ch"};
    weft::thread producer([&] {
      if (w == Write::kBefore) x = 1;
      ch.close();
      if (w == Write::kAfter) x = 1;
    });
    // try_recv gives nullopt both while open and empty and once closed;
    // only the closed one is an edge, so wait for close through a recv.
    while (ch.recv()) {
    }
    WEFT_ASSERT(!ch.try_recv().has_value());
    (void)x.load();
    producer.join();
  });
}

// Go: a receive happens-before the completion of the send it makes room
// for. The receiver's write before its receive is ordered before what the
// sender does after its send returns.
TEST(Edges, UnbufferedReceiveToSendCompletion) {
  expect_edge([](Write w) {
    weft::var<int> x{0, "x"};
    weft::channel<int> ch{0, "ch"};
    weft::thread receiver([&] {
      if (w == Write::kBefore) x = 1;
      WEFT_ASSERT(ch.recv() == 7);
      if (w == Write::kAfter) x = 1;
    });
    ch.send(7);
    (void)x.load();
    receiver.join();
  });
}

// A buffered channel of capacity 1 used as a lock: send to enter, receive
// to leave. The next holder's send completes only after the previous
// holder's receive freed the slot.
TEST(Edges, BufferedChannelAsASemaphore) {
  expect_clean_under_every_strategy(
      [] {
        weft::var<int> x{0, "x"};
        weft::channel<int> token{1, "token"};
        const auto critical = [&] {
          token.send(0);
          x = x + 1;
          (void)token.recv();
        };
        weft::thread t(critical);
        critical();
        t.join();
        WEFT_ASSERT(x == 2);
      },
      kSchedules);
}

TEST(Edges, ConditionVariableNotifyToWakeup) {
  expect_edge([](Write w) {
    weft::var<int> x{0, "x"};
    weft::mutex m{"m"};
    weft::condition_variable cv{"cv"};
    weft::atomic<bool> waiting{false};
    weft::thread waiter([&] {
      std::unique_lock l(m);
      waiting.store(true, std::memory_order_relaxed);
      cv.wait(l);  // no predicate: the notifier makes sure this thread waits first
      (void)x.load();
    });
    while (!waiting.load(std::memory_order_relaxed)) weft::this_thread::yield();
    { std::lock_guard l(m); }  // the waiter is inside wait() now: it released m
    // The mutex's clock predates the write below: only the notify can order it.
    if (w == Write::kBefore) x = 1;
    cv.notify_one();
    if (w == Write::kAfter) x = 1;
    waiter.join();
  });
}

TEST(Edges, SemaphoreReleaseToAcquire) {
  expect_edge([](Write w) {
    weft::var<int> x{0, "x"};
    weft::binary_semaphore sem{0, "sem"};
    weft::thread t([&] {
      if (w == Write::kBefore) x = 1;
      sem.release();
      if (w == Write::kAfter) x = 1;
    });
    sem.acquire();
    (void)x.load();
    t.join();
  });
}

TEST(Edges, LatchCountDownToWait) {
  expect_edge([](Write w) {
    weft::var<int> x{0, "x"};
    weft::var<int> y{0, "y"};
    weft::latch done{2, "done"};
    weft::thread a([&] {
      if (w == Write::kBefore) x = 1;
      done.count_down();
      if (w == Write::kAfter) x = 1;
    });
    weft::thread b([&] {
      y = 1;
      done.count_down();
    });
    done.wait();
    (void)x.load();
    (void)y.load();
    a.join();
    b.join();
  });
}

TEST(Edges, BarrierArrivalToRelease) {
  expect_edge([](Write w) {
    std::array<weft::var<int>, 2> slot{weft::var<int>{0, "x"}, weft::var<int>{0, "other"}};
    weft::barrier sync{2};
    weft::thread t([&] {
      if (w == Write::kBefore) slot[0] = 1;
      sync.arrive_and_wait();
      if (w == Write::kAfter) slot[0] = 1;
      (void)slot[1].load();
    });
    slot[1] = 1;
    sync.arrive_and_wait();
    (void)slot[0].load();
    t.join();
  });
}

TEST(Edges, BarrierCompletionHappensBeforeEveryRelease) {
  expect_clean_under_every_strategy(
      [] {
        weft::var<int> result{0, "result"};
        weft::barrier sync{2, [&result]() noexcept { result = 1; }};
        weft::thread t([&] {
          sync.arrive_and_wait();
          WEFT_ASSERT(result == 1);
        });
        sync.arrive_and_wait();
        WEFT_ASSERT(result == 1);
        t.join();
      },
      kSchedules);
}

TEST(Edges, SharedUnlockToExclusiveLock) {
  expect_clean_under_every_strategy(
      [] {
        weft::var<int> x{0, "x"};
        weft::shared_mutex m{"m"};
        weft::thread reader([&] {
          std::shared_lock l(m);
          (void)x.load();
        });
        {
          std::unique_lock l(m);
          x = 1;
        }
        reader.join();
      },
      kSchedules);
}

// Two shared holders are not ordered by the lock: a write under a shared
// lock races with a read under another.
TEST(Edges, SharedLocksDoNotOrderEachOther) {
  const Body body = [] {
    weft::var<int> x{0, "x"};
    weft::shared_mutex m{"m"};
    weft::thread t([&] {
      std::shared_lock l(m);
      x = 1;  // BUG: a write under a shared lock
    });
    {
      std::shared_lock l(m);
      (void)x.load();
    }
    t.join();
  };
  std::optional<weft::Failure> f = weft::expect_bug(options_with(kSchedules), body, {FailureKind::kDataRace});
  ASSERT_TRUE(f.has_value());
}

// Timeouts and spurious wakeups are not notifications: no edge.
TEST(Edges, ConditionVariableTimeoutIsNoEdge) {
  const Body body = [] {
    weft::var<int> x{0, "x"};
    weft::mutex m{"m"};
    weft::condition_variable cv{"cv"};
    weft::thread t([&] {
      x = 1;
      cv.notify_one();  // nobody may be waiting yet: then it is lost
    });
    {
      std::unique_lock l(m);
      if (cv.wait_for(l, std::chrono::milliseconds(5)) == weft::cv_status::timeout) (void)x.load();
    }
    t.join();
  };
  std::optional<weft::Failure> f = weft::expect_bug(options_with(kSchedules), body, {FailureKind::kDataRace});
  ASSERT_TRUE(f.has_value());
}

}  // namespace
