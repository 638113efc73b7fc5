// Which steps conflict: the relation POS resets priorities along, SURW
// profiles shared objects with, and a partial-order reduction would commute
// by. Two steps conflict when they name the same object and at least one of
// them changes it (op_kind in base/op.h); swapping two steps that do not
// conflict leaves every thread seeing the same values.
//
//   if (conflicting(view.pending(a), view.pending(b))) ...
#pragma once

#include "weft/base/event.h"
#include "weft/base/op.h"

namespace weft::detail {

// Each takes a RawEvent, or a compact record of a step with the same
// fields (object, op, failed): strategy/order_steps.h's OrderStep, whose
// object is a number (0: none) instead of an address.

// The step names an object it acts on (not thread bookkeeping).
template <typename Step = RawEvent>
bool touches_object(const Step& e) {
  return e.object != decltype(e.object){} && op_kind(e.op) != OpKind::kLocal;
}

// The step changes its object (or may: a pending CAS has not failed yet).
template <typename Step = RawEvent>
bool changes_object(const Step& e) {
  const OpKind kind = op_kind(e.op);
  return !e.failed && (kind == OpKind::kWrite || kind == OpKind::kSync);
}

template <typename StepA = RawEvent, typename StepB = RawEvent>
bool conflicting(const StepA& a, const StepB& b) {
  return a.object == b.object && touches_object(a) && touches_object(b) && (changes_object(a) || changes_object(b));
}

}  // namespace weft::detail
