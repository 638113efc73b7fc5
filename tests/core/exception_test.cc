// An exception escaping a weft thread is a kUncaughtException failure of
// that thread (std::thread would call std::terminate). The execution unwinds
// cleanly even when other threads are blocked, and exploration goes on
// normally afterwards. Caught exceptions are nobody's business.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <mutex>
#include <stdexcept>

#include "support/test_support.h"

namespace {

using weft::FailureKind;
using weft_test::contains;
using weft_test::options_with;

// Throws from thread 1 in the schedules where it sees the flag unset.
void throwing_body() {
  weft::atomic<bool> initialized{false, "initialized"};
  weft::thread user([&] {
    if (!initialized.load()) throw std::runtime_error("used before initialization");
  });
  initialized.store(true);
  user.join();
}

TEST(Exception, AnExceptionEscapingAThreadIsReportedForThatThread) {
  const weft::Options options = options_with(2000);
  std::optional<weft::Failure> f = weft::expect_bug(options, throwing_body, {FailureKind::kUncaughtException});
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->message, "uncaught exception in thread 1: used before initialization");
  EXPECT_EQ(f->thread, 1);
}

TEST(Exception, AnExceptionEscapingTheBodyItself) {
  const weft::Options options = options_with(10);
  const weft_test::Body body = [] { throw std::logic_error("body gave up"); };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kUncaughtException});
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->message, "uncaught exception in thread 0: body gave up");
  EXPECT_EQ(f->thread, 0);
  EXPECT_EQ(f->execution, 0u);
}

TEST(Exception, ANonStandardException) {
  const weft::Options options = options_with(10);
  const weft_test::Body body = [] {
    weft::thread t([] { throw 42; });
    t.join();
  };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kUncaughtException});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "uncaught exception of unknown type in thread 1"));
}

TEST(Exception, ThrowingWhileOthersAreBlockedUnwindsEverything) {
  // Thread 1 throws while thread 2 waits for the lock it holds and the body
  // waits in join: the report is the exception (not a deadlock, not a
  // misuse from destructors during the unwinding), and the next explore
  // in the same process works.
  const weft::Options options = options_with(2000);
  int alive = 0;  // Tracked objects constructed and not yet destroyed
  struct Tracked {
    explicit Tracked(int& counter) : count(counter) { ++count; }
    ~Tracked() { --count; }
    int& count;
  };
  const weft_test::Body body = [&alive] {
    weft::mutex m{"m"};
    weft::condition_variable cv;
    weft::thread thrower([&] {
      Tracked t(alive);
      std::lock_guard lock(m);
      weft::this_thread::yield();
      throw std::runtime_error("failed while holding m");
    });
    weft::thread waiter([&] {
      Tracked t(alive);
      std::unique_lock lock(m);
      cv.wait(lock);  // nobody notifies: only unwinding ends this
    });
    thrower.join();
    waiter.join();
  };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kUncaughtException});
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->message, "uncaught exception in thread 1: failed while holding m");
  // Every thread's locals were destroyed, in the failing run and in its
  // replays too.
  EXPECT_EQ(alive, 0);
  weft::expect_no_bug(options_with(500), [] {
    weft::atomic<int> x{0};
    weft::thread t([&] { x.fetch_add(1); });
    t.join();
  });
}

TEST(Exception, CaughtExceptionsAreFine) {
  weft::expect_no_bug(options_with(1000), [] {
    weft::atomic<int> handled{0};
    weft::thread t([&] {
      try {
        throw std::runtime_error("expected");
      } catch (const std::exception&) {
        handled.fetch_add(1);
      }
    });
    t.join();
    WEFT_ASSERT(handled.load() == 1);
  });
}

TEST(Exception, CatchingStdExceptionDoesNotSwallowTheUnwinding) {
  // After a failure weft unwinds the other threads with an exception that
  // is not a std::exception, so user handlers for std::exception must not
  // see it (a retry loop around them would otherwise keep running).
  const weft::Options options = options_with(2000);
  int swallowed = 0;
  const weft_test::Body body = [&swallowed] {
    weft::atomic<int> x{0, "x"};
    weft::thread busy([&] {
      for (int i = 0; i < 20; ++i) {
        try {
          x.fetch_add(1);
        } catch (const std::exception&) {
          ++swallowed;
        }
      }
    });
    WEFT_ASSERT_MSG(x.load() < 3, "busy got ahead");
    busy.join();
  };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kAssertion});
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(swallowed, 0);
}

}  // namespace
