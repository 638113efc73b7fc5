#include "weft/detect/lock_order.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "weft/report/trace.h"

namespace weft::detail {
namespace {

std::string site(const std::source_location& where) { return format_position(to_position(where)); }

}  // namespace

std::string LockOrder::key_of(const void* lock, const char* name) {
  auto it = serials_.find(lock);
  if (it != serials_.end()) return it->second;
  std::string key = name != nullptr ? absl::StrCat("'", name, "'") : absl::StrCat("mutex#", ++next_serial_);
  serials_.emplace(lock, key);
  return key;
}

bool LockOrder::reachable(const std::string& from, const std::string& to, std::vector<std::string>& path) const {
  path.push_back(from);
  if (from == to) return true;
  auto it = graph_.find(from);
  if (it != graph_.end()) {
    for (const auto& [next, edge] : it->second) {
      if (std::find(path.begin(), path.end(), next) != path.end()) continue;
      if (reachable(next, to, path)) return true;
    }
  }
  path.pop_back();
  return false;
}

void LockOrder::acquired(ThreadId thread, const void* lock, const char* name, std::source_location where,
                         bool blocking) {
  std::vector<Held>& held = held_[thread];
  const std::string key = key_of(lock, name);
  if (blocking) {
    for (const Held& h : held) {
      if (h.key == key) continue;
      std::vector<std::string> path;
      if (!inversion_ && !reported_.contains(std::pair(h.key, key)) && reachable(key, h.key, path)) {
        reported_.insert(std::pair(h.key, key));
        const Edge& back = graph_[path[0]][path[1]];
        LockInversion inv;
        inv.message = absl::StrCat("lock-order inversion (potential deadlock): thread ", thread, " acquires ", key,
                                   " while holding ", h.key, ", but thread ", back.thread, " acquired ",
                                   back.acquired_name, " while holding ", back.held_name);
        inv.details.push_back(absl::StrCat("thread ", thread, " took ", h.key, " at ", site(h.where), ", then ", key,
                                           " at ", site(where)));
        for (size_t i = 0; i + 1 < path.size(); ++i) {
          const Edge& e = graph_[path[i]][path[i + 1]];
          inv.details.push_back(absl::StrCat("thread ", e.thread, " took ", e.held_name, " at ", site(e.held_at),
                                             ", then ", e.acquired_name, " at ", site(e.acquired_at),
                                             " (an earlier execution or step)"));
        }
        inv.details.push_back("two threads taking these locks in opposite orders can each hold one and wait "
                              "forever for the other; take them in one global order (or with std::scoped_lock)");
        inversion_ = std::move(inv);
      }
      graph_[h.key].try_emplace(key, Edge{thread, h.key, key, h.where, where});
    }
  }
  held.push_back(Held{lock, key, key, where});
}

void LockOrder::released(ThreadId thread, const void* lock) {
  std::vector<Held>& held = held_[thread];
  for (auto it = held.rbegin(); it != held.rend(); ++it) {
    if (it->lock == lock) {
      held.erase(std::next(it).base());
      return;
    }
  }
}

}  // namespace weft::detail
