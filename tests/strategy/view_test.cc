// What the runtime shows a strategy (ExecutionView, thread_created,
// thread_spinning), checked from inside a real execution by a strategy that
// records it: the pending operation of the thread a pick chooses is the
// step that follows; steps() grows by that step; failed operations are
// marked; parents are the creating threads; spinning is reported for a
// repeated failed CAS and not for a single one.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <vector>

#include "weft/base/op.h"
#include "weft/runtime/execution.h"
#include "weft/runtime/stack_pool.h"
#include "weft/strategy/strategy.h"

namespace {

using weft::detail::Op;
using weft::detail::RawEvent;
using weft::detail::ThreadId;

// Picks the lowest enabled thread, and records what it saw.
class Recorder final : public weft::detail::Strategy {
 public:
  struct Pick {
    RawEvent chosen;   // view().pending(choice) at the pick
    size_t steps = 0;  // view().steps().size() at the pick
  };
  std::vector<Pick> picks;
  std::vector<std::pair<ThreadId, ThreadId>> created;  // (id, parent)
  std::vector<ThreadId> spinning;
  std::vector<RawEvent> steps_at_end;
  int threads_at_end = 0;

  // Every step given (step_taken), and how many when each pick came.
  std::vector<RawEvent> taken;
  std::vector<size_t> taken_at_pick;

