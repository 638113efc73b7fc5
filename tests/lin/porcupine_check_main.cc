// Stand-alone verdict check on porcupine's data: exit 0 when every verdict
// matches the README, 1 otherwise, 2 on bad usage.
//   weft_lin_porcupine_check ../shared/data/porcupine
#include <iostream>

#include "porcupine_check.h"

int main(int argc, char** argv) {
  if (argc != 2 || !std::filesystem::is_directory(argv[1])) {
    std::cerr << "usage: weft_lin_porcupine_check DIR (a folder with jepsen/ and kv/)\n";
    return 2;
  }
  const auto tally = weft::lin::porcupine::check_folder(argv[1], std::cout, /*thorough=*/true);
  std::cout << (tally.checked - tally.wrong) << " passed, " << tally.wrong << " failed\n";
  return tally.wrong == 0 ? 0 : 1;
}
