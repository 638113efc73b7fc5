// The visible operations a thread can perform at a scheduling point. Traces
// and reports name each step by one of these.
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
};

const char* op_name(Op op);

}  // namespace weft::detail
