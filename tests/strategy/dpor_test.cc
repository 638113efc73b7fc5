// DPOR in the exhaustive search (dfs:K, dpor):
//   - on programs whose Mazurkiewicz classes are known by hand (independent
//     threads: 1; two threads writing one variable: 2; k threads taking a
//     lock: k! orders) it runs every class, in fewer schedules than the
//     unreduced search (without sleep sets, some classes run twice);
//   - unbounded, it covers every class the unreduced search covers, on
//     programs with reads, locks, condition variables, joins and choose();
//   - under a preemption bound it finds every bug of the corpus that the
//     unreduced search finds at that bound, with the same fewest
//     preemptions, and the bug's tokens replay;
//   - a read after joining the writer, or by a thread spawned after the
//     write, is ordered after it: one class, one schedule;
//   - the spellings dfs:K:nodpor and dpor name the search in its result.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "bugs/program.h"
#include "support/test_support.h"

namespace {

using weft_test::contains;
using weft_test::options_with;

weft::Result search(const std::string& strategy, const std::function<void()>& body) {
  return weft::explore(options_with(200000, strategy), body);
}

void independent_threads() {
  weft::var<int> a{0, "a"}, b{0, "b"}, c{0, "c"};
  weft::thread ta([&] { a = 1; });
  weft::thread tb([&] { b = 1; });
  c = 1;
  ta.join();
  tb.join();
}

void two_writers() {
  weft::atomic<int> x{0, "x"};
  weft::thread t([&] { x.store(1); });
  x.store(2);
  t.join();
}

TEST(Dpor, IndependentThreadsAreOneClassAndOneSchedule) {
  const weft::Result plain = search("dfs:64:nodpor", independent_threads);
  const weft::Result reduced = search("dpor", independent_threads);
  ASSERT_TRUE(plain.exhausted && reduced.exhausted) << plain.search << " / " << reduced.search;
  EXPECT_EQ(plain.classes, 1u);
  EXPECT_GT(plain.schedules, 1u);
  EXPECT_EQ(reduced.classes, 1u);
  EXPECT_EQ(reduced.schedules, 1u);
  EXPECT_EQ(reduced.search, "exhausted: no bug in any schedule (1 schedules, 1 classes)");
}

TEST(Dpor, TwoWritersOfOneVariableAreTwoClasses) {
  const weft::Result plain = search("dfs:64:nodpor", two_writers);
  const weft::Result reduced = search("dpor", two_writers);
  ASSERT_TRUE(plain.exhausted && reduced.exhausted) << plain.search << " / " << reduced.search;
  EXPECT_EQ(plain.classes, 2u);
  EXPECT_EQ(reduced.classes, 2u);
  // Without sleep sets one class runs twice: after the writer's start ran
  // first, the reversal of the two stores is asked for again.
  EXPECT_LE(reduced.schedules, 3u);
  EXPECT_LT(reduced.schedules, plain.schedules);
}

TEST(Dpor, LockedIncrementsRunInEveryOrder) {
  // k threads each add to x under a lock: k! orders of the critical sections.
  for (const int k : {2, 3}) {
    SCOPED_TRACE(k);
    std::set<std::vector<int>> orders;
    const auto body = [k, &orders] {
      weft::mutex m{"m"};
      weft::var<int> x{0, "x"};
      std::vector<int> order;
      std::vector<weft::thread> threads;
      for (int i = 0; i < k; ++i) {
        threads.emplace_back([&, i] {
          std::lock_guard lock(m);
          x = x + 1;
          order.push_back(i);
        });
      }
      for (weft::thread& t : threads) t.join();
      WEFT_ASSERT(x == k);
      orders.insert(order);
    };
    const weft::Result reduced = search("dpor", body);
    ASSERT_TRUE(reduced.exhausted) << reduced.search;
    int factorial = 1;
    for (int i = 2; i <= k; ++i) factorial *= i;
    EXPECT_EQ(orders.size(), static_cast<size_t>(factorial));
    EXPECT_GE(reduced.classes, static_cast<uint64_t>(factorial));
    std::printf("[ weft     ] %d threads: %s\n", k, reduced.search.c_str());
    if (k == 2) {
      const weft::Result plain = search("dfs:64:nodpor", body);
      ASSERT_TRUE(plain.exhausted) << plain.search;
      EXPECT_EQ(reduced.classes, plain.classes);
      EXPECT_LT(reduced.schedules, plain.schedules);
    }
  }
}

// Small programs of every kind of step the search orders; unbounded, DPOR
// must reach every class the unreduced search reaches.
// A read after joining the writer is ordered after the write by the join
// alone (the joined thread's exit comes before the join returns): one class,
// one schedule.
void read_after_join() {
  weft::atomic<int> v{0, "v"};
  weft::thread writer([&] { v.store(1); });
  writer.join();
  (void)v.load();
}

TEST(Dpor, AReadAfterJoiningTheWriterIsOneClassAndOneSchedule) {
  const weft::Result reduced = search("dpor", read_after_join);
  ASSERT_TRUE(reduced.exhausted) << reduced.search;
  EXPECT_EQ(reduced.classes, 1u);
  EXPECT_EQ(reduced.schedules, 1u) << reduced.search;
}

// A join orders the joined thread's steps before the joiner's next ones.
// Without that edge the search takes a write of the joined thread and a read
// after the join for a race, one no schedule can reverse (the read cannot run
// before the join returns), and asks for reversals that only re-run classes
// it has. Two children, each joined after the parent reads what the other
// wrote: 2 classes in 3 schedules (7 without the edge); a child joined by its
// sibling: 3 classes in 6 (dfs:0, no preemption: 1 schedule, not 2).
void two_children_joined_in_turn() {
  weft::atomic<int> v{0, "v"}, w{0, "w"};
  weft::thread a([&] { v.store(1); });
  weft::thread b([&] { w.store(1); });
  (void)w.load();
  a.join();
  (void)v.load();
  b.join();
}

void joined_by_a_sibling() {
  weft::atomic<int> v{0, "v"};
  weft::thread first([&] { v.store(1); });
  weft::thread second([&] {
    first.join();
    (void)v.load();
  });
  v.store(2);
  second.join();
}

TEST(Dpor, AJoinIsNoRaceWithTheExitItWaitsFor) {
  const weft::Result children = search("dpor", two_children_joined_in_turn);
  ASSERT_TRUE(children.exhausted) << children.search;
  EXPECT_EQ(children.classes, 2u);
  EXPECT_LE(children.schedules, 3u) << children.search;
  const weft::Result sibling = search("dpor", joined_by_a_sibling);
  ASSERT_TRUE(sibling.exhausted) << sibling.search;
  EXPECT_EQ(sibling.classes, 3u);
  EXPECT_LE(sibling.schedules, 6u) << sibling.search;
  const weft::Result unpreempted = search("dfs:0", joined_by_a_sibling);
  ASSERT_TRUE(unpreempted.exhausted) << unpreempted.search;
  EXPECT_EQ(unpreempted.schedules, 1u) << unpreempted.search;
}

// A read by a thread spawned after the write is ordered after it by the
// spawn alone (the spawn comes before the child's first step): with another
// thread running beside, so that the write has a choice point before it,
// one class and one schedule. A search that lost the spawn edge would see
// the read and the write as concurrent and ask for their reversal there.
void read_after_spawn() {
  weft::atomic<int> x{0, "x"}, y{0, "y"};
  weft::thread other([&] { y.store(1); });
  x.store(1);
  weft::thread reader([&] { (void)x.load(); });
  other.join();
  reader.join();
}

TEST(Dpor, AReadByAThreadSpawnedAfterTheWriteIsOneClassAndOneSchedule) {
  const weft::Result reduced = search("dpor", read_after_spawn);
  ASSERT_TRUE(reduced.exhausted) << reduced.search;
  EXPECT_EQ(reduced.classes, 1u);
  EXPECT_EQ(reduced.schedules, 1u) << reduced.search;
}

std::vector<std::pair<std::string, std::function<void()>>> small_programs() {
  return {
      {"read between writes",
       [] {
         weft::atomic<int> v{0, "v"};
         weft::thread writer([&] {
           v.store(1);
           v.store(2);
         });
         (void)v.load();
         (void)v.load();
         writer.join();
       }},
      {"a reader that writes and a writer",
       [] {
         weft::atomic<int> x{0, "x"}, y{0, "y"};
         weft::thread w([&] {
           y.store(1);
           x.store(2);
         });
         x.store(1);
         (void)(x.load() + y.load());
         w.join();
       }},
      {"condition variable handoff",
       [] {
         weft::mutex m{"m"};
         weft::condition_variable cv{"cv"};
         bool ready = false;
         weft::thread waiter([&] {
           std::unique_lock lock(m);
           cv.wait(lock, [&] { return ready; });
         });
         {
           std::lock_guard lock(m);
           ready = true;
         }
         cv.notify_one();
         waiter.join();
       }},
      {"compare-exchange race",
       [] {
         weft::atomic<int> owner{0, "owner"};
         auto claim = [&](int id) {
           int expected = 0;
           (void)owner.compare_exchange_strong(expected, id);
         };
         weft::thread a(claim, 1);
         weft::thread b(claim, 2);
         (void)owner.load();
         a.join();
         b.join();
       }},
      {"choose and a channel",
       [] {
         weft::channel<int> ch{1, "ch"};
         weft::thread sender([&] { ch.send(weft::choose(2)); });
         weft::var<int> seen{0, "seen"};
         weft::thread other([&] { seen = 1; });
         (void)ch.recv();
         sender.join();
         other.join();
       }},
      {"an event loop and a post from another thread",
       [] {
         // The loop looks at its queue in the step that picks a handler: a
         // post from another thread races with that look.
         weft::event_loop loop{"loop"};
         int order = 0;  // touched by handlers only, which run one at a time
         loop.post([&] { order = order * 10 + 1; }, "first");
         weft::thread poster([&, work = loop.hold()] { loop.post([&] { order = order * 10 + 2; }, "second"); });
         loop.run();
         poster.join();
       }},
      {"select over two channels",
       [] {
         // The select's step names only its first channel but reads both and
         // takes from either: a send on the second races with it.
         weft::channel<int> first{1, "first"}, second{1, "second"};
         weft::var<int> taken{0, "taken"};
         weft::thread a([&] { first.send(1); });
         weft::thread b([&] { second.send(2); });
         for (int i = 0; i < 2; ++i) {
           weft::select(weft::on_recv(first, [&](std::optional<int> v) { taken = taken + *v; }),
                        weft::on_recv(second, [&](std::optional<int> v) { taken = taken * 10 + *v; }));
         }
         a.join();
         b.join();
       }},
  };
}

TEST(Dpor, UnboundedItCoversEveryClassOfTheUnreducedSearch) {
  for (const auto& [name, body] : small_programs()) {
    SCOPED_TRACE(name);
    const weft::Result plain = search("dfs:64:nodpor", body);
    const weft::Result reduced = search("dpor", body);
    ASSERT_TRUE(plain.exhausted) << plain.search;
    ASSERT_TRUE(reduced.exhausted) << reduced.search;
    EXPECT_EQ(reduced.classes, plain.classes);
    EXPECT_LE(reduced.schedules, plain.schedules);
    std::printf("[ weft     ] %s: %s; without DPOR %s\n", name.c_str(), reduced.search.c_str(), plain.search.c_str());
  }
}

TEST(Dpor, BoundedItCoversTheClassesOfTheUnreducedSearchOnSmallPrograms) {
  for (const auto& [name, body] : small_programs()) {
    for (const int bound : {0, 1, 2}) {
      SCOPED_TRACE(name + " bound " + std::to_string(bound));
      const weft::Result plain = search("dfs:" + std::to_string(bound) + ":nodpor", body);
      const weft::Result reduced = search("dfs:" + std::to_string(bound), body);
      ASSERT_TRUE(plain.exhausted && reduced.exhausted) << plain.search << " / " << reduced.search;
      EXPECT_GE(reduced.classes, plain.classes);
      EXPECT_LE(reduced.schedules, plain.schedules);
    }
  }
}

class DporCorpus : public testing::TestWithParam<weft_bugs::Program> {};

TEST_P(DporCorpus, FindsEveryBugTheUnreducedSearchFindsAtTheSameBound) {
  const weft_bugs::Program& p = GetParam();
  constexpr uint64_t kBudget = 1100;  // long_prefix needs 1011 without DPOR
  for (const int bound : {1, 2}) {
    SCOPED_TRACE(bound);
    const std::string k = std::to_string(bound);
    const weft::Result plain = weft::explore(p.options(options_with(kBudget, "dfs:" + k + ":nodpor")), p.buggy);
    if (!plain.bug_found()) continue;  // nothing to match within the budget
    const weft::Options reduced_options = p.options(options_with(kBudget, "dfs:" + k));
    const weft::Result reduced = weft::explore(reduced_options, p.buggy);
    ASSERT_TRUE(reduced.bug_found()) << p.name << ": " << reduced.search << "; without DPOR " << plain.search;
    EXPECT_TRUE(p.expected(reduced.failure->kind)) << reduced.failure->report;
    EXPECT_TRUE(contains(reduced.search, "bug found in a schedule with")) << reduced.search;
    std::printf("[ weft     ] %s dfs:%d: %llu executions (without DPOR %llu)\n", p.name.c_str(), bound,
                static_cast<unsigned long long>(reduced.executions), static_cast<unsigned long long>(plain.executions));
    weft::expect_replays(*reduced.failure, p.buggy, reduced_options);
  }
}

TEST_P(DporCorpus, TheFixedTwinIsExhaustedOrCleanAtBoundTwo) {
  const weft_bugs::Program& p = GetParam();
  const weft::Result r = weft::explore(p.options(options_with(300, "dfs:2")), p.fixed);
  EXPECT_FALSE(r.bug_found()) << r.failure->report;
  EXPECT_TRUE(contains(r.search, r.exhausted ? "exhausted: no bug with <= 2 preemptions" : "not exhausted"))
      << r.search;
}

std::vector<weft_bugs::Program> corpus() {
  std::vector<weft_bugs::Program> out;
  for (const weft_bugs::Program& p : weft_bugs::programs()) {
    if (p.name.rfind("corpus/", 0) == 0) out.push_back(p);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Programs, DporCorpus, testing::ValuesIn(corpus()),
                         [](const testing::TestParamInfo<weft_bugs::Program>& info) {
                           return info.param.name.substr(std::string("corpus/").size());
                         });

TEST(Dpor, TheSpellingsNameTheSearch) {
  const weft::Result nodpor = search("dfs:1:nodpor", two_writers);
  EXPECT_TRUE(contains(nodpor.search, "exhausted: no bug with <= 1 preemption (")) << nodpor.search;
  const std::optional<weft::Failure> f = weft::expect_bug(options_with(1000, "dpor"),
                                                          [] {
                                                            weft::atomic<int> x{0, "x"};
                                                            weft::thread t([&] { x.store(1); });
                                                            WEFT_ASSERT(x.load() == 0);
                                                            t.join();
                                                          },
                                                          {weft::FailureKind::kAssertion});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->seed_token, "-dpord")) << f->seed_token;
  EXPECT_TRUE(contains(f->report, "(strategy dpor, seed")) << f->report;
}

}  // namespace
