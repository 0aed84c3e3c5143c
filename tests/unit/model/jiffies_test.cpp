#include "model/jiffies.h"

#include <gtest/gtest.h>

namespace sbm {
namespace {

const WrapOps w32{32};
const WrapOps w64{64};

TEST(Jiffies, TimeAfterIsStrictAndAfterEqIsInclusive) {
  EXPECT_TRUE(time_after(w64, 11, 10));
  EXPECT_FALSE(time_after(w64, 10, 10));
  EXPECT_TRUE(time_after_eq(w64, 10, 10));
  EXPECT_FALSE(time_after_eq(w64, 9, 10));
  EXPECT_TRUE(time_before(w64, 9, 10));
  EXPECT_TRUE(time_before_eq(w64, 10, 10));
  EXPECT_FALSE(time_before_eq(w64, 11, 10));
}

TEST(Jiffies, ThirtyTwoBitComparisonsSurviveTheWrap) {
  const uint64_t before_wrap = 0xfffffffbu;  // 2^32 - 5
  const uint64_t after_wrap = 3;             // 8 jiffies later
  EXPECT_TRUE(time_after(w32, after_wrap, before_wrap));
  EXPECT_TRUE(time_before(w32, before_wrap, after_wrap));
  EXPECT_TRUE(time_after_eq(w32, w32.add(before_wrap, 8), after_wrap));
  // The same numbers on 64 bits are 2^32 apart the other way round.
  EXPECT_FALSE(time_after(w64, after_wrap, before_wrap));
}

TEST(Jiffies, ComparisonFlipsBeyondHalfTheRange) {
  // time_after is only meaningful for |a-b| < 2^(w-1): on 32 bits a deadline 2^31 + 1
  // ticks old looks like the future; on 64 bits the same distance is still the past.
  const uint64_t age = (uint64_t{1} << 31) + 1;
  const uint64_t now32 = 100;
  EXPECT_TRUE(time_after(w32, w32.sub(now32, age), now32));
  const uint64_t now64 = uint64_t{1} << 40;
  EXPECT_TRUE(time_after(w64, now64, w64.sub(now64, age)));
}

TEST(Jiffies, InitialJiffiesIsMinusThreeHundredSecondsAsUnsignedInt) {
  EXPECT_EQ(initial_jiffies(1000), 4294667296u);
  EXPECT_EQ(initial_jiffies(250), (uint64_t{1} << 32) - 75000);
  // 32-bit jiffies wrap exactly 300*HZ ticks after boot.
  EXPECT_EQ(w32.add(initial_jiffies(250), 300 * 250), 0u);
  EXPECT_EQ(w64.add(initial_jiffies(250), 300 * 250), uint64_t{1} << 32);
}

TEST(Jiffies, MaxJiffyOffsetPerWidth) {
  EXPECT_EQ(max_jiffy_offset(32), (uint64_t{1} << 30) - 2);
  EXPECT_EQ(max_jiffy_offset(64), (uint64_t{1} << 62) - 2);
}

TEST(Jiffies, MsecsToJiffiesRoundsUp) {
  EXPECT_EQ(msecs_to_jiffies(w64, 0, 250), 0u);
  EXPECT_EQ(msecs_to_jiffies(w64, 1, 250), 1u);
  EXPECT_EQ(msecs_to_jiffies(w64, 4, 250), 1u);
  EXPECT_EQ(msecs_to_jiffies(w64, 5, 250), 2u);
  EXPECT_EQ(msecs_to_jiffies(w64, 11, 100), 2u);
  EXPECT_EQ(msecs_to_jiffies(w64, 7, 1000), 7u);
  EXPECT_EQ(msecs_to_jiffies(w64, 3, 2000), 6u);
  EXPECT_EQ(msecs_to_jiffies(w64, 10, 300), 3u);
  EXPECT_EQ(msecs_to_jiffies(w64, 11, 300), 4u);
}

TEST(Jiffies, MsecsToJiffiesAtOddHzMatchesExactCeiling) {
  for (unsigned hz : {300u, 24u, 1024u})
    for (uint64_t m : {0ull, 1ull, 999ull, 1000ull, 1001ull, 123456ull, 0x7fffffffull}) {
      const uint64_t exact = (m * hz + 999) / 1000;
      EXPECT_EQ(msecs_to_jiffies(w64, m, hz), exact) << "hz=" << hz << " m=" << m;
    }
}

TEST(Jiffies, MsecsToJiffiesTakesAnUnsignedIntAndSaturatesNegativeInts) {
  EXPECT_EQ(msecs_to_jiffies(w64, (uint64_t{1} << 32) + 8, 250), 2u);  // truncated to 8
  EXPECT_EQ(msecs_to_jiffies(w64, 0x80000000u, 250), max_jiffy_offset(64));
  EXPECT_EQ(msecs_to_jiffies(w32, 0xffffffffu, 1000), max_jiffy_offset(32));
}

TEST(Jiffies, WrapOpsReducesEveryResult) {
  EXPECT_EQ(w32.lit(uint64_t{1} << 32), 0u);
  EXPECT_EQ(w32.mul(0x10000, 0x10000), 0u);
  EXPECT_TRUE(w32.negative(0x80000000u));
  EXPECT_FALSE(w64.negative(0x80000000u));
  EXPECT_EQ(w32.select(true, 1, 2), 1u);
}

}  // namespace
}  // namespace sbm
