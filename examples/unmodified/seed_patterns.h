// The seed bug patterns written once over a set of types, so the same code
// runs as unmodified std:: code (StdTypes: instrumented, through
// weft::unmodified) and as its weft:: twin (WeftTypes): same algorithm, same
// scheduling points, for comparing executions to the bug and executions per
// second (examples/unmodified/*_test.cc, bench/unmodified/twins_bench.cc).
// Shared data is plain memory in both: a plain access is not a scheduling
// point in either (the std:: build checks it for races, the weft:: one does
// not).
//
//   seed::lost_wakeup<seed::StdTypes, seed::Recheck::kIf>();    // buggy
//   seed::lost_wakeup<seed::WeftTypes, seed::Recheck::kWhile>(); // fixed twin
#pragma once

#include <weft/weft.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

namespace seed {

struct StdTypes {
  using mutex = std::mutex;
  using condition_variable = std::condition_variable;
  using thread = std::thread;
  template <typename T>
  using atomic = std::atomic<T>;
  static void yield() { std::this_thread::yield(); }
};

struct WeftTypes {
  using mutex = weft::mutex;
  using condition_variable = weft::condition_variable;
  using thread = weft::thread;
  template <typename T>
  using atomic = weft::atomic<T>;
  static void yield() { weft::this_thread::yield(); }
};

// ----------------------------------------------------------- lost update
// Two threads add one to a counter by reading it, yielding and writing it
// back: an update is lost when both read before either writes. The fix
// holds a mutex across the read and the write.
enum class Guard { kNone, kMutex };

template <typename T, Guard kGuard = Guard::kNone>
void lost_update() {
  int counter = 0;
  typename T::mutex m;
  const auto increment = [&] {
    std::unique_lock lock(m, std::defer_lock);
    if constexpr (kGuard == Guard::kMutex) lock.lock();
    const int seen = counter;
    T::yield();
    counter = seen + 1;
  };
  typename T::thread a(increment);
  typename T::thread b(increment);
  a.join();
  b.join();
  WEFT_ASSERT_MSG(counter == 2, "an increment was lost");
}

// ----------------------------------------------------- lock-order deadlock
// transfer(a, b) locks a then b while transfer(b, a) locks b then a. The
// fix takes both with std::scoped_lock, which cannot deadlock.
enum class Locking { kInArgumentOrder, kScopedLock };

template <typename T, Locking kLocking = Locking::kInArgumentOrder>
void lock_order_deadlock() {
  struct Account {
    typename T::mutex mutex;
    int balance = 100;
  };
  Account alice;
  Account bob;
  const auto transfer = [](Account& from, Account& to, int amount) {
    if constexpr (kLocking == Locking::kInArgumentOrder) {
      std::lock_guard first(from.mutex);
      std::lock_guard second(to.mutex);
      from.balance -= amount;
      to.balance += amount;
    } else {
      std::scoped_lock both(from.mutex, to.mutex);
      from.balance -= amount;
      to.balance += amount;
    }
  };
  typename T::thread a_to_b([&] { transfer(alice, bob, 30); });
  typename T::thread b_to_a([&] { transfer(bob, alice, 20); });
  a_to_b.join();
  b_to_a.join();
  WEFT_ASSERT(alice.balance == 90 && bob.balance == 110);
}

// ------------------------------------------- lost wakeup: `if`, not `while`
// A bounded buffer with two condition variables. The buggy consumer waits
// with `if (empty) wait`: a wakeup does not mean the buffer is non-empty
// (another consumer may take the item first), so it pops from an empty
// buffer. The fix re-checks in a loop.
enum class Recheck { kIf, kWhile };

template <typename T, Recheck kRecheck>
class BoundedBuffer {
 public:
  explicit BoundedBuffer(std::size_t capacity) : capacity_(capacity) {}

  void push(int item) {
    std::unique_lock lock(mutex_);
    while (items_.size() >= capacity_) not_full_.wait(lock);
    items_.push_back(item);
    not_empty_.notify_one();
  }

