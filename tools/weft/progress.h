// The runner's progress: on a terminal, one line rewritten in place (tests
// done, executions per second, elapsed, bugs); otherwise a plain line every
// few seconds, for CI logs.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>

namespace weft::tool {

class Progress {
 public:
  Progress(FILE* out, int tests);
  void add_executions(uint64_t n) { executions_ += n; }
  void test_done(bool bug) {
    ++done_;
    if (bug) ++bugs_;
  }
  // Prints when it is time to (cheap to call often).
  void tick();
  // Clears the live line, before other output.
  void finish();

 private:
  void print(bool live);

  FILE* out_;
  bool tty_;
  int tests_;
  int done_ = 0;
  int bugs_ = 0;
  uint64_t executions_ = 0;
  std::chrono::steady_clock::time_point start_, last_print_;
  bool live_shown_ = false;
};

}  // namespace weft::tool
