// Compiled without -fsanitize=thread (see weft_twins.h and CMakeLists.txt).
#include "weft_twins.h"

#include "seed_patterns.h"

namespace weft_twins {

using seed::WeftTypes;

void lost_update() { seed::lost_update<WeftTypes>(); }
void lost_update_locked() { seed::lost_update<WeftTypes, seed::Guard::kMutex>(); }
void lock_order_deadlock() { seed::lock_order_deadlock<WeftTypes>(); }
void lock_order_scoped() { seed::lock_order_deadlock<WeftTypes, seed::Locking::kScopedLock>(); }
void lost_wakeup_if() { seed::lost_wakeup<WeftTypes, seed::Recheck::kIf>(); }
void lost_wakeup_while() { seed::lost_wakeup<WeftTypes, seed::Recheck::kWhile>(); }
void treiber_aba_pointer_head() { seed::treiber_aba<WeftTypes, seed::PointerHead>(); }
void treiber_aba_tagged_head() { seed::treiber_aba<WeftTypes, seed::TaggedHead>(); }
void actor_get_then_set() { seed::actor_mailbox<WeftTypes, seed::Update::kGetThenSet>(); }
void actor_one_message() { seed::actor_mailbox<WeftTypes, seed::Update::kOneMessage>(); }

}  // namespace weft_twins
