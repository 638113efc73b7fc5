// WEFT_TESTs for the `weft` tool's tests (cli_test.py): a clean body, a buggy
// one, bodies that crash or hang outside weft's control in some schedules.
// Not a test binary of its own (ctest does not run it directly): run through
// `weft run`, each misbehaving body must cost only its worker.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

namespace {

// Read through a volatile pointer, so the compiler cannot see the null.
int* volatile null_pointer = nullptr;

}  // namespace

WEFT_TEST(Clean, LockedCounter) {
  weft::mutex m;
  weft::var<int> counter{0, "counter"};
  weft::thread t([&] {
    std::lock_guard<weft::mutex> lock(m);
    counter = counter + 1;
  });
  {
    std::lock_guard<weft::mutex> lock(m);
    counter = counter + 1;
  }
  t.join();
  WEFT_ASSERT(counter == 2);
}

WEFT_TEST_WITH(Buggy, LostUpdate, (weft::Options{.iterations = 2000, .detect_races = false})) {
  weft::var<int> counter{0, "counter"};
  weft::thread t([&] { counter = counter + 1; });
  counter = counter + 1;
  t.join();
  WEFT_ASSERT(counter == 2);
}

// Dereferences null when the other thread's write comes first.
WEFT_TEST_WITH(Crash, NullDereference, (weft::Options{.iterations = 2000, .detect_races = false})) {
  weft::var<int> flag{0, "flag"};
  weft::thread t([&] { flag = 1; });
  if (flag == 1) *null_pointer = 1;
  t.join();
}

WEFT_TEST_WITH(Crash, Abort, (weft::Options{.iterations = 2000, .detect_races = false})) {
  weft::var<int> flag{0, "flag"};
  weft::thread t([&] { flag = 1; });
  if (flag == 1) std::abort();
  t.join();
}

// Spins on a plain std::atomic: when the main thread runs first it never
// reaches a scheduling point again, so the other thread never sets the flag.
WEFT_TEST_WITH(Hang, AtomicSpin, (weft::Options{.iterations = 2000})) {
  std::atomic<bool> flag{false};
  weft::thread t([&] { flag = true; });
  while (!flag.load()) {
  }
  t.join();
}

// Blocks in a real std::mutex the main thread holds at a scheduling point.
WEFT_TEST_WITH(Hang, RealMutex, (weft::Options{.iterations = 2000})) {
  std::mutex m;
  weft::thread t([&] { std::lock_guard<std::mutex> lock(m); });
  {
    std::lock_guard<std::mutex> lock(m);
    weft::this_thread::yield();
  }
  t.join();
}

// Depends on something weft does not control: a count of the runs of the
// body in this process. A failing schedule replayed runs with the other
// parity and passes: --check-determinism (and every bug's replay) says so.
WEFT_TEST_WITH(Nondeterministic, CountsItsRuns, (weft::Options{.iterations = 2000, .detect_races = false})) {
  static int runs = 0;
  ++runs;
  weft::var<int> counter{0, "counter"};
  weft::thread t([&] { counter = counter + 1; });
  counter = counter + 1;
  t.join();
  WEFT_ASSERT(counter == 2 || runs % 2 == 0);
}

// Runs last (GoogleTest's order): a run with --keep-going reaches it after
// the crashes and hangs.
WEFT_TEST(Later, StillRuns) {
  weft::var<int> x{0, "x"};
  weft::thread t([&] { x = 1; });
  t.join();
  WEFT_ASSERT(x == 1);
}
