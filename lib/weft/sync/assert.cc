#include "weft/sync/assert.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "weft/runtime/execution.h"

namespace weft::detail {

void assertion_failed(std::string_view condition, std::string_view message, weft::source_location where) {
  std::string text = absl::StrCat("assertion failed: ", std::string(condition));
  if (!message.empty()) absl::StrAppend(&text, " (", std::string(message), ")");
  Execution* ex = Execution::get_if_any();
  if (ex == nullptr) {
    std::fprintf(stderr, "%s:%u: %s (outside weft::explore)\n", where.file_name(), where.line(), text.c_str());
    std::abort();
  }
  // Returns only while the execution is already being unwound (an assertion
  // in a destructor): the first failure is the one reported.
  ex->fail(FailureKind::kAssertion, std::move(text), where);
}

}  // namespace weft::detail
