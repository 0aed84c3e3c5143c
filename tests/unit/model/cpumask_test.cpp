#include "model/cpumask.h"

#include <gtest/gtest.h>

namespace sbm {
namespace {

CpuMask list(const char* s) {
  auto r = parse_cpulist(s);
  EXPECT_TRUE(r.mask) << s << ": " << r.error;
  return r.mask.value_or(CpuMask{});
}

CpuMask hex(const char* s) {
  auto r = parse_cpumask_hex(s);
  EXPECT_TRUE(r.mask) << s << ": " << r.error;
  return r.mask.value_or(CpuMask{});
}

TEST(CpuMask, CpulistRoundTripsKernelSpellings) {
  for (const char* s : {"0-3,8-11", "0,4", "0-31,64-127", "0-2,4-5", "7", "", "0-8191"})
    EXPECT_EQ(list(s).to_cpulist(), s);
}

TEST(CpuMask, CpulistStrideForm) { EXPECT_EQ(list("0-7:2/4").to_cpulist(), "0-1,4-5"); }

TEST(CpuMask, CpulistRejectsMalformed) {
  for (const char* s : {"a", "3-1", "1,,2", "-1", "0-", "8192", "1-2:3/2"}) {
    auto r = parse_cpulist(s);
    EXPECT_FALSE(r.mask) << s;
    EXPECT_FALSE(r.error.empty()) << s;
  }
}

TEST(CpuMask, HexReadsPaddedUnpaddedAndMultiWord) {
  EXPECT_EQ(hex("00000000,000f0003").to_cpulist(), "0-1,16-19");
  EXPECT_EQ(hex("3").to_cpulist(), "0-1");
  EXPECT_EQ(hex("ff").to_cpulist(), "0-7");
  EXPECT_EQ(hex("0c").to_cpulist(), "2-3");
  EXPECT_EQ(hex("1,00000000").to_cpulist(), "32");
  EXPECT_EQ(hex("F0").to_cpulist(), "4-7");
}

TEST(CpuMask, HexPrintsNrCpuIdsSizedWords) {
  EXPECT_EQ(list("0-7").to_hex(8), "ff");
  EXPECT_EQ(list("2-3").to_hex(8), "0c");
  EXPECT_EQ(list("0-1,16-19").to_hex(64), "00000000,000f0003");
  EXPECT_EQ(list("0").to_hex(4), "1");
  EXPECT_EQ(list("32").to_hex(33), "1,00000000");
  EXPECT_EQ(CpuMask{}.to_hex(8), "00");
}

TEST(CpuMask, HexRoundTripsThroughPrint) {
  for (const char* s : {"0-3,8-11", "0,4", "0-31,64-127", "5", "100-200"}) {
    CpuMask m = list(s);
    EXPECT_EQ(hex(m.to_hex(256).c_str()), m) << s;
  }
}

TEST(CpuMask, HexRejectsMalformed) {
  for (const char* s : {"", "0x3", "g", "123456789,0", "1,,2"})
    EXPECT_FALSE(parse_cpumask_hex(s).mask) << s;
}

TEST(CpuMask, SetAlgebra) {
  CpuMask a = list("0-7"), b = list("4-11");
  EXPECT_EQ((a & b).to_cpulist(), "4-7");
  EXPECT_EQ((a | b).to_cpulist(), "0-11");
  EXPECT_EQ(a.andnot(b).to_cpulist(), "0-3");
  EXPECT_TRUE(list("4-7").subset_of(a));
  EXPECT_FALSE(b.subset_of(a));
  EXPECT_TRUE(a.intersects(b));
  EXPECT_FALSE(list("0-3").intersects(list("4-7")));
  EXPECT_EQ(a.weight(), 8);
  EXPECT_EQ(b.first(), 4);
  EXPECT_EQ(b.last(), 11);
  EXPECT_EQ(b.next(7), 8);
  EXPECT_EQ(b.next(11), -1);
  EXPECT_EQ(CpuMask{}.first(), -1);
}

TEST(CpuMask, ClearTrimsSoEqualityIsByContent) {
  CpuMask a = list("0,200");
  a.clear(200);
  EXPECT_EQ(a, list("0"));
  EXPECT_EQ(a.to_cpulist(), "0");
}

TEST(CpuMask, WrapIterationStartsAtTheGivenCpu) {
  EXPECT_EQ(list("0-3,8").cpus_wrap(2), (std::vector<int>{2, 3, 8, 0, 1}));
  EXPECT_EQ(list("0-3").cpus_wrap(9), (std::vector<int>{0, 1, 2, 3}));
}

TEST(CpuMask, LargeMasks) {
  CpuMask m = CpuMask::range(0, 8191);
  EXPECT_EQ(m.weight(), 8192);
  EXPECT_EQ(m.to_cpulist(), "0-8191");
  EXPECT_EQ(hex(m.to_hex(8192).c_str()), m);
}

}  // namespace
}  // namespace sbm
