// A buggy program and its fixed twin, registered under one name for the
// bug-finding table (bench/bugs/table.cc, docs/bug-finding.md) and the
// corpus tests (tests/strategy/corpus_test.cc). The hard-bug corpus in
// bench/bugs/corpus/ and the examples in examples/ register this way.
//
//   WEFT_BUG_PROGRAM(aba_arena, {.name = "corpus/aba_arena",
//                                .what = "ABA: a freed stack slot is reused under a stale CAS",
//                                .buggy = two_pops_and_a_push<IndexHead>,
//                                .fixed = two_pops_and_a_push<TaggedHead>,
//                                .kinds = {weft::FailureKind::kAssertion}});
//
//   for (const weft_bugs::Program& p : weft_bugs::programs()) {
//     weft::Result r = weft::explore(p.options(o), p.buggy);
//   }
#pragma once

#include <weft/explore.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace weft_bugs {

struct Program {
  std::string name;  // "corpus/aba_arena", "examples/bank_lost_update"
  std::string what;  // the bug and what makes it hard, one line
  std::function<void()> buggy;
  std::function<void()> fixed;
  // What the buggy twin must be reported as (anything else is a wrong find).
  std::vector<weft::FailureKind> kinds;
  // Settings the program is meant to run with (e.g. the race detector off so
  // that the assertion, not the race, is what the table measures).
  bool detect_races = true;
  bool detect_lock_order = true;
  bool spurious_wakeups = false;

  // `base` (strategy, seed, iterations) with the program's settings.
  weft::Options options(weft::Options base) const {
    base.detect_races = detect_races;
    base.detect_lock_order = detect_lock_order;
    base.spurious_wakeups = spurious_wakeups;
    return base;
  }
  bool expected(weft::FailureKind kind) const { return std::find(kinds.begin(), kinds.end(), kind) != kinds.end(); }
};

// Every registered program, in registration order (static initializers:
// sort by name for a stable order).
inline std::vector<Program>& registry() {
  static std::vector<Program> all;
  return all;
}

inline std::vector<Program> programs() {
  std::vector<Program> all = registry();
  std::sort(all.begin(), all.end(), [](const Program& a, const Program& b) { return a.name < b.name; });
  return all;
}

struct Registration {
  explicit Registration(Program p) { registry().push_back(std::move(p)); }
};

}  // namespace weft_bugs

#define WEFT_BUG_PROGRAM(id, ...) \
  [[maybe_unused]] static const ::weft_bugs::Registration weft_bug_program_##id(::weft_bugs::Program __VA_ARGS__)
