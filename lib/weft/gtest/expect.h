// Regression tests for known concurrency bugs: the bug must be found, be of
// the kind expected, and replay exactly from its tokens. WEFT_TEST is for a
// body that must pass; these are for the buggy twin kept beside it, so that a
// change that blinds weft to the bug (or breaks its replay) fails a test.
//
//   TEST(Bank, FindsLostUpdate) {
//     weft::Options options{.iterations = 2000, .detect_races = false};
//     std::optional<weft::Failure> f = weft::expect_bug(options, lost_update,
//                                                       {weft::FailureKind::kAssertion}, "balance");
//     if (f) EXPECT_EQ(f->thread, 0);  // anything else the test wants to check
//   }
//
//   TEST(Bank, LockedUpdatesAreClean) {
//     weft::expect_no_bug(weft::Options{.iterations = 5000}, locked_updates);
//   }
//
// Each found bug prints one line, "[ weft     ] found <kind> after N
// executions (<strategy>; seed token ...): <message>", so the effort weft
// needed can be read off a test run; WEFT_REPORT_FOUND_BUGS=1 also prints its
// full report. Failures are GoogleTest failures (never exceptions or aborts)
// and carry the calling line as a trace.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <string_view>

#include "weft/base/source_location.h"
#include "weft/explore.h"

namespace weft {

// Lets GoogleTest print kinds by name in EXPECT_EQ messages.
void PrintTo(FailureKind kind, std::ostream* out);

// Explores `body` under `options`; the first failure must be one of `kinds`
// (and its message contain `message_part`, when given). Checks both tokens
// are present and named in the report, prints the "found" line, then
// expect_replays. Returns the failure, or nothing (after adding a test
// failure that shows what was found instead) when the exploration could not
// run, found nothing, or found another kind.
std::optional<Failure> expect_bug(const Options& options, const std::function<void()>& body,
                                  std::initializer_list<FailureKind> kinds, std::string_view message_part = {},
                                  source_location where = source_location::current());

// `failure` is reproduced exactly: its decision token, replayed twice, gives
// the same kind, message, evidence, thread, step, source line and trace
// (highlighted steps included), two byte-identical reports and the same
// token; its seed token gives the same failure once more. `options` are the
// ones it was found with: detectors are options, and the token cannot say
// what a detector that was off would have seen.
void expect_replays(const Failure& failure, const std::function<void()>& body, const Options& options = {},
                    source_location where = source_location::current());

// Explores `body` for the whole budget: no error, no failure, no recorded
// race (Options::stop_on_race = false), and options.iterations executions
// (so a time budget that cuts the exploration short fails too). Returns the
// result for further checks.
Result expect_no_bug(const Options& options, const std::function<void()>& body,
                     source_location where = source_location::current());

}  // namespace weft