  int pop() {
    std::unique_lock lock(mutex_);
    if constexpr (kRecheck == Recheck::kIf) {
      if (items_.empty()) not_empty_.wait(lock);  // the bug: woken is not the same as non-empty
    } else {
      while (items_.empty()) not_empty_.wait(lock);
    }
    WEFT_ASSERT_MSG(!items_.empty(), "consumer woke up and popped from an empty buffer");
    const int item = items_.front();
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

 private:
  const std::size_t capacity_;
  typename T::mutex mutex_;
  typename T::condition_variable not_full_;
  typename T::condition_variable not_empty_;
  std::deque<int> items_;  // guarded by mutex_
};

// One producer pushes 1..4 through a buffer of 2; two consumers take two each.
template <typename T, Recheck kRecheck>
void lost_wakeup() {
  BoundedBuffer<T, kRecheck> buffer(2);
  int sum_a = 0;
  int sum_b = 0;
  typename T::thread consumer_a([&] {
    for (int i = 0; i < 2; ++i) sum_a += buffer.pop();
  });
  typename T::thread consumer_b([&] {
    for (int i = 0; i < 2; ++i) sum_b += buffer.pop();
  });
  for (int item = 1; item <= 4; ++item) buffer.push(item);
  consumer_a.join();
  consumer_b.join();
  WEFT_ASSERT(sum_a + sum_b == 1 + 2 + 3 + 4);
}

// ------------------------------------------------------ Treiber stack ABA
// A Treiber stack used as a pool of reusable nodes. The buggy head is a bare
// pointer: pop reads head A and its successor B, is preempted while another
// thread pops A, pops B and pushes A back, then CASes A -> B and installs B,
// a node the other thread still holds. The fix tags the head with a version
// bumped by every change, in one 64-bit word (node index and version), so
// the stale CAS fails.
template <typename T>
struct PoolNode {
  typename T::template atomic<PoolNode*> next{nullptr};
  typename T::template atomic<uint32_t> index{0};
  // True while the node is in the pool: a double hand-out is an assertion.
  typename T::template atomic<bool> in_pool{false};
  int uses = 0;  // what a holder does with it, ordered by the pool's CAS
};

template <typename T>
class PointerHead {
 public:
  explicit PointerHead(PoolNode<T>*) {}
  void push(PoolNode<T>* n) {
    PoolNode<T>* head = head_.load(std::memory_order_acquire);
    do {
      n->next.store(head, std::memory_order_relaxed);
    } while (!head_.compare_exchange_weak(head, n, std::memory_order_acq_rel, std::memory_order_acquire));
  }
  PoolNode<T>* pop() {
    PoolNode<T>* head = head_.load(std::memory_order_acquire);
    while (head != nullptr) {
      PoolNode<T>* next = head->next.load(std::memory_order_relaxed);
      // A preemption here lets others pop `head`, pop `next` and push `head` back.
      if (head_.compare_exchange_weak(head, next, std::memory_order_acq_rel, std::memory_order_acquire)) break;
    }
    return head;
  }

 private:
  typename T::template atomic<PoolNode<T>*> head_{nullptr};
};

template <typename T>
class TaggedHead {
 public:
  explicit TaggedHead(PoolNode<T>* nodes) : nodes_(nodes) {}
  void push(PoolNode<T>* n) {
    uint64_t head = head_.load(std::memory_order_acquire);
    do {
      n->next.store(node_of(head), std::memory_order_relaxed);
    } while (!head_.compare_exchange_weak(head, pack(n, version_of(head) + 1), std::memory_order_acq_rel,
                                          std::memory_order_acquire));
  }
  PoolNode<T>* pop() {
    uint64_t head = head_.load(std::memory_order_acquire);
    while (node_of(head) != nullptr) {
      PoolNode<T>* next = node_of(head)->next.load(std::memory_order_relaxed);
      if (head_.compare_exchange_weak(head, pack(next, version_of(head) + 1), std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
        break;
      }
    }
    return node_of(head);
  }

 private:
  // Low 32 bits: node index + 1 (0: empty); high 32 bits: version.
  uint64_t pack(PoolNode<T>* n, uint64_t version) const {
    return (version << 32) | (n == nullptr ? 0 : n->index.load(std::memory_order_relaxed) + 1);
  }
  static uint64_t version_of(uint64_t head) { return head >> 32; }
  PoolNode<T>* node_of(uint64_t head) const {
    const auto index = static_cast<uint32_t>(head);
    return index == 0 ? nullptr : &nodes_[index - 1];
  }
  PoolNode<T>* nodes_;
  typename T::template atomic<uint64_t> head_{0};
};

template <typename T, template <typename> class Head>
class Pool {
 public:
  explicit Pool(std::size_t size) : size_(size), nodes_(std::make_unique<PoolNode<T>[]>(size)), stack_(nodes_.get()) {
    for (std::size_t i = 0; i < size; ++i) nodes_[i].index.store(static_cast<uint32_t>(i));
    for (std::size_t i = size; i-- > 0;) release(&nodes_[i]);
  }
  PoolNode<T>* acquire() {
    PoolNode<T>* n = stack_.pop();
    if (n == nullptr) return nullptr;
    WEFT_ASSERT_MSG(n->in_pool.exchange(false), "the pool handed out a node that another thread holds");
    n->uses = n->uses + 1;
    return n;
  }
  void release(PoolNode<T>* n) {
    n->in_pool.store(true);
    stack_.push(n);
  }
  // Once the other threads are done: every node is in the pool or held, once.
  void check_all_accounted_for(std::size_t held) {
    std::size_t in_stack = 0;
    while (in_stack <= size_ && acquire() != nullptr) ++in_stack;
    WEFT_ASSERT_MSG(in_stack + held == size_, "nodes were lost from or duplicated in the pool");
  }

