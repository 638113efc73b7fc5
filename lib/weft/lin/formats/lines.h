// Splits text into lines, numbered from 1, for the line-oriented parsers.
#pragma once

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace weft::lin::detail {

// Calls visit(line_number, line) for each line that is not blank, without the
// trailing "\r" of CRLF files. Stops and returns the first error visit returns.
template <class Visit>
auto for_each_line(absl::string_view text, Visit&& visit) -> decltype(visit(0, text)) {
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    if (auto status = visit(number, line); !status.ok()) return status;
  }
  return decltype(visit(0, text))();
}

}  // namespace weft::lin::detail
