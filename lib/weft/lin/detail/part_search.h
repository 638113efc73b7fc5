// The interface of a resumable search of one part of a history, shared by
// the general search (search.h) and the queue search (queue_search.h).
//
//   std::unique_ptr<PartSearch> s = make_search(...);   // search.h
//   SearchResult r = s->resume(budget);                  // kPaused: call again
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "weft/lin/check_result.h"
#include "weft/lin/history.h"

namespace weft::lin::detail {

enum class Outcome { kLinearizable, kNotLinearizable, kTimedOut, kPaused };

// The unit of the budgets searches take turns with: nodes entered plus model
// steps taken. Nodes alone would be unfair to an order that tries more
// candidates per node (the required-first order takes several steps per node
// where the call order takes one or two, each a copy of the model's state),
// and time would make the turns, and so the node counts, vary between runs.
inline std::uint64_t work_done(const CheckStats& stats) { return stats.nodes + stats.steps; }

// The work_done() at which a turn of `work_budget` more ends (saturating: an
// unlimited budget is the largest value).
inline std::uint64_t work_limit(const CheckStats& stats, std::uint64_t work_budget) {
  const std::uint64_t done = work_done(stats);
  return work_budget > std::numeric_limits<std::uint64_t>::max() - done ? std::numeric_limits<std::uint64_t>::max()
                                                                        : done + work_budget;
}

struct SearchResult {
  Outcome outcome = Outcome::kTimedOut;
  std::vector<std::size_t> linearization;  // history indices, when linearizable
};

// A search that can be paused and resumed, so that check() can interleave
// the parts of a history and stop at the first one that fails (a failing
// part is often far quicker to refute than its siblings are to confirm).
class PartSearch {
 public:
  virtual ~PartSearch() = default;
  // Searches until a verdict, the deadline, or `work_budget` more work
  // (work_done(): nodes entered plus model steps taken).
  virtual SearchResult resume(std::uint64_t work_budget) = 0;
  // How far it got: the latest time such that some node had linearized every
  // operation that returned before it.
  virtual Time reached() const = 0;
};

}  // namespace weft::lin::detail
