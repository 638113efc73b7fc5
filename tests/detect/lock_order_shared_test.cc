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
#include <optional>
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
  } else {
    EXPECT_EQ(r.executions, 3000u);
  }
  return r.bug_found();
}

#if defined(__clang__) && defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_TEST_CLANG_ASAN 1
#endif
#endif
#ifdef WEFT_TEST_CLANG_ASAN
constexpr bool kStdLockWrappersInlined = false;
#else
constexpr bool kStdLockWrappersInlined = true;
#endif

enum class Mode { kExclusive, kShared };
constexpr Mode X = Mode::kExclusive;
constexpr Mode S = Mode::kShared;

// Holds `m` in `mode` for its scope, through std::unique_lock or
// std::shared_lock as a user would.
class Hold {
 public:
  Hold(weft::shared_mutex& m, Mode mode) {
    if (mode == S) {
      shared_ = std::shared_lock(m);
    } else {
      exclusive_ = std::unique_lock(m);
    }
  }

 private:
  std::unique_lock<weft::shared_mutex> exclusive_;
  std::shared_lock<weft::shared_mutex> shared_;
};

// Thread 1 takes a then b, the body takes b then a, each in the modes
// given; with `gate`, both first take a third lock in that mode.
std::function<void()> abba(Mode t1_a, Mode t1_b, Mode body_b, Mode body_a, std::optional<Mode> gate = {}) {
  return [=] {
    weft::shared_mutex a{"a"}, b{"b"}, g{"gate"};
    weft::thread t([&] {
      std::optional<Hold> held_gate;
      if (gate) held_gate.emplace(g, *gate);
      Hold first(a, t1_a);
      Hold second(b, t1_b);
    });
    {
      std::optional<Hold> held_gate;
      if (gate) held_gate.emplace(g, *gate);
      Hold first(b, body_b);
      Hold second(a, body_a);
    }
    t.join();
  };
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
    EXPECT_EQ(again.failure->evidence, r.failure->evidence);
  }
  return *r.failure;
}

void expect_no_inversion(const std::function<void()>& body) {
  const weft::Result r = weft::explore(options(3000, true), body);
  EXPECT_TRUE(r.error.ok()) << r.error;
  EXPECT_FALSE(r.bug_found()) << r.failure->report;
  EXPECT_EQ(r.executions, 3000u);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Two writers in opposite orders: a plain ABBA.
TEST(LockOrderShared, WritersInOppositeOrdersAreAnInversion) {
  const auto body = abba(X, X, X, X);
  ASSERT_TRUE(can_deadlock(body));
  const weft::Failure f = expect_inversion(body);
  EXPECT_TRUE(contains(f.message, "'a'")) << f.message;
  EXPECT_TRUE(contains(f.message, "'b'")) << f.message;
  EXPECT_FALSE(contains(f.message, " shared")) << f.message;
  // Through std::unique_lock the sites are still this file's lines where
  // the compiler inlines unique_lock's lock() into its caller (g++ -O2
  // does). clang with ASan keeps it out of line, and a return address
  // inside it leads no further than unique_lock.h.
  const weft::LockOrderInversion* inversion = f.evidence_if<weft::LockOrderInversion>();
  ASSERT_NE(inversion, nullptr);
  ASSERT_EQ(inversion->edges.size(), 2u);
  if (kStdLockWrappersInlined) {
    for (const weft::LockOrderEdge& e : inversion->edges) {
      EXPECT_TRUE(contains(e.held_at.file, "lock_order_shared_test.cc")) << f.report;
      EXPECT_TRUE(contains(e.taken_at.file, "lock_order_shared_test.cc")) << f.report;
    }
  }
  EXPECT_FALSE(contains(f.report, "shared_mutex.h:")) << f.report;
}

// A reader of a that then writes b, against a writer of b that then writes
// a: the writer's lock of a waits for the reader.
TEST(LockOrderShared, AReaderAgainstAWriterIsAnInversionAndSaysWhichModes) {
  const auto body = abba(S, X, X, X);
  ASSERT_TRUE(can_deadlock(body));
  const weft::Failure f = expect_inversion(body);
  // The edge that holds a holds it shared; the one that takes a takes it exclusively.
  const weft::LockOrderInversion* inversion = f.evidence_if<weft::LockOrderInversion>();
  ASSERT_NE(inversion, nullptr);
  int held_shared = 0, taken_exclusive = 0;
  for (const weft::LockOrderEdge& e : inversion->edges) {
    if (e.held.name == "a") held_shared += e.held_shared;
    if (e.taken.name == "a") taken_exclusive += !e.taken_shared;
  }
  EXPECT_EQ(held_shared, 1) << f.report;
  EXPECT_EQ(taken_exclusive, 1) << f.report;
  EXPECT_TRUE(contains(f.report, "'a' shared")) << f.report;
}

// Both only read a: readers do not wait for readers, so the thread holding
// b always gets a, and nothing deadlocks.
TEST(LockOrderShared, TwoReadersOfTheContendedLockAreNoInversion) {
  const auto body = abba(S, X, X, S);
  ASSERT_FALSE(can_deadlock(body));
  expect_no_inversion(body);
}

// An ABBA under a gate both hold shared: readers do not exclude each other,
// so the gate serializes nothing and the inversion stands.
TEST(LockOrderShared, AGateHeldSharedDoesNotSerialize) {
  const auto body = abba(X, X, X, X, S);
  ASSERT_TRUE(can_deadlock(body));
  const weft::Failure f = expect_inversion(body);
  EXPECT_TRUE(contains(f.message, "'a'")) << f.message;
}

// The same under a gate both take exclusively: serialized, no deadlock.
TEST(LockOrderShared, AGateHeldExclusivelySerializes) {
  const auto body = abba(X, X, X, X, X);
  ASSERT_FALSE(can_deadlock(body));
  expect_no_inversion(body);
}

}  // namespace
