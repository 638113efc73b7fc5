// The options the unmodified tests explore with: the default strategy and
// seed, `iterations` executions.
//
//   weft::expect_no_bug(budget(300), body);
#pragma once

#include <weft/weft.h>

#include <cstdint>

inline weft::Options budget(uint64_t iterations) {
  weft::Options o;
  o.iterations = iterations;
  return o;
}
