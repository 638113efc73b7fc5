// Buggy bodies for the golden reports of the kinds no example has (a
// livelock, an exception escaping a thread, a blocked select), as disabled WEFT_TESTs that
// tests/golden/golden_test.py replays with fixed tokens. Run one with
// --gtest_also_run_disabled_tests to see its report.
#include <weft/weft.h>

#include <stdexcept>

namespace {

// Two threads wait, politely yielding, for a flag nobody ever sets.
void spin_on_a_flag_nobody_sets() {
  weft::atomic<bool> go{false, "go"};
  auto spin = [&] {
    while (!go.load()) weft::this_thread::yield();
  };
  weft::thread a(spin), b(spin);
  a.join();
  b.join();
}

void parse(const char* text) {
  if (text[0] != '{') throw std::invalid_argument("expected an object");
}

}  // namespace

WEFT_TEST_WITH(Golden, DISABLED_SpinOnAFlagNobodySets, weft::Options{.max_steps = 400}) {
  spin_on_a_flag_nobody_sets();
}

WEFT_TEST(Golden, DISABLED_ExceptionEscapesAThread) {
  weft::thread t([] { parse("[1, 2]"); });
  t.join();
}

// A worker selects on two channels nobody sends to or closes; the main
// thread joins it: the deadlock report names both channels of the select.
WEFT_TEST(Golden, DISABLED_SelectOnChannelsNobodyFeeds) {
  weft::channel<int> jobs{1, "jobs"}, quit{0, "quit"};
  weft::thread worker([&] { weft::select(weft::on_recv(jobs), weft::on_recv(quit)); });
  worker.join();
}
