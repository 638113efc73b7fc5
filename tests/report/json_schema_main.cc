// Writes the JSON form of one failure of every kind (every_kind.h) into a
// directory, one file each, for json_schema_test.py to validate against
// docs/failure.schema.json.
//
//   report_json_every_kind <dir>
#include <cstdio>
#include <fstream>
#include <string>

#include "report/every_kind.h"
#include "weft/report/json.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <directory to write the failures into>\n", argv[0]);
    return 2;
  }
  int n = 0;
  for (const weft::Failure& f : weft_test::failures_of_every_kind()) {
    const std::string path = std::string(argv[1]) + "/failure" + std::to_string(++n) + ".json";
    std::ofstream out(path);
    out << weft::failure_to_json(f) << "\n";
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
  }
  return 0;
}
