// A failure as a self-contained HTML page: what went wrong, then the whole
// interleaving as a table with one column per thread (preemptions and the
// steps the message refers to marked), then the lines that replay it. For
// traces too long or too wide to read in a terminal; no script, no external
// files.
//
//   if (result.failure) std::ofstream("failure.html") << weft::failure_to_html(*result.failure);
//
// WEFT_TEST writes one per failing test when given WEFT_HTML_DIR (or
// --weft_html_dir with weft::gtest_main).
#pragma once

#include <string>

#include "weft/report/failure.h"

namespace weft {

std::string failure_to_html(const Failure& failure);

}  // namespace weft
