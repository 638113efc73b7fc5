#include "weft/sync/assert.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "weft/report/describe.h"
#include "weft/runtime/execution.h"

namespace weft::detail {

void assertion_failed(std::string_view condition, std::string_view message, weft::source_location where) {
  AssertionFailure evidence{.condition = std::string(condition), .message = std::string(message)};
  Execution* ex = Execution::get_if_any();
  if (ex == nullptr) {
    std::fprintf(stderr, "%s:%u: %s (outside weft::explore)\n", where.file_name(), where.line(),
                 failure_message(evidence).c_str());
    std::abort();
  }
  // Returns only while the execution is already being unwound (an assertion
  // in a destructor): the first failure is the one reported.
  ex->fail(std::move(evidence), where);
}

}  // namespace weft::detail
