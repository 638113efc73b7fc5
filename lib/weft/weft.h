// weft: find concurrency bugs by controlling the scheduler.
//
// Include this one header. Write the test body with weft's types, which
// mirror the standard library's, and let weft run it under thousands of
// schedules:
//
//   #include <weft/weft.h>
//
//   WEFT_TEST(Bank, TransferKeepsTotal) {
//     weft::var<int> a{100, "a"}, b{0, "b"};
//     weft::mutex m;
//     weft::thread t([&] { std::scoped_lock l(m); a = a - 10; b = b + 10; });
//     { std::scoped_lock l(m); WEFT_ASSERT(a + b == 100); }
//     t.join();
//   }
//
// Or, without GoogleTest: weft::explore(options, body) and weft::replay(token, body).
#pragma once

#include "weft/explore.h"
#include "weft/sync/assert.h"
#include "weft/sync/atomic.h"
#include "weft/sync/channel.h"
#include "weft/sync/choose.h"
#include "weft/sync/condition_variable.h"
#include "weft/sync/event_loop.h"
#include "weft/sync/latch.h"
#include "weft/sync/mutex.h"
#include "weft/sync/select.h"
#include "weft/sync/semaphore.h"
#include "weft/sync/shared_mutex.h"
#include "weft/sync/thread.h"
#include "weft/sync/var.h"

#if __has_include(<gtest/gtest.h>) && !defined(WEFT_NO_GTEST)
#include "weft/gtest/weft_test.h"
#endif
