// The visible operations a thread can perform at a scheduling point. Traces
// and reports name each step by one of these; strategies that reason about
// which steps conflict ask op_kind() what each one does to its object.
//
//   if (op_kind(e.op) == OpKind::kRead) ...  // a load, a weft::var read
#pragma once

#include <cstdint>

namespace weft::detail {

enum class Op : uint8_t {
  kStart,
  kExit,
  kSpawn,
  kJoin,
  kDetach,
  kYield,
  kSleep,
  kLock,
  kTryLock,
  kUnlock,
  kLockShared,
  kTryLockShared,
  kUnlockShared,
  kWait,
  kNotifyOne,
  kNotifyAll,
  kAcquire,
  kTryAcquire,
  kRelease,
  kCountDown,
  kArriveAndWait,
  kLoad,
  kStore,
  kReadModifyWrite,
  kCompareExchange,
  kRead,
  kWrite,
  kSend,
  kTrySend,
  kReceive,
  kTryReceive,
  kClose,
  kChoose,
  kWakeup,
  kSelect,   // weft::select: names its first channel; the choose step after it says which case ran
  kPost,     // event_loop::post / post_after
  kHandler,  // the event loop's thread runs a handler (names it, at the site that posted it)
  kRunLoop,  // event_loop::run waiting for work
  kStop,     // event_loop::stop
};

const char* op_name(Op op);

// What an operation does to the object it names (RawEvent::object):
//   kLocal: names no shared object (start, exit, spawn, yield, sleep,
//           choose, join, detach: thread bookkeeping, ordered by other means);
//   kRead:  reads the object and changes nothing (load, var read);
//   kWrite: changes a memory object (store, RMW, CAS, var write);
//   kSync:  acts on a synchronization object's state (lock, unlock, wait,
//           notify, semaphore and latch operations, channel operations, a
//           wakeup retrying the operation the thread blocked in).
// Two operations conflict when they name the same object and at least one of
// them is a kWrite or kSync (see strategy/conflict.h). A CAS counts as a
// write before it runs; one that failed only read (RawEvent::failed).
enum class OpKind : uint8_t { kLocal, kRead, kWrite, kSync };

constexpr OpKind op_kind(Op op) {
  switch (op) {
    case Op::kStart:
    case Op::kExit:
    case Op::kSpawn:
    case Op::kJoin:
    case Op::kDetach:
    case Op::kYield:
    case Op::kSleep:
    case Op::kChoose:
      return OpKind::kLocal;
    case Op::kLoad:
    case Op::kRead:
      return OpKind::kRead;
    case Op::kStore:
    case Op::kReadModifyWrite:
    case Op::kCompareExchange:
    case Op::kWrite:
      return OpKind::kWrite;
    case Op::kLock:
    case Op::kTryLock:
    case Op::kUnlock:
    case Op::kLockShared:
    case Op::kTryLockShared:
    case Op::kUnlockShared:
    case Op::kWait:
    case Op::kNotifyOne:
    case Op::kNotifyAll:
    case Op::kAcquire:
    case Op::kTryAcquire:
    case Op::kRelease:
    case Op::kCountDown:
    case Op::kArriveAndWait:
    case Op::kSend:
    case Op::kTrySend:
    case Op::kReceive:
    case Op::kTryReceive:
    case Op::kClose:
    case Op::kWakeup:
    case Op::kSelect:
    case Op::kPost:
    case Op::kHandler:
    case Op::kRunLoop:
    case Op::kStop:
      return OpKind::kSync;
  }
  return OpKind::kLocal;
}

}  // namespace weft::detail
