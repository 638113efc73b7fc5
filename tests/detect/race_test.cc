// Data races in the classic racy programs: each is flagged on the first
// schedule that exhibits it, reported with both accesses, and replayed by
// its token; each fixed version survives 10,000 schedules per strategy.
#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "support/test_support.h"

namespace {

using weft::FailureKind;
using weft_test::Body;
using weft_test::contains;
using weft_test::expect_clean_under_every_strategy;
using weft_test::highlighted;
using weft_test::options_with;

constexpr uint64_t kFixedSchedules = 10000;

// ------------------------------------------------- unsynchronized counter

void counter_racy() {
  weft::var<int> counter{0, "counter"};
  weft::thread t([&] { counter = counter + 1; });
  counter = counter + 1;
  t.join();
}

void counter_with_mutex() {
  weft::var<int> counter{0, "counter"};
  weft::mutex m{"m"};
  weft::thread t([&] {
    std::lock_guard l(m);
    counter = counter + 1;
  });
  {
    std::lock_guard l(m);
    counter = counter + 1;
  }
  t.join();
  WEFT_ASSERT(counter == 2);
}

TEST(Race, UnsynchronizedCounterIsFlaggedOnTheFirstSchedule) {
  for (const std::string& strategy : weft_test::all_strategies()) {
    std::optional<weft::Failure> f =
        weft::expect_bug(options_with(1, strategy), counter_racy, {FailureKind::kDataRace});
    ASSERT_TRUE(f.has_value()) << strategy;
    EXPECT_EQ(f->execution, 0u);
  }
}

TEST(Race, CounterUnderAMutexIsClean) { expect_clean_under_every_strategy(counter_with_mutex, kFixedSchedules); }

TEST(Race, ReportNamesBothAccessesTheVariableAndHighlightsBothSteps) {
  std::optional<weft::Failure> f = weft::expect_bug(options_with(1), counter_racy, {FailureKind::kDataRace});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "data race on 'counter'"));
  const weft::DataRace* race = f->evidence_if<weft::DataRace>();
  ASSERT_NE(race, nullptr);
  EXPECT_EQ(race->object.name, "counter");
  EXPECT_EQ(race->end - race->begin, sizeof(int));
  EXPECT_TRUE(race->earlier.kind == weft::AccessKind::kWrite || race->later.kind == weft::AccessKind::kWrite);
  // The two accesses are the steps the trace highlights, on different threads.
  const std::vector<uint64_t> steps = highlighted(*f);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(race->earlier.step, steps[0]);
  EXPECT_EQ(race->later.step, steps[1]);
  EXPECT_EQ(f->step, steps[1]);  // the later access is where it failed
  EXPECT_NE(race->earlier.thread, race->later.thread);
  for (const weft::MemoryAccess* a : {&race->earlier, &race->later}) {
    EXPECT_EQ(f->trace[a->step - 1].thread, a->thread);
    EXPECT_EQ(f->trace[a->step - 1].op, a->kind == weft::AccessKind::kWrite ? "write" : "read");
    EXPECT_TRUE(contains(a->where.file, "race_test.cc"));  // counter_racy's lines
    EXPECT_EQ(a->where.line, f->trace[a->step - 1].where.line);
    EXPECT_EQ(a->begin, race->begin);
    EXPECT_EQ(a->end, race->end);
  }
  // The report: both accesses, the interleaving, then the token.
  EXPECT_TRUE(contains(f->report, "kind:      data race"));
  EXPECT_TRUE(contains(f->report, absl::StrCat("earlier: thread ", race->earlier.thread)));
  EXPECT_LT(f->report.find("Interleaving"), f->report.find("token:"));
  EXPECT_TRUE(contains(f->report, f->token));
}

// --------------------------- message passing: a flag guarding a payload

