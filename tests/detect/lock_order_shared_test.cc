// Lock-order detection with shared_mutex: both modes are nodes of the graph,
// and an inversion is reported only when, at every lock of the cycle, the
// holder and the acquirer exclude each other (not both shared). Each claim
// is checked against the deadlock detector with lock-order detection off:
// the reported cycles really deadlock in some schedule, the silent ones in
// none.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string>

namespace {

using weft::FailureKind;

weft::Options options(uint64_t iterations, bool detect_lock_order) {
  weft::Options o;
  o.iterations = iterations;
  o.strategy = "random";
  o.detect_lock_order = detect_lock_order;
  return o;
}

// Whether some schedule of `body` deadlocks, searched without the
// lock-order detector (which would stop at the first inversion).
bool can_deadlock(const std::function<void()>& body) {
  const weft::Result r = weft::explore(options(3000, false), body);
  EXPECT_TRUE(r.error.ok()) << r.error;
  if (r.bug_found()) {
    EXPECT_EQ(r.failure->kind, FailureKind::kDeadlock) << r.failure->report;
  }
  return r.bug_found();
}

// Two writers on two shared_mutexes in opposite orders, through
// std::unique_lock: a plain ABBA.
void writers_abba() {
  weft::shared_mutex a{"a"}, b{"b"};
  weft::thread t([&] {
    std::unique_lock first(a);
    std::unique_lock second(b);
  });
  {
    std::unique_lock first(b);
    std::unique_lock second(a);
  }
  t.join();
}

// A reader of `a` that then writes `b`, against a writer of `b` that then
// writes `a`: the writer's exclusive lock of `a` waits for the reader.
void reader_then_writer_against_writer() {
  weft::shared_mutex a{"a"}, b{"b"};
  weft::thread t([&] {
    std::shared_lock first(a);
    std::unique_lock second(b);
  });
  {
    std::unique_lock first(b);
    std::unique_lock second(a);
  }
  t.join();
}

// Same, but the second thread only reads `a`: readers do not wait for
// readers, so the thread holding `b` always gets `a` and nothing deadlocks.
void both_read_the_contended_lock() {
  weft::shared_mutex a{"a"}, b{"b"};
  weft::thread t([&] {
    std::shared_lock first(a);
    std::unique_lock second(b);
  });
  {
    std::unique_lock first(b);
    std::shared_lock second(a);
  }
  t.join();
}

// An ABBA on plain mutexes under a gate that both threads hold shared: the
// gate does not serialize readers, so the inversion stands.
void abba_under_a_shared_gate() {
  weft::shared_mutex gate{"gate"};
  weft::mutex a{"a"}, b{"b"};
  weft::thread t([&] {
    std::shared_lock g(gate);
    std::lock_guard first(a);
    std::lock_guard second(b);
  });
  {
    std::shared_lock g(gate);
    std::lock_guard first(b);
    std::lock_guard second(a);
  }
  t.join();
}

// The same ABBA under a gate both take exclusively: serialized, no deadlock.
void abba_under_an_exclusive_gate() {
  weft::shared_mutex gate{"gate"};
  weft::mutex a{"a"}, b{"b"};
  weft::thread t([&] {
    std::unique_lock g(gate);
    std::lock_guard first(a);
    std::lock_guard second(b);
  });
  {
    std::unique_lock g(gate);
    std::lock_guard first(b);
    std::lock_guard second(a);
  }
  t.join();
}

weft::Failure expect_inversion(const std::function<void()>& body) {
  const weft::Result r = weft::explore(options(50, true), body);
  EXPECT_TRUE(r.error.ok()) << r.error;
  EXPECT_TRUE(r.bug_found()) << "no inversion in " << r.executions << " executions";
  if (!r.bug_found()) return {};
  EXPECT_EQ(r.failure->kind, FailureKind::kLockOrderInversion) << r.failure->report;
  EXPECT_LE(r.executions, 2u);
  // The token replays the same inversion.
  const weft::Result again = weft::replay(r.failure->token, body, options(1, true));
  EXPECT_TRUE(again.bug_found()) << "the token " << r.failure->token << " did not replay";
  if (again.bug_found()) {
    EXPECT_EQ(again.failure->message, r.failure->message);
    EXPECT_EQ(again.failure->details, r.failure->details);
  }
  return *r.failure;
}

void expect_no_inversion(const std::function<void()>& body) {
  const weft::Result r = weft::explore(options(3000, true), body);
  EXPECT_TRUE(r.error.ok()) << r.error;
  EXPECT_FALSE(r.bug_found()) << r.failure->report;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(LockOrderShared, WritersInOppositeOrdersAreAnInversion) {
  ASSERT_TRUE(can_deadlock(writers_abba));
  const weft::Failure f = expect_inversion(writers_abba);
  EXPECT_TRUE(contains(f.message, "'a'")) << f.message;
  EXPECT_TRUE(contains(f.message, "'b'")) << f.message;
  EXPECT_FALSE(contains(f.message, " shared")) << f.message;
  // Through std::unique_lock the sites are still this file's lines.
  ASSERT_GE(f.details.size(), 2u);
  EXPECT_TRUE(contains(f.details[0], "lock_order_shared_test.cc:")) << f.details[0];
  EXPECT_TRUE(contains(f.details[1], "lock_order_shared_test.cc:")) << f.details[1];
  EXPECT_FALSE(contains(f.report, "shared_mutex.h:")) << f.report;
}

TEST(LockOrderShared, AReaderAgainstAWriterIsAnInversionAndSaysWhichModes) {
  ASSERT_TRUE(can_deadlock(reader_then_writer_against_writer));
  const weft::Failure f = expect_inversion(reader_then_writer_against_writer);
  EXPECT_TRUE(contains(f.report, "'a' shared")) << f.report;
}

TEST(LockOrderShared, TwoReadersOfTheContendedLockAreNoInversion) {
  ASSERT_FALSE(can_deadlock(both_read_the_contended_lock));
  expect_no_inversion(both_read_the_contended_lock);
}

TEST(LockOrderShared, AGateHeldSharedDoesNotSerialize) {
  ASSERT_TRUE(can_deadlock(abba_under_a_shared_gate));
  const weft::Failure f = expect_inversion(abba_under_a_shared_gate);
  EXPECT_TRUE(contains(f.message, "'a'")) << f.message;
}

TEST(LockOrderShared, AGateHeldExclusivelySerializes) {
  ASSERT_FALSE(can_deadlock(abba_under_an_exclusive_gate));
  expect_no_inversion(abba_under_an_exclusive_gate);
}

}  // namespace
