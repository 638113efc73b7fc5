// Assertions inside a test body. A false assertion is a failure of the
// current schedule: weft reports it with the interleaving and a token, and
// unwinds the execution instead of aborting the process.
//
//   WEFT_ASSERT(balance == 100);
//   WEFT_ASSERT_MSG(queue.size() <= capacity, "queue overfilled");
#pragma once

#include <string_view>

#include "weft/base/source_location.h"

namespace weft::detail {
void assertion_failed(std::string_view condition, std::string_view message, weft::source_location where);
}  // namespace weft::detail

#define WEFT_ASSERT(cond)                                                                       \
  do {                                                                                          \
    if (!(cond)) ::weft::detail::assertion_failed(#cond, {}, weft::source_location::current()); \
  } while (false)

#define WEFT_ASSERT_MSG(cond, message)                                                                 \
  do {                                                                                                 \
    if (!(cond)) ::weft::detail::assertion_failed(#cond, (message), weft::source_location::current()); \
  } while (false)