// `saw` records, per execution, whether the consumer saw the flag set: only
// then does it read the payload, so only then can the race show.
void message_passing(std::memory_order store, std::memory_order load, std::vector<bool>* saw = nullptr) {
  weft::var<int> payload{0, "payload"};
  weft::atomic<bool> ready{false, "ready"};
  weft::thread producer([&] {
    payload = 42;
    ready.store(true, store);
  });
  const bool seen = ready.load(load);
  if (seen) WEFT_ASSERT(payload == 42);
  producer.join();
  if (saw != nullptr) saw->push_back(seen);
}

TEST(Race, RelaxedFlagGuardingAPlainPayloadIsFlaggedOnTheFirstScheduleThatReadsIt) {
  // Which executions exhibit the race (the consumer sees the flag): run
  // with detection off, then check the detector stops at the first of them.
  // Detection adds no scheduling point, so the schedules are the same.
  for (const std::string& strategy : weft_test::all_strategies()) {
    std::vector<bool> saw;
    weft::Options quiet = options_with(200, strategy);
    quiet.detect_races = false;
    const weft::Result calibration =
        weft::explore(quiet, [&] { message_passing(std::memory_order_relaxed, std::memory_order_relaxed, &saw); });
    ASSERT_FALSE(calibration.bug_found());
    const auto first = std::find(saw.begin(), saw.end(), true);
    ASSERT_NE(first, saw.end()) << strategy << ": no schedule read the payload";
    const Body body = [] { message_passing(std::memory_order_relaxed, std::memory_order_relaxed); };
    std::optional<weft::Failure> f = weft::expect_bug(options_with(200, strategy), body, {FailureKind::kDataRace});
    ASSERT_TRUE(f.has_value()) << strategy;
    EXPECT_EQ(f->execution, static_cast<uint64_t>(first - saw.begin())) << strategy;
    EXPECT_TRUE(contains(f->message, "'payload'"));
  }
}

TEST(Race, ReleaseAcquireFlagIsClean) {
  expect_clean_under_every_strategy([] { message_passing(std::memory_order_release, std::memory_order_acquire); },
                                    kFixedSchedules);
}

TEST(Race, SeqCstFlagIsClean) {
  expect_clean_under_every_strategy([] { message_passing(std::memory_order_seq_cst, std::memory_order_seq_cst); },
                                    2000);
}

TEST(Race, ReleaseStoreWithRelaxedLoadIsARace) {
  const Body body = [] { message_passing(std::memory_order_release, std::memory_order_relaxed); };
  std::optional<weft::Failure> f = weft::expect_bug(options_with(200), body, {FailureKind::kDataRace});
  ASSERT_TRUE(f.has_value());
}

// Relaxed RMWs continue the release sequence of the store they read.
TEST(Race, RelaxedRmwContinuesAReleaseSequence) {
  expect_clean_under_every_strategy(
      [] {
        weft::var<int> payload{0, "payload"};
        weft::atomic<int> flag{0, "flag"};
        weft::thread producer([&] {
          payload = 1;
          flag.store(1, std::memory_order_release);
        });
        weft::thread bumper([&] {
          int expected = 1;
          while (!flag.compare_exchange_weak(expected, 2, std::memory_order_relaxed)) {
            if (expected != 1) return;
            expected = 1;
            weft::this_thread::yield();
          }
        });
        if (flag.load(std::memory_order_acquire) == 2) WEFT_ASSERT(payload == 1);
        producer.join();
        bumper.join();
      },
      2000);
}

// A relaxed store ends the release sequence: an acquire load that reads it
// learns nothing from the earlier release store.
TEST(Race, RelaxedStoreBreaksTheReleaseSequence) {
  const Body body = [] {
    weft::var<int> payload{0, "payload"};
    weft::atomic<int> flag{0, "flag"};
    weft::thread producer([&] {
      payload = 1;
      flag.store(1, std::memory_order_release);
      flag.store(2, std::memory_order_relaxed);
    });
    if (flag.load(std::memory_order_acquire) == 2) (void)payload.load();
    producer.join();
  };
  std::optional<weft::Failure> f = weft::expect_bug(options_with(500), body, {FailureKind::kDataRace});
  ASSERT_TRUE(f.has_value());
}

