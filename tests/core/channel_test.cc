// weft::channel<T>: FIFO per sender, close then drain, recv after close,
// rendezvous at capacity 0, and the non-blocking try_send / try_recv.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <array>
#include <optional>
#include <utility>
#include <vector>

#include "support/test_support.h"

namespace {

using weft::FailureKind;
using weft_test::contains;
using weft_test::options_with;

TEST(Channel, EachSendersMessagesArriveInOrder) {
  for (std::size_t capacity : {0, 1, 3}) {
    SCOPED_TRACE(testing::Message() << "capacity " << capacity);
    weft::expect_no_bug(options_with(2000), [capacity] {
      weft::channel<std::pair<int, int>> ch{capacity, "ch"};  // (sender, sequence number)
      auto sender = [&](int id) {
        for (int seq = 0; seq < 3; ++seq) ch.send({id, seq});
      };
      weft::thread a(sender, 0), b(sender, 1);
      std::array<int, 2> last = {-1, -1};
      for (int i = 0; i < 6; ++i) {
        std::optional<std::pair<int, int>> m = ch.recv();
        WEFT_ASSERT(m.has_value());
        WEFT_ASSERT_MSG(m->second == last[m->first] + 1, "a sender's messages arrived out of order");
        last[m->first] = m->second;
      }
      a.join();
      b.join();
    });
  }
}

TEST(Channel, CloseLetsReceiversDrainThenSeeTheEnd) {
  weft::expect_no_bug(options_with(2000), [] {
    weft::channel<int> ch{2};
    weft::thread producer([&] {
      for (int i = 1; i <= 3; ++i) ch.send(i);
      ch.close();
    });
    std::vector<int> got;
    while (std::optional<int> v = ch.recv()) got.push_back(*v);
    WEFT_ASSERT((got == std::vector<int>{1, 2, 3}));
    WEFT_ASSERT(!ch.recv().has_value());  // closed and drained: nullopt, every time
    WEFT_ASSERT(!ch.try_recv().has_value());
    producer.join();
  });
}

TEST(Channel, CloseWakesABlockedReceiver) {
  weft::expect_no_bug(options_with(1000), [] {
    weft::channel<int> ch;
    weft::thread receiver([&] { WEFT_ASSERT(!ch.recv().has_value()); });
    ch.close();
    receiver.join();
  });
}

// The sender marks `sent` right after send() returns; the receiver checks it
// just before recv(). With a rendezvous that can never be seen set.
void handoff_body(std::size_t capacity) {
  weft::channel<int> ch{capacity, "ch"};
  weft::atomic<bool> sent{false, "sent"};
  weft::thread sender([&] {
    ch.send(1);
    sent.store(true);
  });
  WEFT_ASSERT_MSG(!sent.load(), "send completed before any receiver came");
  WEFT_ASSERT(ch.recv() == 1);
  sender.join();
}

TEST(Channel, CapacityZeroIsARendezvous) {
  weft::expect_no_bug(options_with(3000), [] { handoff_body(0); });
}

TEST(Channel, ABufferedSendDoesNotWaitForTheReceiver) {
  const weft::Options options = options_with(3000);
  const weft_test::Body body = [] { handoff_body(1); };
  std::optional<weft::Failure> f = weft::expect_bug(options, body, {FailureKind::kAssertion});
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(contains(f->message, "send completed before any receiver came"));
}

TEST(Channel, TrySendAndTryRecvNeverBlock) {
  weft::expect_no_bug(options_with(10), [] {
    weft::channel<int> buffered{1};
    WEFT_ASSERT(!buffered.try_recv().has_value());
    WEFT_ASSERT(buffered.try_send(1));
    WEFT_ASSERT(!buffered.try_send(2));  // full
    WEFT_ASSERT(buffered.try_recv() == 1);
    WEFT_ASSERT(!buffered.try_recv().has_value());
    weft::channel<int> unbuffered;
    WEFT_ASSERT(!unbuffered.try_send(1));  // nobody is receiving
    WEFT_ASSERT(unbuffered.capacity() == 0);
  });
}

TEST(Channel, TrySendSucceedsOnceAReceiverWaits) {
  // Spinning on try_send terminates under every strategy: a failed try_send
  // lowers the spinner's PCT priority.
  weft::expect_no_bug(options_with(2000), [] {
    weft::channel<int> ch;
    weft::thread receiver([&] { WEFT_ASSERT(ch.recv() == 7); });
    while (!ch.try_send(7)) {
    }
    receiver.join();
  });
}

TEST(Channel, SendHappensBeforeTheMatchingReceive) {
  weft::expect_no_bug(options_with(2000), [] {
    weft::channel<int> ch{1};
    weft::var<int> shared{0, "shared"};
    weft::thread producer([&] {
      shared = 5;
      ch.send(0);
    });
    ch.recv();
    WEFT_ASSERT(shared == 5);  // no race: ordered through the channel
    producer.join();
  });
}

}  // namespace