  void begin_execution(uint64_t, uint64_t) override {}
  void end_execution(uint64_t) override {
    steps_at_end.assign(view()->steps().begin(), view()->steps().end());
    threads_at_end = view()->threads();
  }
  bool wants_steps() const override { return true; }
  void step_taken(const RawEvent& step) override { taken.push_back(step); }
  void thread_created(ThreadId id, ThreadId parent) override { created.emplace_back(id, parent); }
  void thread_spinning(ThreadId id) override { spinning.push_back(id); }
  ThreadId pick_thread(std::span<const ThreadId> enabled, ThreadId) override {
    picks.push_back({view()->pending(enabled[0]), view()->steps().size()});
    taken_at_pick.push_back(taken.size());
    return enabled[0];
  }
  uint32_t pick_value(uint32_t) override { return 0; }
  std::string name() const override { return "recorder"; }
  std::string replay_spec() const override { return "recorder"; }
};

void run(Recorder& strategy, const std::function<void()>& body) {
  weft::detail::StackPool stacks(64 * 1024);
  weft::detail::Execution execution(weft::detail::ExecutionConfig{}, stacks);
  execution.run(body, strategy, 0);
  ASSERT_FALSE(execution.failure().has_value()) << execution.failure()->report;
  strategy.end_execution(execution.choice_points());
}

TEST(ExecutionView, APicksPendingOperationIsTheStepThatFollows) {
  Recorder r;
  weft::atomic<int>* seen = nullptr;
  run(r, [&] {
    weft::atomic<int> x{0, "x"};
    seen = &x;
    weft::thread t([&] { x.store(1); });
    x.fetch_add(1);
    t.join();
  });
  ASSERT_FALSE(r.picks.empty());
  for (const Recorder::Pick& p : r.picks) {
    ASSERT_LT(p.steps, r.steps_at_end.size());
    const RawEvent& next = r.steps_at_end[p.steps];
    EXPECT_EQ(next.thread, p.chosen.thread);
    EXPECT_EQ(next.op, p.chosen.op);
    EXPECT_EQ(next.object, p.chosen.object);
  }
  int on_x = 0;
  for (const RawEvent& e : r.steps_at_end) on_x += e.object == seen;
  EXPECT_EQ(on_x, 2);  // the store and the fetch_add name x
  EXPECT_EQ(r.threads_at_end, 2);
}

// step_taken gives every step once, in order, and each before the pick that
// follows it.
TEST(ExecutionView, EveryStepIsGivenOnceBeforeThePickAfterIt) {
  Recorder r;
  run(r, [] {
    weft::atomic<int> x{0, "x"};
    weft::thread t([&] {
      x.store(1);
      x.store(2);
    });
    x.fetch_add(1);
    t.join();
  });
  ASSERT_EQ(r.taken.size(), r.steps_at_end.size());
  for (size_t i = 0; i < r.taken.size(); ++i) {
    EXPECT_EQ(r.taken[i].thread, r.steps_at_end[i].thread) << i;
    EXPECT_EQ(r.taken[i].op, r.steps_at_end[i].op) << i;
    EXPECT_EQ(r.taken[i].object, r.steps_at_end[i].object) << i;
  }
  ASSERT_EQ(r.taken_at_pick.size(), r.picks.size());
  for (size_t i = 0; i < r.picks.size(); ++i) EXPECT_EQ(r.taken_at_pick[i], r.picks[i].steps) << i;
}

// A long execution: the runtime keeps a window of the steps, step_taken
// still gives every one.
TEST(ExecutionView, ALongExecutionGivesEveryStepButKeepsAWindow) {
  Recorder r;
  constexpr int kStores = 50000;
  run(r, [] {
    weft::atomic<int> x{0, "x"};
    for (int i = 0; i < kStores; ++i) x.store(i);
  });
  EXPECT_EQ(r.taken.size(), kStores + 2u);  // start, the stores, exit
  EXPECT_LT(r.steps_at_end.size(), r.taken.size());
  EXPECT_EQ(r.taken.back().op, Op::kExit);
}

TEST(ExecutionView, ParentsAreTheCreatingThreads) {
  Recorder r;
  run(r, [] {
    weft::thread a([] {
      weft::thread c([] {});
      c.join();
    });
    weft::thread b([] {});
    a.join();
    b.join();
  });
  // Thread 0 by nobody; 1 (a) and then 2 or 3 (b, c) depending on the order.
  ASSERT_EQ(r.created.size(), 4u);
  EXPECT_EQ(r.created[0], (std::pair<ThreadId, ThreadId>{0, weft::detail::kNoThread}));
  EXPECT_EQ(r.created[1], (std::pair<ThreadId, ThreadId>{1, 0}));
  for (size_t i = 2; i < 4; ++i) EXPECT_TRUE(r.created[i].second == 0 || r.created[i].second == 1);
}

// A CAS that fails is marked failed; the first is no spin, the repeat is.
TEST(ExecutionView, FailedStepsAreMarkedAndOnlyRepeatsAreSpinning) {
  Recorder r;
  run(r, [&r] {
    weft::atomic<int> x{5, "x"};
    int expected = 0;
    EXPECT_FALSE(x.compare_exchange_strong(expected, 1));  // reads 5: the read idiom
    EXPECT_TRUE(r.spinning.empty());
    expected = 0;
    EXPECT_FALSE(x.compare_exchange_strong(expected, 1));  // the same failure again: a spin
    EXPECT_EQ(r.spinning, std::vector<ThreadId>{0});
    x.store(0);
    expected = 0;
    EXPECT_TRUE(x.compare_exchange_strong(expected, 1));
  });
  std::vector<bool> failed;
  for (const RawEvent& e : r.steps_at_end) {
    if (e.op == Op::kCompareExchange) failed.push_back(e.failed);
  }
  EXPECT_EQ(failed, (std::vector<bool>{true, true, false}));
  failed.clear();  // given final: after the failure was marked
  for (const RawEvent& e : r.taken) {
    if (e.op == Op::kCompareExchange) failed.push_back(e.failed);
  }
  EXPECT_EQ(failed, (std::vector<bool>{true, true, false}));
}

// Another thread's write between two failures means the next attempt may
// succeed: no spin. So does the thread's own write.
TEST(ExecutionView, AWriteBetweenTwoFailuresIsNoSpin) {
  Recorder r;
  run(r, [] {
    weft::atomic<int> x{5, "x"};
    weft::atomic<int> other{0, "other"};
    int expected = 0;
    x.compare_exchange_strong(expected, 1);
    other.store(1);  // the thread's own write, to another object
    expected = 0;
    x.compare_exchange_strong(expected, 1);
    weft::thread t([&] { x.store(7); });
    t.join();
    expected = 0;
    x.compare_exchange_strong(expected, 1);  // x was written by thread 1 since the last failure
  });
  EXPECT_TRUE(r.spinning.empty());
}

}  // namespace