// ------------------------------------------------- double-checked locking

void dcl_plain_flag() {
  weft::var<bool> initialized{false, "initialized"};
  weft::var<int> data{0, "data"};
  weft::mutex m{"init"};
  const auto get = [&] {
    if (!initialized) {
      std::lock_guard l(m);
      if (!initialized) {
        data = 42;
        initialized = true;
      }
    }
    return data.load();
  };
  weft::thread t([&] { WEFT_ASSERT(get() == 42); });
  WEFT_ASSERT(get() == 42);
  t.join();
}

void dcl_atomic_flag() {
  weft::atomic<bool> initialized{false, "initialized"};
  weft::var<int> data{0, "data"};
  weft::mutex m{"init"};
  const auto get = [&] {
    if (!initialized.load(std::memory_order_acquire)) {
      std::lock_guard l(m);
      if (!initialized.load(std::memory_order_relaxed)) {
        data = 42;
        initialized.store(true, std::memory_order_release);
      }
    }
    return data.load();
  };
  weft::thread t([&] { WEFT_ASSERT(get() == 42); });
  WEFT_ASSERT(get() == 42);
  t.join();
}

TEST(Race, DoubleCheckedLockingWithAPlainFlagIsFlaggedOnTheFirstSchedule) {
  for (const std::string& strategy : weft_test::all_strategies()) {
    std::optional<weft::Failure> f =
        weft::expect_bug(options_with(1, strategy), dcl_plain_flag, {FailureKind::kDataRace});
    ASSERT_TRUE(f.has_value()) << strategy;
    EXPECT_EQ(f->execution, 0u);
    EXPECT_TRUE(contains(f->message, "'initialized'"));
  }
}

TEST(Race, DoubleCheckedLockingWithAnAtomicFlagIsClean) {
  expect_clean_under_every_strategy(dcl_atomic_flag, kFixedSchedules);
}

// ------------------------------- a reader that skips the writer's lock

struct Point {
  weft::var<int> x{0, "x"};
  weft::var<int> y{0, "y"};
};

void reader_without_lock() {
  Point p;
  weft::mutex m{"point"};
  weft::thread writer([&] {
    std::lock_guard l(m);
    p.x = 1;
    p.y = 1;
  });
  const int x = p.x, y = p.y;  // BUG: no lock
  (void)x;
  (void)y;
  writer.join();
}

void reader_with_shared_lock() {
  Point p;
  weft::shared_mutex m{"point"};
  weft::thread writer([&] {
    std::unique_lock l(m);
    p.x = 1;
    p.y = 1;
  });
  weft::thread other_reader([&] {
    std::shared_lock l(m);
    WEFT_ASSERT(p.x == p.y);
  });
  {
    std::shared_lock l(m);
    WEFT_ASSERT(p.x == p.y);
  }
  writer.join();
  other_reader.join();
}

TEST(Race, ReaderSkippingTheWritersLockIsFlaggedOnTheFirstSchedule) {
  for (const std::string& strategy : weft_test::all_strategies()) {
    std::optional<weft::Failure> f =
        weft::expect_bug(options_with(1, strategy), reader_without_lock, {FailureKind::kDataRace});
    ASSERT_TRUE(f.has_value()) << strategy;
    EXPECT_EQ(f->execution, 0u);
    EXPECT_TRUE(contains(f->message, "'x'") || contains(f->message, "'y'"));
  }
}

TEST(Race, ReadersUnderASharedLockAreClean) {
  expect_clean_under_every_strategy(reader_with_shared_lock, kFixedSchedules);
}

// ------------------------------------------------------------ policies

