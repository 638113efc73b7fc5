// std::atomic_thread_fence in the happens-before detector, on the detector
// directly: a release fence lets a later relaxed store (or RMW) publish what
// the thread had seen at the fence; an acquire fence turns the relaxed loads
// before it into acquires. Each case with its missing-fence twin, which races.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "weft/detect/happens_before.h"

namespace {

using weft::detail::HappensBefore;
using weft::detail::Race;
using weft::detail::SyncClock;

class Fences : public ::testing::Test {
 protected:
  Fences() {
    hb_.thread_start(-1, 0);
    hb_.thread_start(0, 1);
    hb_.thread_start(0, 2);
  }
  std::vector<Race> write(int thread) { return access(thread, true); }
  std::vector<Race> read(int thread) { return access(thread, false); }

  HappensBefore hb_;
  SyncClock flag_;  // the clock of the atomic flag that hands the data over

 private:
  std::vector<Race> access(int thread, bool is_write) {
    const std::span<const Race> r = hb_.access(thread, &data_, sizeof data_, is_write, "data", ++step_, {}, nullptr);
    return {r.begin(), r.end()};
  }
  uint64_t data_ = 0;
  uint64_t step_ = 0;
};

// data = 1; fence(release); flag.store(relaxed)  ||  flag.load(relaxed); fence(acquire); read data
TEST_F(Fences, ReleaseFenceAndAcquireFenceOrderRelaxedAtomics) {
  EXPECT_TRUE(write(1).empty());
  hb_.fence(1, /*acquire=*/false, /*release=*/true);
  hb_.relaxed_store(1, flag_);
  hb_.relaxed_load(2, flag_);
  hb_.fence(2, /*acquire=*/true, /*release=*/false);
  EXPECT_TRUE(read(2).empty());
}

TEST_F(Fences, WithoutTheAcquireFenceTheRelaxedLoadLearnsNothing) {
  EXPECT_TRUE(write(1).empty());
  hb_.fence(1, false, true);
  hb_.relaxed_store(1, flag_);
  hb_.relaxed_load(2, flag_);
  EXPECT_EQ(read(2).size(), 1u);
}

TEST_F(Fences, WithoutTheReleaseFenceTheRelaxedStorePublishesNothing) {
  EXPECT_TRUE(write(1).empty());
  hb_.relaxed_store(1, flag_);
  hb_.relaxed_load(2, flag_);
  hb_.fence(2, true, false);
  EXPECT_EQ(read(2).size(), 1u);
}

// What the thread does after its release fence is not published by it.
TEST_F(Fences, AWriteAfterTheReleaseFenceIsNotPublished) {
  hb_.fence(1, false, true);
  EXPECT_TRUE(write(1).empty());
  hb_.relaxed_store(1, flag_);
  hb_.acquire(2, flag_);
  EXPECT_EQ(read(2).size(), 1u);
}

// A release fence then a relaxed store pairs with an acquire load too.
TEST_F(Fences, ReleaseFencePairsWithAnAcquireLoad) {
  EXPECT_TRUE(write(1).empty());
  hb_.fence(1, false, true);
  hb_.relaxed_store(1, flag_);
  hb_.acquire(2, flag_);
  EXPECT_TRUE(read(2).empty());
}

// A release store pairs with a relaxed load followed by an acquire fence.
TEST_F(Fences, AcquireFencePairsWithAReleaseStore) {
  EXPECT_TRUE(write(1).empty());
  hb_.release_store(1, flag_);
  hb_.relaxed_load(2, flag_);
  hb_.fence(2, true, false);
  EXPECT_TRUE(read(2).empty());
}

// A relaxed RMW after a release fence adds the fence to the release sequence
// without dropping what an earlier release store put there.
TEST_F(Fences, RelaxedReadModifyWriteAfterAReleaseFencePublishes) {
  EXPECT_TRUE(write(1).empty());
  hb_.fence(1, false, true);
  hb_.relaxed_release(1, flag_);
  hb_.acquire(2, flag_);
  EXPECT_TRUE(read(2).empty());
}

// A new execution forgets the fences of the last one.
TEST_F(Fences, ResetForgetsFences) {
  hb_.fence(1, false, true);
  hb_.reset();
  hb_.thread_start(-1, 0);
  hb_.thread_start(0, 1);
  hb_.thread_start(0, 2);
  EXPECT_TRUE(write(1).empty());
  hb_.relaxed_store(1, flag_);
  hb_.acquire(2, flag_);
  EXPECT_EQ(read(2).size(), 1u);
}

}  // namespace
