// A WEFT_TEST binary linked with weft::gtest_main: the command-line tests in
// tests/CMakeLists.txt run it with good and bad --weft_* flags.
#include <weft/weft.h>

WEFT_TEST(FlagsMain, CounterUnderMutex) {
  weft::var<int> n{0, "n"};
  weft::mutex m;
  weft::thread t([&] {
    std::lock_guard l(m);
    n = n + 1;
  });
  {
    std::lock_guard l(m);
    n = n + 1;
  }
  t.join();
  WEFT_ASSERT(n.load() == 2);
}

// Fails on purpose, for the command-line tests of --weft_html_dir: they run
// it with --gtest_also_run_disabled_tests.
WEFT_TEST(FlagsMain, DISABLED_LostUpdate) {
  weft::var<int> n{0, "n"};
  weft::thread t([&] { n = n + 1; });
  n = n + 1;
  t.join();
  WEFT_ASSERT(n.load() == 2);
}
