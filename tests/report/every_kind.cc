#include "report/every_kind.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

#include "weft/lin/models/collections.h"
#include "weft/lin/scenario.h"
#include "weft/report/describe.h"
#include "weft/runtime/sanitizer_fibers.h"

namespace weft_test {
namespace {

weft::Failure found(const weft::Options& options, const std::function<void()>& body) {
  weft::Result r = weft::explore(options, body);
  if (!r.failure) {
    std::fprintf(stderr, "every_kind: a buggy body passed %llu executions\n",
                 static_cast<unsigned long long>(r.executions));
    std::abort();
  }
  return *std::move(r.failure);
}

weft::Options options(uint64_t iterations) {
  weft::Options o;
  o.iterations = iterations;
  o.replay_command = "WEFT_REPLAY={token} ./every_kind";
  return o;
}

void lost_update() {
  weft::var<int> x{0, "x"};
  weft::thread t([&] { x = x + 1; });
  x = x + 1;
  t.join();
  WEFT_ASSERT_MSG(x == 2, "an update was lost");
}

void abba() {
  weft::mutex a{"a"}, b{"b"};
  weft::thread t([&] {
    std::lock_guard first(a);
    std::lock_guard second(b);
  });
  std::lock_guard first(b);
  std::lock_guard second(a);
  t.join();
}

// Unbounded recursion, which the compiler cannot turn into a loop.
volatile bool never = false;
[[gnu::noinline]] int recurse_forever(int depth) {
  volatile char frame[1024];
  frame[0] = static_cast<char>(depth);
  if (never) return frame[0];
  return recurse_forever(depth + 1) + frame[0];
}

struct Counter {
  weft::atomic<std::int64_t> value{0};
};

weft::Failure not_linearizable() {
  using Model = weft::lin::CounterModel;
  weft::lin::ScenarioOptions scenario_options;
  scenario_options.explore = options(500);
  const weft::lin::ScenarioTester<Model, Counter> tester(
      Model{},
      [](Counter& c, const Model::Input& in) {
        if (in.kind == Model::Kind::kGet) return Model::value(c.value.load());
        c.value.store(c.value.load() + in.amount);  // BUG: read, then write
        return Model::done();
      },
      [](std::mt19937_64&) { return Model::get(); }, scenario_options);
  weft::lin::Scenario<Model> scenario;
  scenario.parallel = {{Model::add(1)}, {Model::add(1)}};
  scenario.post = {Model::get()};
  weft::Result r = tester.explore_scenario(scenario);
  if (!r.failure) std::abort();
  return *std::move(r.failure);
}

}  // namespace

std::vector<weft::Failure> failures_of_every_kind() {
  std::vector<weft::Failure> out;
  weft::Options no_races = options(2000);
  no_races.detect_races = false;

  // kAssertion
  const weft::Failure assertion = found(no_races, lost_update);
  out.push_back(assertion);

  // kUncaughtException
  out.push_back(found(options(10), [] {
    weft::thread t([] { throw std::runtime_error("boom"); });
    t.join();
  }));

  // kDeadlock
  weft::Options no_lock_order = options(5000);
  no_lock_order.detect_lock_order = false;
  out.push_back(found(no_lock_order, abba));
  // and a select blocked on two channels (BlockedThread::objects)
  out.push_back(found(options(10), [] {
    weft::channel<int> a{0, "a"}, b{1, "b"};
    weft::select(weft::on_recv(a), weft::on_recv(b));
  }));

  // kLivelock
  weft::Options short_run = options(10);
  short_run.max_steps = 300;
  out.push_back(found(short_run, [] {
    weft::atomic<bool> go{false, "go"};
    weft::thread t([&] {
      while (!go.load()) weft::this_thread::yield();
    });
    t.join();
  }));

  // kMisuse: a lock's holders, and a semaphore's counts
  out.push_back(found(options(10), [] {
    weft::mutex m{"m"};
    std::lock_guard held(m);
    weft::thread t([&] { m.unlock(); });
    t.join();
  }));
  out.push_back(found(options(10), [] {
    weft::counting_semaphore<2> s{2, "slots"};
    s.release();
  }));

  // kStackOverflow: AddressSanitizer reports stack overflows itself, so
  // under it the failure is built by hand, as the runtime builds it.
  if (weft::detail::kAddressSanitizer) {
    weft::Failure f;
    weft::detail::set_evidence(f, weft::StackOverflow{.thread = 1, .stack_size = 64 * 1024});
    f.thread = 1;
    f.thread_count = 2;
    out.push_back(f);
  } else {
    weft::Options small_stacks = options(10);
    small_stacks.stack_size = 64 * 1024;
    out.push_back(found(small_stacks, [] {
      weft::atomic<int> result{0};
      weft::thread t([&] { result.store(recurse_forever(0)); });
      t.join();
    }));
  }

  // kDataRace; a race in unmodified code also carries each access's call
  // stack (here one known frame and one in a library without line numbers)
  out.push_back(found(options(10), lost_update));
  std::get<weft::DataRace>(out.back().evidence).later.stack = {weft::SourcePosition{"caller.cc", 12, "caller()"},
                                                               weft::SourcePosition{}};

  // kLockOrderInversion, across two executions: one order each, chosen
  out.push_back(found(options(50), [] {
    weft::mutex a{"a"}, b{"b"};
    weft::thread t([&] {
      weft::mutex& first = weft::choose(2) == 0 ? a : b;
      weft::mutex& second = &first == &a ? b : a;
      std::lock_guard l1(first);
      std::lock_guard l2(second);
    });
    t.join();
  }));

  // kNotLinearizable
  out.push_back(not_linearizable());

  // kReplayDiverged: inside an execution (a thread, a choice the token does
  // not fit), and after it (decisions left over)
  const auto replayed = [&](const std::string& token, const std::function<void()>& body) {
    weft::Result r = weft::replay(token, body, no_races);
    if (!r.failure || r.failure->kind != weft::FailureKind::kReplayDiverged) std::abort();
    out.push_back(*std::move(r.failure));
  };
  replayed(assertion.token, [] {
    weft::var<int> x{0, "x"};
    weft::thread t([&] { x = x + 1; }), u([&] { x = x + 1; });
    t.join();
    u.join();
  });
  weft::Options random = options(500);
  random.strategy = "random";
  const weft::Failure chose_five = found(random, [] { WEFT_ASSERT(weft::choose(6) != 5); });
  replayed(chose_five.token, [] { (void)weft::choose(3); });
  replayed(assertion.token, [] {});

  // kCrash: only a process that replays a crash for the weft tool turns a
  // fatal signal into a failure (tests/cli/cli_test.py runs it for real);
  // here it is built by hand, as the runtime builds it.
  weft::Failure crash;
  weft::detail::set_evidence(crash, weft::Crash{.thread = 1, .signal = 11, .signal_name = "Segmentation fault"});
  crash.thread = 1;
  crash.thread_count = 2;
  out.push_back(crash);
  return out;
}

}  // namespace weft_test
