// weft::shared_mutex: readers share, writers exclude everyone, under many
// schedules; and that sharing really happens in some of them.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <algorithm>
#include <mutex>
#include <shared_mutex>

#include "support/test_support.h"

namespace {

using weft_test::options_with;

TEST(SharedMutex, ReadersShareAndWritersExclude) {
  int most_readers_at_once = 0;
  weft::expect_no_bug(options_with(3000), [&most_readers_at_once] {
    weft::shared_mutex m{"rw"};
    weft::atomic<int> readers{0}, writers{0};
    weft::var<int> data{0, "data"};  // guarded by m
    auto read = [&] {
      std::shared_lock lock(m);
      const int now = readers.fetch_add(1) + 1;
      most_readers_at_once = std::max(most_readers_at_once, now);
      WEFT_ASSERT_MSG(writers.load() == 0, "a reader overlaps a writer");
      WEFT_ASSERT(data >= 0);
      readers.fetch_sub(1);
    };
    auto write = [&] {
      std::unique_lock lock(m);
      WEFT_ASSERT_MSG(writers.fetch_add(1) == 0, "two writers overlap");
      WEFT_ASSERT_MSG(readers.load() == 0, "a writer overlaps a reader");
      data = data + 1;
      writers.fetch_sub(1);
    };
    weft::thread r1(read), r2(read), w(write);
    write();
    r1.join();
    r2.join();
    w.join();
    WEFT_ASSERT(data == 2);
  });
  // Shared mode is not just a plain mutex: two readers were inside together.
  EXPECT_EQ(most_readers_at_once, 2);
}

TEST(SharedMutex, TryLockRespectsTheOtherMode) {
  weft::expect_no_bug(options_with(300), [] {
    weft::shared_mutex m;
    m.lock_shared();
    weft::thread t([&] {
      WEFT_ASSERT(m.try_lock_shared());  // readers share
      WEFT_ASSERT(!m.try_lock());        // but a writer must wait
      m.unlock_shared();
    });
    t.join();
    m.unlock_shared();
    m.lock();
    weft::thread u([&] { WEFT_ASSERT(!m.try_lock_shared()); });
    u.join();
    m.unlock();
    WEFT_ASSERT(m.try_lock());
    m.unlock();
  });
}

TEST(SharedMutex, AWaitingWriterGetsInOnceTheReadersLeave) {
  weft::expect_no_bug(options_with(2000), [] {
    weft::shared_mutex m;
    weft::var<int> value{0, "value"};
    weft::thread reader([&] {
      std::shared_lock lock(m);
      WEFT_ASSERT(value == 0 || value == 1);
    });
    weft::thread writer([&] {
      std::unique_lock lock(m);
      value = 1;
    });
    reader.join();
    writer.join();
    WEFT_ASSERT(value == 1);
  });
}

// The timed forms (what std::shared_timed_mutex and weft::unmodified's
// timed pthread rwlocks use): each mode times out in virtual time while the
// other holds the lock, and gets it when it is free.
TEST(SharedMutex, TimedLocksTimeOutWhileTheOtherModeHolds) {
  weft::expect_no_bug(options_with(300), [] {
    weft::shared_mutex m;
    m.lock();
    weft::thread reader([&] {
      const int64_t deadline = weft::detail::virtual_now_ns() + 1000;
      if (m.lock_shared_until(deadline, {})) {
        m.unlock_shared();
      } else {
        WEFT_ASSERT(weft::detail::virtual_now_ns() >= deadline);
      }
    });
    reader.join();
    m.unlock();
    WEFT_ASSERT(m.lock_shared_until(weft::detail::kNoDeadline, {}));
    weft::thread writer([&] { WEFT_ASSERT(!m.lock_until(weft::detail::virtual_now_ns() + 1000, {})); });
    writer.join();
    m.unlock_shared();
    WEFT_ASSERT(m.lock_until(weft::detail::virtual_now_ns() + 1000, {}));
    m.unlock();
  });
}

}  // namespace
