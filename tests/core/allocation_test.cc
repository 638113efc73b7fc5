// An execution allocates nothing once an exploration has warmed up: the
// threads' fibers, the trace, the decisions, the strategies' and the
// detectors' state are all kept for the next execution. Measured with a
// counting global operator new, which is why this test is a program of its
// own: the replacement is process-wide.
#include <gtest/gtest.h>
#include <weft/weft.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Allocations made by the exploring thread: other threads (the stall
// watchdog's monitor) are not the execution's.
thread_local uint64_t allocations = 0;

void* counted(std::size_t size, std::size_t alignment) {
  ++allocations;
  if (size == 0) size = 1;
  void* p = alignment <= __STDCPP_DEFAULT_NEW_ALIGNMENT__
                ? std::malloc(size)
                : std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
  return p;
}

// Out of line: GCC takes an inlined free() of what operator new returned for
// a mismatched pair (-Wmismatched-new-delete), though both are ours.
[[gnu::noinline]] void release(void* p) noexcept { std::free(p); }

}  // namespace

void* operator new(std::size_t size) {
  if (void* p = counted(size, 0)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, std::align_val_t alignment) {
  if (void* p = counted(size, static_cast<std::size_t>(alignment))) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t alignment) { return operator new(size, alignment); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted(size, 0); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted(size, 0); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }

namespace {

constexpr uint64_t kExecutions = 2000;
constexpr uint64_t kWarmUp = 200;  // executions that may still grow buffers

// Counts the allocations of each turn of the exploration loop (one
// execution, and the strategy, detectors and session around it) after the
// warm-up. A turn that changes the seed token's prefix may allocate: PCT
// learned a larger k (its spec names k), which happens at each new longest
// execution, a handful of times in an exploration.
class TurnCounter final : public weft::ExecutionObserver {
 public:
  void starting(uint64_t index, std::string_view token_prefix, std::string_view) override {
    const bool same_prefix = token_prefix == std::string_view(prefix_.data(), prefix_length_);
    if (index > kWarmUp && same_prefix) in_steady_turns += allocations - at_last_start_;
    if (!same_prefix) {
      prefix_length_ = std::min(token_prefix.size(), prefix_.size());
      std::copy_n(token_prefix.begin(), prefix_length_, prefix_.begin());
      if (index > kWarmUp) ++prefix_changes;
    }
    at_last_start_ = allocations;
  }
  void finished(uint64_t, const std::vector<uint32_t>&, uint64_t) override {}

  uint64_t in_steady_turns = 0;
  uint64_t prefix_changes = 0;

 private:
  uint64_t at_last_start_ = 0;
  std::array<char, 256> prefix_{};
  size_t prefix_length_ = 0;
};

// Body (b) of the explorer benchmarks, Relacy's classic shape: three
// threads each lock, increment a shared variable, unlock, fetch_add.
void relacy_shape() {
  weft::mutex m;
  weft::var<int> x{0};
  weft::atomic<int> a{0};
  auto work = [&] {
    m.lock();
    x = x + 1;
    m.unlock();
    a.fetch_add(1);
  };
  weft::thread t1(work);
  weft::thread t2(work);
  work();
  t1.join();
  t2.join();
  WEFT_ASSERT(x.unchecked() == 3);
}

// Allocations in the turns after the warm-up that kept the token prefix.
uint64_t allocations_after_warm_up(const std::string& strategy, bool detect, void (*body)()) {
  TurnCounter counter;
  weft::Options options;
  options.strategy = strategy;
  options.iterations = kExecutions;
  options.detect_races = detect;
  options.detect_lock_order = detect;
  options.observer = &counter;
  const weft::Result result = weft::explore(options, body);
  EXPECT_TRUE(result.error.ok()) << result.error;
  EXPECT_FALSE(result.bug_found()) << result.failure->report;
  EXPECT_EQ(result.executions, kExecutions);
  // A few new longest executions; not one per turn, which would hide a
  // per-execution allocation behind the exemption.
  EXPECT_LT(counter.prefix_changes, 20u);
  return counter.in_steady_turns;
}

struct Config {
  const char* strategy;
  bool detect;
};
void PrintTo(const Config& c, std::ostream* out) {
  *out << c.strategy << (c.detect ? ", detection on" : ", detection off");
}

class AllocationTest : public testing::TestWithParam<Config> {};

TEST_P(AllocationTest, NonePerExecutionInSteadyState) {
  EXPECT_EQ(allocations_after_warm_up(GetParam().strategy, GetParam().detect, relacy_shape), 0u)
      << "heap allocations over executions " << kWarmUp << " to " << kExecutions - 1;
}

INSTANTIATE_TEST_SUITE_P(Strategies, AllocationTest,
                         testing::Values(Config{"random", true}, Config{"random", false}, Config{"pct:3", true},
                                         Config{"pct:3", false}),
                         [](const testing::TestParamInfo<Config>& info) {
                           std::string name = info.param.strategy;
                           name = name.substr(0, name.find(':'));
                           return name + (info.param.detect ? "_detect_on" : "_detect_off");
                         });

// The counter sees what a body allocates: one std::string too long for its
// inline buffer per execution is one allocation per execution.
void allocates_once() {
  std::string s(100, 'x');
  weft::thread t([] {});
  t.join();
  WEFT_ASSERT(s.size() == 100);
}

TEST(AllocationCounter, SeesTheBodysOwnAllocations) {
  EXPECT_EQ(allocations_after_warm_up("random", true, allocates_once), kExecutions - 1 - kWarmUp);
  EXPECT_EQ(allocations_after_warm_up("pct:3", false, allocates_once), kExecutions - 1 - kWarmUp);
}

}  // namespace
