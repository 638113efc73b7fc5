// Options and results of a linearizability check (see check.h for check()).
//
//   weft::lin::CheckOptions options;
//   options.time_limit = absl::Seconds(10);     // verdict kUnknown after that
//   weft::lin::CheckResult r = weft::lin::check(model, history, options);
//   if (r.verdict == weft::lin::Verdict::kNotLinearizable) { ... r.core ... }
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "weft/lin/history.h"

namespace weft::lin {

enum class Verdict { kLinearizable, kNotLinearizable, kUnknown };

absl::string_view verdict_name(Verdict v);

// Reductions that shrink the search without changing the verdict. All on by
// default; they can be turned off to compare against a plain search.
struct Reductions {
  // Check the parts of model.partition() independently (P-compositionality).
  bool partition = true;
  // Memoize visited (linearized set, state) nodes (Lowe 2017).
  bool memoize = true;
  // An operation that never changes the state (a read, a failed CAS; see
  // read_only() in model.h) is linearized as soon as it is legal.
  bool greedy_read_only = true;
  // Of identical operations (same input and output) that could all go next,
  // only the one that returns first is tried (detail/identical_ops.h). The
  // queue search (queue_by_values) has its own such choices, always on.
  bool canonical_identical = true;
  // Memo keys cover only the operations between two quiescent points (times
  // where no operation is pending), which keeps them short on long histories.
  bool cut_quiescent = true;
  // An operation with an unknown outcome is linearized only where the next
  // operation depends on it: not right before one that overwrites its effect
  // or could as well go first. Used by the required-first order only.
  bool optional_where_it_matters = true;
  // The candidate orders searched side by side, sharing failed nodes; the
  // first verdict wins (see Order in detail/search.h). Not reductions, but
  // like them they never change the verdict. With both off, required-first.
  bool search_required_first = true;
  bool search_in_call_order = true;
  // A FIFO queue history whose enqueued values are distinct (and which has
  // no size()) is searched by dequeue steps only (detail/queue_search.h):
  // which of several concurrent enqueues came first is left open until a
  // dequeue shows it.
  bool queue_by_values = true;
  // Key/value histories: a node is dead when a get not yet linearized can no
  // longer return its value (the key's value is not a prefix of it and no
  // put still to come sets one), and a value that is a prefix of no get
  // still to come is forgotten (detail/kv_read_guide.h). Appends are then
  // tried in the order the next reads show, and the orders of those a put
  // overwrites unseen make one node.
  bool kv_reads_guide_writes = true;
  // CAS-register histories: a node is dead when a read (or successful
  // compare-and-set) not yet linearized needs a value the register does not
  // hold and no write of it is still to come, and a value no read or
  // compare-and-set still to come looks at is forgotten
  // (detail/register_read_guide.h). A value's readers then follow its write,
  // and the orders of writes a later write overwrites unseen make one node.
  bool register_reads_guide_writes = true;
};

struct CheckResult;

struct CheckOptions {
  // The search gives up with Verdict::kUnknown after this long.
  absl::Duration time_limit = absl::InfiniteDuration();
  // On a violation, also compute the smallest failing sub-history and the
  // longest linearizable prefix (more searches, bounded by explain_time_limit).
  bool explain = true;
  // The explanation's own time budget, on top of the verdict's; unset: the
  // larger of 100 ms and the time the verdict took. What it found by then is
  // reported, marked as perhaps not the smallest or longest.
  std::optional<absl::Duration> explain_time_limit;
  // Called once the verdict is known, before the explanation starts, e.g. to
  // print it at once. The result has no explanation yet.
  std::function<void(const CheckResult&)> on_verdict;
  Reductions reductions;
};

struct CheckStats {
  std::uint64_t steps = 0;         // calls of the model's step functions
  std::uint64_t nodes = 0;         // search nodes entered
  std::size_t parts = 0;           // independent parts checked
  std::size_t parts_decided = 0;   // of those, parts whose verdict was found
  absl::Duration elapsed;          // verdict only, explanation excluded
  absl::Duration explain_elapsed;  // the explanation
  // Verdict unknown: how far the search got in the undecided parts: the
  // earliest, over those parts, of the furthest return time up to which it
  // had linearized every operation that returned before it.
  Time reached = std::numeric_limits<Time>::min();
};

// Indices below refer to positions in the checked history.
struct CheckResult {
  Verdict verdict = Verdict::kUnknown;
  std::string message;  // why the verdict is unknown; empty otherwise

  // Linearizable: one order per independent part. Operations with an unknown
  // outcome that need not have taken effect are left out.
  std::vector<std::vector<std::size_t>> linearizations;

  // Not linearizable:
  std::vector<std::size_t> failing_part;  // the part that failed, by call time
  // The smallest sub-history found that cannot be linearized even if every
  // other operation of the part may or may not have taken effect.
  std::vector<std::size_t> core;
  // false when the explanation ran out of time or of search budget
  bool core_is_minimal = false;
  // The failing part is linearizable up to (and including) time prefix_end:
  // operations that returned by then are in prefix_linearization, in order.
  // With no linearizable prefix at all, has_prefix is false.
  bool has_prefix = false;
  Time prefix_end = 0;
  std::vector<std::size_t> prefix_linearization;
  // false when the explanation ran out of time before it could tell that no
  // longer prefix is linearizable: the prefix shown is, but may not be the
  // longest, and first_failing may be later than the real first failure.
  bool prefix_is_longest = false;
  // The operations whose return ends the longest linearizable prefix.
  std::vector<std::size_t> first_failing;
  // An explanation was computed (explain on, verdict not linearizable).
  bool explained = false;

  CheckStats stats;
};

}  // namespace weft::lin
