// main() for GoogleTest binaries of WEFT_TESTs: GoogleTest takes its own
// flags first, then every remaining --weft_<name>=<value> is set through
// absl's flag registry. Anything else left over is bad usage: exit 2.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "absl/flags/reflection.h"
#include "absl/strings/strip.h"
#include "weft/gtest/flags.h"

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    absl::string_view body = arg;
    const size_t eq = arg.find('=');
    absl::CommandLineFlag* flag = nullptr;
    if (absl::ConsumePrefix(&body, "--weft_") && eq != absl::string_view::npos) {
      flag = absl::FindCommandLineFlag(arg.substr(2, eq - 2));
    }
    if (flag == nullptr) {
      std::fprintf(stderr,
                   "weft: unknown argument '%s'. Accepted: GoogleTest's flags and --weft_iterations=N, "
                   "--weft_strategy=S, --weft_seed=N, --weft_max_steps=N, --weft_time_budget_ms=N, "
                   "--weft_replay=TOKEN\n",
                   argv[i]);
      return 2;
    }
    std::string error;
    if (!flag->ParseFrom(arg.substr(eq + 1), &error)) {
      std::fprintf(stderr, "weft: %s: %s\n", argv[i], error.c_str());
      return 2;
    }
  }
  return RUN_ALL_TESTS();
}