 private:
  const std::size_t size_;
  std::unique_ptr<PoolNode<T>[]> nodes_;
  Head<T> stack_;
};

// Thread 1 takes a node and gives it back; thread 2 takes two, gives the
// first back and keeps the second. The stack starts A (top), B, C.
template <typename T, template <typename> class Head>
void treiber_aba() {
  Pool<T, Head> pool(3);
  PoolNode<T>* kept = nullptr;  // written by t2, read after the join
  typename T::thread t1([&] {
    if (PoolNode<T>* n = pool.acquire()) pool.release(n);
  });
  typename T::thread t2([&] {
    PoolNode<T>* a = pool.acquire();
    kept = pool.acquire();
    if (a != nullptr) pool.release(a);
  });
  t1.join();
  t2.join();
  pool.check_all_accounted_for(kept != nullptr ? 1 : 0);
}

// ---------------------------------------------------------- actor mailbox
// An actor owns a balance and applies messages from its mailbox one at a
// time (a mutex, a condition variable and a queue). The buggy client adds
// by two messages, Get then Set: another client's update between them is
// overwritten. The fix sends one Add message that the actor applies whole.
template <typename T, typename Value>
class Mailbox {
 public:
  void send(Value v) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(v));
    ready_.notify_one();
  }
  // Waits for a message; nothing once closed and drained.
  std::optional<Value> receive() {
    std::unique_lock lock(mutex_);
    while (items_.empty() && !closed_) ready_.wait(lock);
    if (items_.empty()) return std::nullopt;
    Value v = std::move(items_.front());
    items_.pop_front();
    return v;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
  }

 private:
  typename T::mutex mutex_;
  typename T::condition_variable ready_;
  std::deque<Value> items_;  // guarded by mutex_
  bool closed_ = false;      // guarded by mutex_
};

template <typename T>
struct Actor {
  struct Get {
    Mailbox<T, int>* reply;
  };
  struct Set {
    int balance;
  };
  struct Add {
    int amount;
    Mailbox<T, int>* reply;  // gets the new balance
  };
  using Message = std::variant<Get, Set, Add>;

  // Runs until the mailbox is closed and drained; returns the final balance.
  static int run(Mailbox<T, Message>& mailbox, int balance) {
    while (std::optional<Message> message = mailbox.receive()) {
      if (const auto* m = std::get_if<Get>(&*message)) {
        m->reply->send(balance);
      } else if (const auto* m = std::get_if<Set>(&*message)) {
        balance = m->balance;
      } else if (const auto* m = std::get_if<Add>(&*message)) {
        balance += m->amount;
        m->reply->send(balance);
      }
    }
    return balance;
  }

  static void add_by_get_then_set(Mailbox<T, Message>& mailbox, int amount) {
    Mailbox<T, int> reply;
    mailbox.send(Get{&reply});
    const int balance = *reply.receive();
    mailbox.send(Set{balance + amount});
  }

  static void add_in_one_message(Mailbox<T, Message>& mailbox, int amount) {
    Mailbox<T, int> reply;
    mailbox.send(Add{amount, &reply});
    WEFT_ASSERT(reply.receive().has_value());
  }
};

enum class Update { kGetThenSet, kOneMessage };

template <typename T, Update kUpdate>
void actor_mailbox() {
  using A = Actor<T>;
  Mailbox<T, typename A::Message> mailbox;
  int final_balance = 0;
  typename T::thread actor([&] { final_balance = A::run(mailbox, 100); });
  const auto client = [&](int amount) {
    if constexpr (kUpdate == Update::kGetThenSet) {
      A::add_by_get_then_set(mailbox, amount);
    } else {
      A::add_in_one_message(mailbox, amount);
    }
  };
  typename T::thread alice(client, 50);
  typename T::thread bob(client, 30);
  alice.join();
  bob.join();
  mailbox.close();
  actor.join();
  WEFT_ASSERT_MSG(final_balance == 180, "an update sent to the actor was lost");
}

}  // namespace seed