TEST(Race, DetectionOffReportsNothing) {
  weft::Options o = options_with(500);
  o.detect_races = false;
  const weft::Result r = weft::explore(o, counter_racy);
  EXPECT_FALSE(r.bug_found());
  EXPECT_TRUE(r.races.empty());
}

// Lost update: a race on every schedule, an assertion failure on some.
void lost_update() {
  weft::var<int> counter{0, "counter"};
  weft::thread t([&] { counter = counter + 1; });
  counter = counter + 1;
  t.join();
  WEFT_ASSERT(counter.load() == 2);
}

TEST(Race, ContinuingAfterARaceFindsTheAssertionAndRecordsEachRaceOnce) {
  weft::Options o = options_with(2000);
  o.stop_on_race = false;
  // A strategy whose first schedule races without losing the update, so
  // that finding the assertion shows the exploration went on past a race.
  o.strategy = "random";
  const weft::Result r = weft::explore(o, lost_update);
  ASSERT_TRUE(r.bug_found());
  EXPECT_EQ(r.failure->kind, FailureKind::kAssertion);
  EXPECT_GT(r.executions, 1u);
  ASSERT_FALSE(r.races.empty());
  std::vector<std::pair<std::string, std::string>> sites;
  for (const weft::Failure& race : r.races) {
    EXPECT_EQ(race.kind, FailureKind::kDataRace);
    EXPECT_TRUE(contains(race.message, "'counter'"));
    EXPECT_FALSE(race.token.empty());
    EXPECT_TRUE(contains(race.report, race.token));
    EXPECT_EQ(highlighted(race).size(), 2u);
    // Distinct pairs of sites: read or write, and the source line.
    const weft::DataRace* evidence = race.evidence_if<weft::DataRace>();
    ASSERT_NE(evidence, nullptr);
    auto site = [](const weft::MemoryAccess& a) {
      return absl::StrCat(std::string(weft::access_kind_name(a.kind)), " ", a.where.file, ":", a.where.line);
    };
    std::pair<std::string, std::string> pair{site(evidence->earlier), site(evidence->later)};
    if (pair.second < pair.first) std::swap(pair.first, pair.second);
    EXPECT_EQ(std::count(sites.begin(), sites.end(), pair), 0) << race.report;
    sites.push_back(pair);
  }
  // The first race's token replays its whole execution, which shows it again.
  weft::Options replay_options;
  replay_options.stop_on_race = false;
  const weft::Result again = weft::replay(r.races.front().token, lost_update, replay_options);
  ASSERT_TRUE(again.error.ok());
  ASSERT_FALSE(again.races.empty());
  EXPECT_EQ(again.races.front().message, r.races.front().message);
  // The same accesses (the variable's address may differ between runs).
  const weft::DataRace& first = *r.races.front().evidence_if<weft::DataRace>();
  const weft::DataRace& replayed = *again.races.front().evidence_if<weft::DataRace>();
  for (auto [a, b] : {std::pair{&first.earlier, &replayed.earlier}, std::pair{&first.later, &replayed.later}}) {
    EXPECT_EQ(a->thread, b->thread);
    EXPECT_EQ(a->kind, b->kind);
    EXPECT_EQ(a->step, b->step);
    EXPECT_EQ(a->where, b->where);
  }
  // And with the default policy it stops at that race.
  const weft::Result stopped = weft::replay(r.races.front().token, lost_update);
  ASSERT_TRUE(stopped.failure.has_value());
  EXPECT_EQ(stopped.failure->kind, FailureKind::kDataRace);
  EXPECT_EQ(stopped.failure->message, r.races.front().message);
}

TEST(Race, ContinuingWithoutOtherBugsRunsEveryExecution) {
  weft::Options o = options_with(300);
  o.stop_on_race = false;
  const weft::Result r = weft::explore(o, counter_racy);
  EXPECT_FALSE(r.bug_found());
  EXPECT_EQ(r.executions, 300u);
  EXPECT_FALSE(r.races.empty());
  EXPECT_LE(r.races.size(), 4u);  // read/write x write/write over two sites
}

