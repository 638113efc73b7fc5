// AddressSanitizer must be told when the stack changes under it: Boost.Context
// switches stacks in assembly, with no hooks of its own. Without these calls
// ASan reports nonsense after the first switch. No-ops in other builds.
#pragma once

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define WEFT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_ASAN 1
#endif
#endif

#if defined(WEFT_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif

namespace weft::detail {

#if defined(WEFT_ASAN)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif

// `fake_stack` null means the current fiber is ending and its fake stack can go.
inline void start_fiber_switch(void** fake_stack, const void* bottom, std::size_t size) {
#if defined(WEFT_ASAN)
  __sanitizer_start_switch_fiber(fake_stack, bottom, size);
#else
  (void)fake_stack, (void)bottom, (void)size;
#endif
}

inline void finish_fiber_switch(void* fake_stack, const void** old_bottom, std::size_t* old_size) {
#if defined(WEFT_ASAN)
  __sanitizer_finish_switch_fiber(fake_stack, old_bottom, old_size);
#else
  (void)fake_stack, (void)old_bottom, (void)old_size;
#endif
}

}  // namespace weft::detail
