#include "weft/lin/check_result.h"

namespace weft::lin {

absl::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kLinearizable:
      return "linearizable";
    case Verdict::kNotLinearizable:
      return "NOT linearizable";
    case Verdict::kUnknown:
      return "unknown";
  }
  return "unknown";
}

}  // namespace weft::lin
