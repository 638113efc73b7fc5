// Boost.Asio handler code on weft::asio::context: Asio's post, dispatch and
// defer, strands (FIFO within a strand, any order across strands), a
// timer in virtual time with Asio's async_wait, work guards; and a bug that
// needs handlers of two strands to interleave, found and replayed.
#include <gtest/gtest.h>
#include <weft/asio/context.h>
#include <weft/asio/timer.h>
#include <weft/weft.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/defer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <set>
#include <string>

#include "support/test_support.h"

namespace {

using namespace std::chrono_literals;
using weft::FailureKind;
using weft_test::options_with;

TEST(Asio, PostDispatchAndDeferRunOnTheContext) {
  weft::expect_no_bug(options_with(300), [] {
    weft::asio::context io{"io"};
    std::string ran;
    boost::asio::post(io, [&] {
      ran += 'p';
      // From a handler of the context, dispatch runs at once.
      boost::asio::dispatch(io, [&] { ran += 'd'; });
      WEFT_ASSERT(ran == "pd");
      boost::asio::defer(io, [&] { ran += 'f'; });
    });
    WEFT_ASSERT(io.run() == 2);
    WEFT_ASSERT(ran == "pdf");
  });
}

TEST(Asio, TheOrderOfPostedHandlersIsExplored) {
  std::set<std::string> orders;
  const weft::Result r = weft::explore(options_with(200), [&] {
    weft::asio::context io{"io"};
    std::string order;
    boost::asio::post(io, [&] { order += 'a'; });
    boost::asio::post(io, [&] { order += 'b'; });
    io.run();
    orders.insert(order);
  });
  ASSERT_FALSE(r.bug_found()) << r.failure->report;
  EXPECT_EQ(orders, (std::set<std::string>{"ab", "ba"}));
}

// A strand runs its handlers in the order they were posted, in every
// schedule, while other handlers come between them in any order.
TEST(Asio, AStrandKeepsItsHandlersInOrder) {
  std::set<std::string> orders;
  const weft::Result r = weft::explore(options_with(500), [&] {
    weft::asio::context io{"io"};
    auto strand = boost::asio::make_strand(io);
    std::string order;
    for (char c : std::string("123")) boost::asio::post(strand, [&order, c] { order += c; });
    boost::asio::post(io, [&] { order += 'x'; });
    io.run();
    std::string strand_only = order;
    std::erase(strand_only, 'x');
    WEFT_ASSERT_MSG(strand_only == "123", "a strand ran its handlers out of order");
    orders.insert(order);
  });
  ASSERT_FALSE(r.bug_found()) << r.failure->report;
  EXPECT_GT(orders.size(), 1u);  // the other handler lands in different places
}

// Asio's work guard keeps run() waiting for a completion from another
// thread; the completion runs through the strand it is bound to.
TEST(Asio, AWorkGuardWaitsForACompletionFromAThread) {
  weft::expect_no_bug(options_with(500), [] {
    weft::asio::context io{"io"};
    auto strand = boost::asio::make_strand(io);
    weft::var<int> result{0, "result"};
    bool done = false;
    weft::thread worker([&, work = boost::asio::make_work_guard(io)]() mutable {
      result = 7;
      boost::asio::post(strand, [&] { done = result == 7; });
      work.reset();
    });
    io.run();
    WEFT_ASSERT(done);
    worker.join();
  });
}

TEST(Asio, ATimerCompletesInVirtualTimeOrIsCancelled) {
  weft::expect_no_bug(options_with(300), [] {
    weft::asio::context io{"io"};
    weft::asio::timer fires{io}, cancelled{io};
    boost::system::error_code fired_ec = boost::asio::error::would_block, cancelled_ec;
    int64_t fired_at = -1;
    fires.expires_after(5ms);
    fires.async_wait([&](boost::system::error_code ec) {
      fired_ec = ec;
      fired_at = (weft::steady_clock::now() - weft::steady_clock::time_point{}) / 1ms;
    });
    cancelled.expires_after(10ms);
    cancelled.async_wait([&](boost::system::error_code ec) { cancelled_ec = ec; });
    std::size_t cancels = 0;
    boost::asio::post(io, [&] { cancels = cancelled.cancel(); });
    io.run();
    WEFT_ASSERT(!fired_ec);
    WEFT_ASSERT(fired_at >= 5);  // at its expiry, or later if the loop was busy
    // The cancel may come before the expiry or after it (then it cancels nothing).
    WEFT_ASSERT(cancels == 1 ? cancelled_ec == boost::asio::error::operation_aborted : !cancelled_ec);
  });
}

// Two strands share a counter. Buggy: strand a reads it in one handler and
// writes it back in the next (the strand orders its two handlers), and
// strand b's increment can run between them: a lost update that needs a
// handler of b to interleave with a's two. Fixed: a's read and write in
// one handler.
template <bool kSplitAcrossHandlers>
void two_strands_share_a_counter() {
  weft::asio::context io{"io"};
  auto a = boost::asio::make_strand(io);
  auto b = boost::asio::make_strand(io);
  int counter = 0;
  boost::asio::post(a, [&] {
    if constexpr (kSplitAcrossHandlers) {
      const int seen = counter;
      boost::asio::post(a, [&, seen] { counter = seen + 1; });
    } else {
      counter = counter + 1;
    }
  });
  boost::asio::post(b, [&] { counter = counter + 1; });
  io.run();
  WEFT_ASSERT_MSG(counter == 2, "an increment was lost between two handlers of strand a");
}

TEST(Asio, FindsALostUpdateAcrossTwoStrands) {
  weft::expect_bug(options_with(500), two_strands_share_a_counter<true>, {FailureKind::kAssertion}, "lost");
}

TEST(Asio, OneHandlerPerUpdateKeepsEveryIncrement) {
  weft::expect_no_bug(options_with(500), two_strands_share_a_counter<false>);
}

}  // namespace