// ------------------------------------------------------- object lifetime

// Construction is a write: a thread handed the object without
// synchronization races with it.
TEST(Race, ConstructionPublishedThroughARelaxedPointerIsARace) {
  const Body body = [] {
    weft::atomic<weft::var<int>*> slot{nullptr, "slot"};
    weft::thread maker([&] { slot.store(new weft::var<int>{7, "fresh"}, std::memory_order_relaxed); });
    weft::var<int>* v = nullptr;
    while ((v = slot.load(std::memory_order_relaxed)) == nullptr) weft::this_thread::yield();
    // Owned before the racy read: the failure unwinds this thread from there.
    const std::unique_ptr<weft::var<int>> owned(v);
    (void)owned->load();
    maker.join();
  };
  std::optional<weft::Failure> f = weft::expect_bug(options_with(100), body, {FailureKind::kDataRace});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "'fresh'"));
  const weft::DataRace* race = f->evidence_if<weft::DataRace>();
  ASSERT_NE(race, nullptr);
  EXPECT_EQ(race->object.name, "fresh");
  EXPECT_EQ(race->earlier.kind, weft::AccessKind::kConstruction);
  EXPECT_EQ(race->later.kind, weft::AccessKind::kRead);
}

TEST(Race, ConstructionPublishedWithReleaseAcquireIsClean) {
  expect_clean_under_every_strategy(
      [] {
        weft::atomic<weft::var<int>*> slot{nullptr, "slot"};
        weft::thread maker([&] { slot.store(new weft::var<int>{7, "fresh"}, std::memory_order_release); });
        weft::var<int>* v = nullptr;
        while ((v = slot.load(std::memory_order_acquire)) == nullptr) weft::this_thread::yield();
        WEFT_ASSERT(v->load() == 7);
        maker.join();
        delete v;
      },
      2000);
}

// Memory reused for a new weft::var starts fresh: the accesses to the old
// object do not race with the new one (an allocator would have synchronized).
TEST(Race, AVarConstructedOverReusedMemoryForgetsTheOldAccesses) {
  expect_clean_under_every_strategy(
      [] {
        alignas(weft::var<int>) unsigned char storage[sizeof(weft::var<int>)];
        weft::atomic<bool> done{false};
        weft::thread first([&] {
          auto* v = new (storage) weft::var<int>{1, "old"};
          *v = 2;
          v->~var();
          done.store(true, std::memory_order_relaxed);
        });
        while (!done.load(std::memory_order_relaxed)) weft::this_thread::yield();
        auto* w = new (storage) weft::var<int>{3, "new"};
        *w = 4;
        w->~var();
        first.join();
      },
      500);
}

// A global mutex outlives every execution: the clock its last unlock left
// behind must not order anything in the next execution.
weft::mutex global_mutex{"global"};

TEST(Race, SyncObjectsOutlivingAnExecutionCarryNoClocksIntoTheNext) {
  // Execution 0: the worker writes x, then locks and unlocks the global
  // mutex, leaving its clock there. Execution 1: the worker writes x with no
  // lock while main reads it under the global mutex: a race on every
  // schedule, which the clock left over from execution 0 would hide.
  int execution = 0;
  const Body body = [&execution] {
    const bool racy = execution++ > 0;
    weft::var<int> x{0, "x"};
    weft::thread worker([&] {
      x = 1;
      if (!racy) {
        std::lock_guard l(global_mutex);
      }
    });
    if (racy) {
      std::lock_guard l(global_mutex);
      (void)x.load();
    }
    worker.join();
  };
  const weft::Result r = weft::explore(options_with(10, "random"), body);
  ASSERT_TRUE(r.bug_found());
  EXPECT_EQ(r.failure->kind, FailureKind::kDataRace) << r.failure->report;
  EXPECT_EQ(r.failure->execution, 1u);
}

}  // namespace
