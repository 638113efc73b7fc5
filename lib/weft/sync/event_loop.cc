#include "weft/sync/event_loop.h"

#include <algorithm>
#include <utility>

#include "weft/detect/happens_before.h"

namespace weft {

using detail::Execution;
using detail::Op;

void event_loop::post(handler fn, const char* handler_name, weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kPost, this, name_, where);
  enqueue(Entry{.fn = std::move(fn), .name = handler_name, .where = where}, ex);
}

event_loop::timer_id event_loop::post_after_ns(int64_t delay_ns, handler fn, const char* handler_name,
                                               weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kPost, this, name_, where);
  const timer_id id = next_timer_++;
  enqueue(Entry{.fn = std::move(fn),
                .name = handler_name,
                .where = where,
                .due = ex.now() + std::max<int64_t>(delay_ns, 0),
                .id = id},
          ex);
  return id;
}

bool event_loop::cancel(timer_id timer, weft::source_location where) {
  Execution& ex = Execution::get();
  // It changes the queue, as a post does; not cancellable: timers' destructors cancel.
  ex.point(Op::kPost, this, name_, where, detail::Cancel::kNonCancellable);
  for (std::vector<Entry>* queue : {&timers_, &ready_}) {
    auto it = std::find_if(queue->begin(), queue->end(), [&](const Entry& e) { return e.id == timer; });
    if (it == queue->end()) continue;
    queue->erase(it);
    wake_runners(ex);  // its deadline may have been this timer's
    return true;
  }
  return false;
}

void event_loop::enqueue(Entry entry, Execution& ex) {
  if (detail::HappensBefore* hb = ex.races()) hb->release(ex.current(), entry.posted);
  (entry.id == 0 ? ready_ : timers_).push_back(std::move(entry));
  wake_runners(ex);
}

void event_loop::wake_runners(Execution& ex) {
  for (detail::ThreadId t : idle_) ex.wake(t);
}

void event_loop::drop_hold() {
  --holds_;
  if (holds_ == 0) {
    if (Execution* ex = Execution::get_if_any()) wake_runners(*ex);
  }
}

void event_loop::stop(weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kStop, this, name_, where, detail::Cancel::kNonCancellable);
  stopped_ = true;
  wake_runners(ex);
}

bool event_loop::running_in_this_thread() const {
  const Execution* ex = Execution::get_if_any();
  return ex != nullptr && std::find(runners_.begin(), runners_.end(), ex->current()) != runners_.end();
}

void event_loop::fire_due_timers(int64_t now) {
  auto due = std::stable_partition(timers_.begin(), timers_.end(), [&](const Entry& e) { return e.due > now; });
  std::stable_sort(due, timers_.end(), [](const Entry& a, const Entry& b) { return a.due < b.due; });
  for (auto it = due; it != timers_.end(); ++it) ready_.push_back(std::move(*it));
  timers_.erase(due, timers_.end());
}

int64_t event_loop::earliest_due() const {
  int64_t earliest = detail::kNoDeadline;
  for (const Entry& e : timers_) earliest = std::min(earliest, e.due);
  return earliest;
}

void event_loop::wait(Execution& ex, int64_t deadline) {
  // Blocked here, the thread waits in run() on the loop, whatever its last
  // step was (a handler's): that is what a deadlock report should say.
  ex.retarget_pending(Op::kRunLoop, this, name_);
  idle_.push_back(ex.current());
  ex.block(*this, deadline);
  std::erase(idle_, ex.current());
}

void event_loop::run_entry(Execution& ex, Entry entry) {
  // The step names the handler (its name is the object, so the label is
  // the name) at the site that posted it. The step before it, which picked
  // the handler, named the loop.
  const void* object = entry.name != nullptr ? static_cast<const void*>(entry.name) : this;
  ex.point(Op::kHandler, object, entry.name != nullptr ? entry.name : name_, entry.where);
  if (detail::HappensBefore* hb = ex.races()) hb->acquire(ex.current(), entry.posted);
  ++running_;
  struct Finish {
    event_loop& loop;
    Execution& ex;
    ~Finish() {
      // The last running handler posted nothing more: idle runners may be done.
      if (--loop.running_ == 0) loop.wake_runners(ex);
    }
  } finish{*this, ex};
  entry.fn();
}

std::size_t event_loop::run(weft::source_location where) {
  Execution& ex = Execution::get();
  ex.point(Op::kRunLoop, this, name_, where);
  runners_.push_back(ex.current());
  struct Leave {
    event_loop& loop;
    detail::ThreadId self;
    ~Leave() { loop.runners_.erase(std::find(loop.runners_.begin(), loop.runners_.end(), self)); }
  } leave{*this, ex.current()};
  std::size_t ran = 0;
  // Every look at the queue happens in a step whose point named the loop
  // (run's own, a wakeup on the loop, or one before each pick), so a
  // partial-order reduction orders it with the posts that change the queue.
  bool at_loop_point = true;
  while (!stopped_) {
    if (!at_loop_point) ex.point(Op::kRunLoop, this, name_, where);
    at_loop_point = false;
    fire_due_timers(ex.now());
    if (ready_.empty()) {
      if (timers_.empty() && holds_ == 0 && running_ == 0) break;
      wait(ex, earliest_due());  // for a post, a timer, the last hold, or a running handler to end
      at_loop_point = true;
      continue;
    }
    // Any ready handler may run next (of the timers that fired, those due
    // first: timers keep their deadlines' order); or time may run on to the
    // earliest pending timer first, as if the ready ones took that long.
    int64_t first_due = detail::kNoDeadline;
    for (const Entry& e : ready_) {
      if (e.id != 0) first_due = std::min(first_due, e.due);
    }
    candidates_.clear();
    for (std::size_t i = 0; i < ready_.size(); ++i) {
      if (ready_[i].id == 0 || ready_[i].due == first_due) candidates_.push_back(i);
    }
    const std::size_t choices = candidates_.size() + (timers_.empty() ? 0 : 1);
    const std::size_t pick = choices == 1 ? 0 : ex.choose(static_cast<uint32_t>(choices), where);
    if (pick == candidates_.size()) {
      wait(ex, earliest_due());
      at_loop_point = true;
      continue;
    }
    const std::size_t index = candidates_[pick];
    Entry entry = std::move(ready_[index]);
    ready_.erase(ready_.begin() + static_cast<std::ptrdiff_t>(index));
    run_entry(ex, std::move(entry));
    ++ran;
  }
  return ran;
}

}  // namespace weft
