// SD flag layouts per era, against the kernel headers cited in model/sd_flags.cpp.
#include "model/sd_flags.h"

#include <gtest/gtest.h>

namespace sbm {
namespace {

KernelVersion v(const char* s) { return parse_kernel_version(s).value(); }

const char* const kEras[] = {"v2.6.20", "v2.6.31", "v2.6.32", "v3.2",  "v3.10", "v3.16",
                             "v4.19",   "v5.8",    "v5.9",    "v5.10", "v5.14", "v5.16",
                             "v6.6",    "v6.7",    "v6.9",    "v6.16", "v6.17", "v6.19"};

uint64_t bit_of(SdFlag f, const char* era) { return encode_sd_flags(SdFlags{f}, v(era)); }

TEST(SdFlags, EveryDefinedBitRoundTripsInEveryEra) {
  for (const char* era : kEras) {
    const auto layout = sd_flag_layout(v(era));
    uint64_t all = 0;
    for (size_t b = 0; b < layout.size(); ++b) {
      if (!layout[b]) continue;
      const uint64_t value = uint64_t{1} << b;
      all |= value;
      uint64_t unknown = ~uint64_t{0};
      const SdFlags f = decode_sd_flags(value, v(era), &unknown);
      EXPECT_EQ(unknown, 0u) << era << " bit " << b;
      EXPECT_EQ(f.list().size(), 1u) << era << " bit " << b;
      EXPECT_EQ(encode_sd_flags(f, v(era)), value) << era << " bit " << b;
    }
    EXPECT_EQ(encode_sd_flags(decode_sd_flags(all, v(era)), v(era)), all) << era;
  }
}

TEST(SdFlags, BitValuesMatchTheHeaders) {
  // include/linux/sched.h v2.6.20: decimal constants.
  EXPECT_EQ(bit_of(SdFlag::WakeIdle, "v2.6.20"), 16u);
  EXPECT_EQ(bit_of(SdFlag::Serialize, "v2.6.20"), 1024u);
  // 2.6.32 header: bit 11 unused, SD_PREFER_SIBLING 0x1000.
  EXPECT_EQ(bit_of(SdFlag::BalanceWake, "v2.6.32"), 0x10u);
  EXPECT_EQ(bit_of(SdFlag::PreferSibling, "v2.6.32"), 0x1000u);
  // v3.2-v3.4 header: SD_OVERLAP 0x2000, SD_POWERSAVINGS_BALANCE 0x0100.
  EXPECT_EQ(bit_of(SdFlag::Overlap, "v3.2"), 0x2000u);
  EXPECT_EQ(bit_of(SdFlag::PowersavingsBalance, "v3.2"), 0x100u);
  // include/linux/sched/topology.h v4.19.
  EXPECT_EQ(bit_of(SdFlag::LoadBalance, "v4.19"), 0x1u);
  EXPECT_EQ(bit_of(SdFlag::AsymCpucapacity, "v4.19"), 0x40u);
  EXPECT_EQ(bit_of(SdFlag::SharePowerdomain, "v4.19"), 0x100u);
  EXPECT_EQ(bit_of(SdFlag::Numa, "v4.19"), 0x4000u);
  // v5.8, SD_LOAD_BALANCE killed: everything one bit down, SD_SHARE_POWERDOMAIN still there.
  EXPECT_EQ(bit_of(SdFlag::BalanceNewidle, "v5.8"), 0x1u);
  EXPECT_EQ(bit_of(SdFlag::SharePowerdomain, "v5.8"), 0x80u);
  EXPECT_EQ(bit_of(SdFlag::Numa, "v5.8"), 0x2000u);
  // v5.10 sd_flags.h: 13 flags, SD_NUMA at index 12.
  EXPECT_EQ(bit_of(SdFlag::ShareLlc, "v5.10"), 0x80u);
  EXPECT_EQ(bit_of(SdFlag::Numa, "v5.10"), 0x1000u);
  // v5.14: SD_ASYM_CPUCAPACITY_FULL after SD_ASYM_CPUCAPACITY.
  EXPECT_EQ(bit_of(SdFlag::AsymCpucapacityFull, "v5.14"), 0x40u);
  EXPECT_EQ(bit_of(SdFlag::Numa, "v5.16"), 0x2000u);
  // v6.7: SD_CLUSTER after SD_SHARE_CPUCAPACITY (b95303e0aeaf).
  EXPECT_EQ(bit_of(SdFlag::Cluster, "v6.7"), 0x100u);
  EXPECT_EQ(bit_of(SdFlag::Numa, "v6.7"), 0x4000u);
  // v6.17: SD_OVERLAP gone.
  EXPECT_EQ(bit_of(SdFlag::Numa, "v6.17"), 0x2000u);
}

TEST(SdFlags, FlagsAnEraLacksAreReportedWhenEncoding) {
  SdFlags missing;
  EXPECT_EQ(encode_sd_flags({SdFlag::Cluster, SdFlag::Numa}, v("v5.16"), &missing), 0x2000u);
  EXPECT_EQ(missing, SdFlags{SdFlag::Cluster});
  encode_sd_flags({SdFlag::Overlap, SdFlag::Numa}, v("v6.17"), &missing);
  EXPECT_EQ(missing, SdFlags{SdFlag::Overlap});
  encode_sd_flags({SdFlag::LoadBalance}, v("v5.8"), &missing);
  EXPECT_EQ(missing, SdFlags{SdFlag::LoadBalance});
  encode_sd_flags({SdFlag::Overlap, SdFlag::Numa}, v("v6.16"), &missing);
  EXPECT_EQ(missing, SdFlags{});
}

TEST(SdFlags, UnknownBitsAreReportedWhenDecoding) {
  uint64_t unknown = 0;
  // Bit 14 (SD_NUMA in v6.7-v6.16) does not exist in v5.16 nor in v6.17.
  EXPECT_EQ(decode_sd_flags(0x4001, v("v5.16"), &unknown), SdFlags{SdFlag::BalanceNewidle});
  EXPECT_EQ(unknown, 0x4000u);
  decode_sd_flags(0x4000, v("v6.17"), &unknown);
  EXPECT_EQ(unknown, 0x4000u);
  decode_sd_flags(0x4000, v("v6.16"), &unknown);
  EXPECT_EQ(unknown, 0u);
  // The unused bit 11 of 2.6.32 and a high bit anywhere.
  decode_sd_flags(0x800, v("v2.6.32"), &unknown);
  EXPECT_EQ(unknown, 0x800u);
  decode_sd_flags(uint64_t{1} << 40, v("v6.19"), &unknown);
  EXPECT_EQ(unknown, uint64_t{1} << 40);
}

TEST(SdFlags, NamesFollowTheRenames) {
  EXPECT_EQ(sd_flag_name(SdFlag::ShareLlc, v("v6.8")), "SD_SHARE_PKG_RESOURCES");
  EXPECT_EQ(sd_flag_name(SdFlag::ShareLlc, v("v5.10")), "SD_SHARE_PKG_RESOURCES");
  EXPECT_EQ(sd_flag_name(SdFlag::ShareLlc, v("v6.9")), "SD_SHARE_LLC");
  EXPECT_EQ(sd_flag_name(SdFlag::ShareCpucapacity, v("v3.15")), "SD_SHARE_CPUPOWER");
  EXPECT_EQ(sd_flag_name(SdFlag::ShareCpucapacity, v("v3.16")), "SD_SHARE_CPUCAPACITY");
  EXPECT_EQ(parse_sd_flag_name("SHARE_PKG_RESOURCES"), SdFlag::ShareLlc);
  EXPECT_EQ(parse_sd_flag_name("SD_SHARE_LLC"), SdFlag::ShareLlc);
  EXPECT_EQ(parse_sd_flag_name("SD_SHARE_CPUPOWER"), SdFlag::ShareCpucapacity);
  EXPECT_FALSE(parse_sd_flag_name("SD_NO_SUCH_FLAG"));
}

TEST(SdFlags, FormatsAsDebugfsPrintsThem) {
  // 009-power-lpar-dlpar-debugfs-ok.txt, kernel 5.13, cpu0/domain2 (NUMA).
  const SdFlags numa{SdFlag::BalanceNewidle, SdFlag::Serialize, SdFlag::Overlap, SdFlag::Numa};
  EXPECT_EQ(format_sd_flags(numa, v("v5.13")),
            "SD_BALANCE_NEWIDLE SD_SERIALIZE SD_OVERLAP SD_NUMA");
  // The same domain as v6.17 would print it: no SD_OVERLAP.
  EXPECT_EQ(format_sd_flags(numa, v("v6.17")), "SD_BALANCE_NEWIDLE SD_SERIALIZE SD_NUMA");
  // cpu0/domain0 (SMT) of the same dump.
  const SdFlags smt{SdFlag::BalanceNewidle, SdFlag::BalanceExec,      SdFlag::BalanceFork,
                    SdFlag::WakeAffine,     SdFlag::ShareCpucapacity, SdFlag::ShareLlc,
                    SdFlag::PreferSibling};
  EXPECT_EQ(format_sd_flags(smt, v("v5.13")),
            "SD_BALANCE_NEWIDLE SD_BALANCE_EXEC SD_BALANCE_FORK SD_WAKE_AFFINE "
            "SD_SHARE_CPUCAPACITY SD_SHARE_PKG_RESOURCES SD_PREFER_SIBLING");
}

}  // namespace
}  // namespace sbm
