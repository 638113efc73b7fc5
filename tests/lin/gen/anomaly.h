// Injecting anomalies into simulated histories, each with a proof that the
// result is not linearizable (a *witness*, checked on the history itself, so
// the expected verdict does not rest on how the anomaly was made):
//
//  - Overwritten read (register, kv): an operation r requires the state to
//    be u (a read returning u, a successful cas from u); an operation w with a
//    known outcome that certainly leaves the state != u returned before r was
//    called; and every operation that could set the state to u (known outcome
//    or not) returned before w was called or was called after r returned. In
//    any linearization w precedes r, the state after w is not u, and nothing
//    placed between them can make it u again.
//  - Pinned failed cas (register): cas(a, b) reported failure, a write that
//    certainly leaves a returned before it was called, and every operation
//    that could change the value lies entirely before that write or after the
//    cas: the value was a when the cas took effect, so it had to succeed.
//  - Too many dequeues (queue): more dequeues with a known outcome returned v
//    than operations ever enqueued v; each element leaves a queue once.
//
//   weft::lin::gen::History h = simulate(w);
//   if (inject(h, w)) { /* h.expected == kNotLinearizable, h.reason says why */ }
#pragma once

#include <string>

#include "gen/workload.h"

namespace weft::lin::gen {

// Injects w.anomaly near w.anomaly_at. Returns true with h.expected =
// kNotLinearizable and the witness in h.reason when one of the injection sites
// tried yields a witness; otherwise the anomaly is still injected at the site
// nearest the target, h.expected is kUndecided (unknown outcomes may explain
// it) and it returns false.
bool inject(History& h, const Workload& w);

// Any witness of the three kinds above in h, described; empty if none.
// Quadratic: for tests on small histories (a simulated history must have none).
std::string find_witness(const History& h);

}  // namespace weft::lin::gen
