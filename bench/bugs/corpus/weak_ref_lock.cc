// A weak reference locked by check-then-increment: an object revived after
// its last strong reference destroyed it.
//
// Pattern: an intrusive reference count, as behind shared_ptr/weak_ptr. A
//   weak holder "locks" the object (gets a strong reference) only if the
//   count is not zero; the last release destroys the object.
// Bug: lock() checks `strong > 0`, then increments. The owner's release
//   between the two takes the count to zero and destroys the object; the
//   lock then revives a destroyed object, uses it and destroys it again.
// Fix: increment with a CAS loop that refuses to go from zero.
#include <weft/weft.h>

#include "bugs/program.h"

namespace {

struct Object {
  weft::atomic<int> strong{1, "strong"};
  weft::atomic<bool> alive{true, "alive"};
};

void release(Object& o) {
  if (o.strong.fetch_sub(1) == 1) WEFT_ASSERT_MSG(o.alive.exchange(false), "an object was destroyed twice");
}

template <bool kCasFromNonZero>
bool lock(Object& o) {
  if constexpr (kCasFromNonZero) {
    int n = o.strong.load();
    while (n > 0) {
      if (o.strong.compare_exchange_weak(n, n + 1)) return true;
    }
    return false;
  } else {
    if (o.strong.load() == 0) return false;
    o.strong.fetch_add(1);
    return true;
  }
}

template <bool kCasFromNonZero>
void owner_and_weak_holder() {
  Object o;
  weft::thread weak_holder([&] {
    if (lock<kCasFromNonZero>(o)) {
      WEFT_ASSERT_MSG(o.alive.load(), "a weak reference revived a destroyed object");
      release(o);
    }
  });
  release(o);  // the owner's only strong reference
  weak_holder.join();
}

}  // namespace

WEFT_BUG_PROGRAM(weak_ref_lock, {.name = "corpus/weak_ref_lock",
                                 .what = "weak_ptr::lock as check-then-increment revives a destroyed object",
                                 .buggy = owner_and_weak_holder<false>,
                                 .fixed = owner_and_weak_holder<true>,
                                 .kinds = {weft::FailureKind::kAssertion}});
