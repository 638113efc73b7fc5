// A deliberately plain linearizability check for tests: it tries every order
// of the operations that respects real time, with no memo and no reductions.
// Exponential; use it on histories of a dozen operations or fewer.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <optional>
#include <vector>

#include "weft/lin/history.h"
#include "weft/lin/model.h"

namespace weft::lin::testing {

template <Model M>
class ReferenceCheck {
 public:
  ReferenceCheck(const M& model, const HistoryOf<M>& history)
      : model_(model), history_(history), done_(history.size(), false) {}

  bool linearizable() { return search(model_.initial(), std::numeric_limits<Time>::min()); }

 private:
  // max_call: the latest call among the operations placed so far; an
  // operation that returned before it can no longer be placed.
  bool search(const typename M::State& state, Time max_call) {
    bool all_required_done = true;
    for (std::size_t i = 0; i < history_.size(); ++i) {
      if (!done_[i] && history_[i].output) all_required_done = false;
    }
    if (all_required_done) return true;  // the rest may never have happened
    for (std::size_t i = 0; i < history_.size(); ++i) {
      if (done_[i] || !may_go_next(i) || history_[i].ret < max_call) continue;
      std::optional<typename M::State> next;
      if (history_[i].output) {
        next = model_.step(state, history_[i].input, *history_[i].output);
      } else {
        next = model_.step_unknown(state, history_[i].input);
      }
      if (!next) continue;
      done_[i] = true;
      const bool found = search(*next, std::max(max_call, history_[i].call));
      done_[i] = false;
      if (found) return true;
    }
    return false;
  }

  // No other operation that must still happen returned before this one was
  // called. (An optional one that did is then left out.)
  bool may_go_next(std::size_t i) const {
    for (std::size_t j = 0; j < history_.size(); ++j) {
      if (j != i && !done_[j] && history_[j].output && history_[j].ret < history_[i].call) {
        return false;
      }
    }
    return true;
  }

  const M& model_;
  const HistoryOf<M>& history_;
  std::vector<bool> done_;
};

}  // namespace weft::lin::testing
