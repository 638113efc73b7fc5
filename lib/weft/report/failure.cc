// The names of failure.h's enumerations: what reports print and what JSON
// consumers match on. They are part of the JSON format (docs/report-format.md):
// never rename one.
#include "weft/report/failure.h"

namespace weft {

std::string_view failure_kind_name(FailureKind kind) {
  switch (kind) {
    case FailureKind::kAssertion:
      return "assertion failed";
    case FailureKind::kUncaughtException:
      return "uncaught exception";
    case FailureKind::kDeadlock:
      return "deadlock";
    case FailureKind::kLivelock:
      return "livelock";
    case FailureKind::kMisuse:
      return "misuse";
    case FailureKind::kStackOverflow:
      return "stack overflow";
    case FailureKind::kDataRace:
      return "data race";
    case FailureKind::kLockOrderInversion:
      return "lock-order inversion";
    case FailureKind::kNotLinearizable:
      return "not linearizable";
    case FailureKind::kReplayDiverged:
      return "replay diverged";
    case FailureKind::kCrash:
      return "crash";
  }
  return "failure";
}

std::string_view misuse_rule_name(MisuseRule rule) {
  switch (rule) {
    case MisuseRule::kRelock:
      return "relock";
    case MisuseRule::kLockSharedWhileExclusive:
      return "lock_shared_while_exclusive";
    case MisuseRule::kUnlockNotHeld:
      return "unlock_not_held";
    case MisuseRule::kUnlockSharedNotHeld:
      return "unlock_shared_not_held";
    case MisuseRule::kDestroyedWhileHeld:
      return "destroyed_while_held";
    case MisuseRule::kWaitWithoutLock:
      return "wait_without_lock";
    case MisuseRule::kCountDownOutOfRange:
      return "count_down_out_of_range";
    case MisuseRule::kArrivalOutOfRange:
      return "arrival_out_of_range";
    case MisuseRule::kReleaseOutOfRange:
      return "release_out_of_range";
    case MisuseRule::kJoinNotJoinable:
      return "join_not_joinable";
    case MisuseRule::kJoinSelf:
      return "join_self";
    case MisuseRule::kDetachNotJoinable:
      return "detach_not_joinable";
    case MisuseRule::kThreadDestroyedWhileJoinable:
      return "thread_destroyed_while_joinable";
    case MisuseRule::kChannelClosedTwice:
      return "channel_closed_twice";
    case MisuseRule::kSendOnClosedChannel:
      return "send_on_closed_channel";
    case MisuseRule::kSelectDuplicateCase:
      return "select_duplicate_case";
    case MisuseRule::kExitUnwindSwallowed:
      return "exit_unwind_swallowed";
  }
  return "unknown";
}

std::string_view access_kind_name(AccessKind kind) {
  switch (kind) {
    case AccessKind::kRead:
      return "read";
    case AccessKind::kWrite:
      return "write";
    case AccessKind::kConstruction:
      return "construction";
  }
  return "access";
}

}  // namespace weft
