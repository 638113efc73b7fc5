// The verdicts on porcupine's 102 etcd histories and its c01/c10 kv
// histories match its README (ci/check_porcupine.sh also runs c50).
// The data is not part of the repository: the test reads the folder named by
// $WEFT_PORCUPINE_DATA (ci/test.sh sets it when the data is there) and is
// skipped without it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "porcupine_check.h"

namespace weft::lin {
namespace {

TEST(Porcupine, VerdictsMatchTheReadme) {
  const char* env = std::getenv("WEFT_PORCUPINE_DATA");
  if (env == nullptr || *env == '\0') GTEST_SKIP() << "WEFT_PORCUPINE_DATA names no porcupine data folder";
  const std::filesystem::path dir = env;
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
