// One failure of every kind weft reports, found by exploring (or replaying)
// a small buggy body, for the tests of the JSON form: json_test.cc checks
// every field against the Failure, and json_schema_main.cc writes them for
// the schema check (json_schema_test.py).
//
//   for (const weft::Failure& f : weft_test::failures_of_every_kind()) check(weft::failure_to_json(f));
#pragma once

#include <weft/weft.h>

#include <vector>

namespace weft_test {

// At least one failure of each FailureKind, in FailureKind order; some kinds
// twice, to cover both shapes of their evidence (a misuse with holders and
// one with counts, a divergence inside an execution and one after it, a
// deadlock in locks and one in a select).
std::vector<weft::Failure> failures_of_every_kind();

}  // namespace weft_test
