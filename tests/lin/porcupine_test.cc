// The verdicts on porcupine's 102 etcd histories and its c01/c10 kv
// histories match its README (ci/check_porcupine.sh also runs c50).
// Skipped when the data folder (../shared/data/porcupine beside the source
// tree, or $WEFT_PORCUPINE_DATA) is not there.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "porcupine_check.h"

namespace weft::lin {
namespace {

TEST(Porcupine, VerdictsMatchTheReadme) {
  const char* env = std::getenv("WEFT_PORCUPINE_DATA");
  const std::filesystem::path dir = env != nullptr ? env : WEFT_PORCUPINE_DATA;
  if (!std::filesystem::is_directory(dir / "jepsen")) {
    GTEST_SKIP() << "no porcupine data at " << dir;
  }
  std::ostringstream log;
  const auto tally = porcupine::check_folder(dir, log, /*thorough=*/false);
  EXPECT_EQ(tally.wrong, 0) << log.str();
  EXPECT_EQ(tally.checked, 102 + 4 + 2);  // c50 runs in ci/check_porcupine.sh
}

}  // namespace
}  // namespace weft::lin
