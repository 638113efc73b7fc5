#include "weft/base/op.h"

namespace weft::detail {

const char* op_name(Op op) {
  switch (op) {
    case Op::kStart:
      return "start";
    case Op::kExit:
      return "exit";
    case Op::kSpawn:
      return "spawn";
    case Op::kJoin:
      return "join";
    case Op::kDetach:
      return "detach";
    case Op::kYield:
      return "yield";
    case Op::kSleep:
      return "sleep";
    case Op::kLock:
      return "lock";
    case Op::kTryLock:
      return "try_lock";
    case Op::kUnlock:
      return "unlock";
    case Op::kLockShared:
      return "lock_shared";
    case Op::kTryLockShared:
      return "try_lock_shared";
    case Op::kUnlockShared:
      return "unlock_shared";
    case Op::kWait:
      return "wait";
    case Op::kNotifyOne:
      return "notify_one";
    case Op::kNotifyAll:
      return "notify_all";
    case Op::kAcquire:
      return "acquire";
    case Op::kTryAcquire:
      return "try_acquire";
    case Op::kRelease:
      return "release";
    case Op::kCountDown:
      return "count_down";
    case Op::kArriveAndWait:
      return "arrive_and_wait";
    case Op::kLoad:
      return "load";
    case Op::kStore:
      return "store";
    case Op::kReadModifyWrite:
      return "rmw";
    case Op::kCompareExchange:
      return "cas";
    case Op::kRead:
      return "read";
    case Op::kWrite:
      return "write";
    case Op::kSend:
      return "send";
    case Op::kTrySend:
      return "try_send";
    case Op::kReceive:
      return "recv";
    case Op::kTryReceive:
      return "try_recv";
    case Op::kClose:
      return "close";
    case Op::kChoose:
      return "choose";
    case Op::kWakeup:
      return "wakeup";
    case Op::kSelect:
      return "select";
    case Op::kPost:
      return "post";
    case Op::kHandler:
      return "handler";
    case Op::kRunLoop:
      return "run";
    case Op::kStop:
      return "stop";
  }
  return "?";
}

}  // namespace weft::detail
