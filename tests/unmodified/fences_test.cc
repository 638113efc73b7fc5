// std::atomic_thread_fence and ThreadSanitizer's dynamic annotations
// (AnnotateHappensBefore/After) in unmodified code: both order plain memory
// for weft's race detector as the standard (and ThreadSanitizer) say. Lock-free
// libraries publish with relaxed atomics between fences (moodycamel's
// ReaderWriterQueue under g++) or with the annotations (the same under clang);
// without this every such library would be reported racy.
#include <gtest/gtest.h>
#include <weft/gtest/expect.h>
#include <weft/weft.h>

#include <atomic>
#include <thread>

#include "budget.h"

extern "C" void AnnotateHappensBefore(const char* file, int line, const volatile void* address);
extern "C" void AnnotateHappensAfter(const char* file, int line, const volatile void* address);

namespace {

struct Fences {
  bool release;
  bool acquire;
};

// data, then a relaxed flag between the fences asked for.
void publish_with_fences(Fences fences) {
  int data = 0;
  std::atomic<bool> ready{false};
  std::thread writer([&] {
    data = 42;
    if (fences.release) std::atomic_thread_fence(std::memory_order_release);
    ready.store(true, std::memory_order_relaxed);
  });
  if (ready.load(std::memory_order_relaxed)) {
    if (fences.acquire) std::atomic_thread_fence(std::memory_order_acquire);
    WEFT_ASSERT(data == 42);
  }
  writer.join();
}

WEFT_TEST_WITH(UnmodifiedFences, ReleaseAndAcquireFencesPublish, budget(500)) {
  publish_with_fences({.release = true, .acquire = true});
}

TEST(UnmodifiedFences, WithoutTheAcquireFenceItIsARace) {
  weft::expect_bug(budget(2000), [] { publish_with_fences({.release = true, .acquire = false}); },
                   {weft::FailureKind::kDataRace});
}

TEST(UnmodifiedFences, WithoutTheReleaseFenceItIsARace) {
  weft::expect_bug(budget(2000), [] { publish_with_fences({.release = false, .acquire = true}); },
                   {weft::FailureKind::kDataRace});
}

// A seq_cst fence is both; a relaxed one neither.
WEFT_TEST_WITH(UnmodifiedFences, SeqCstFencesPublish, budget(500)) {
  int data = 0;
  std::atomic<int> ready{0};
  std::thread writer([&] {
    data = 42;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    ready.fetch_add(1, std::memory_order_relaxed);
  });
  if (ready.load(std::memory_order_relaxed) == 1) {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    WEFT_ASSERT(data == 42);
  }
  writer.join();
}

// What an annotation pair says, with relaxed atomics that order nothing.
void publish_with_annotations(bool annotated) {
  int data = 0;
  std::atomic<bool> ready{false};
  static int edge;  // the annotations' address
  std::thread writer([&] {
    data = 42;
    if (annotated) AnnotateHappensBefore(__FILE__, __LINE__, &edge);
    ready.store(true, std::memory_order_relaxed);
  });
  if (ready.load(std::memory_order_relaxed)) {
    if (annotated) AnnotateHappensAfter(__FILE__, __LINE__, &edge);
    WEFT_ASSERT(data == 42);
  }
  writer.join();
}

WEFT_TEST_WITH(UnmodifiedAnnotations, HappensBeforeAfterOrder, budget(500)) { publish_with_annotations(true); }

TEST(UnmodifiedAnnotations, WithoutThemItIsARace) {
  weft::expect_bug(budget(2000), [] { publish_with_annotations(false); }, {weft::FailureKind::kDataRace});
}

// Outside an exploration both are real fences and the annotations do nothing.
TEST(UnmodifiedFences, PassThroughOutsideExploration) {
  int data = 0;
  std::atomic<bool> ready{false};
  std::thread writer([&] {
    data = 42;
    AnnotateHappensBefore(__FILE__, __LINE__, &data);
    std::atomic_thread_fence(std::memory_order_release);
    ready.store(true, std::memory_order_relaxed);
  });
  while (!ready.load(std::memory_order_relaxed)) std::this_thread::yield();
  std::atomic_thread_fence(std::memory_order_acquire);
  AnnotateHappensAfter(__FILE__, __LINE__, &data);
  EXPECT_EQ(data, 42);
  writer.join();
}

}  // namespace
