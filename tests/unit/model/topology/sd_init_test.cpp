// sd_init() per era: spec/kernel-facts.md §6 table, read against sd_init() at v4.19 and
// v6.17 and the SD_*_INIT macros before v3.16.
#include "model/topology/sd_init.h"

#include <gtest/gtest.h>

namespace sbm {
namespace {

KernelVersion v(const char* s) { return parse_kernel_version(s).value(); }

TopologyLevel level(LevelKind kind, SdFlags flags, int distance = 0) {
  return TopologyLevel{kind, "X", flags, distance};
}

const TopologyLevel kSmt = level(LevelKind::Smt, {SdFlag::ShareCpucapacity, SdFlag::ShareLlc});
const TopologyLevel kMc = level(LevelKind::Mc, {SdFlag::ShareLlc});
const TopologyLevel kPkg = level(LevelKind::Pkg, {});
const TopologyLevel kNuma20 = level(LevelKind::Numa, {SdFlag::Numa}, 20);
const TopologyLevel kNuma40 = level(LevelKind::Numa, {SdFlag::Numa}, 40);

TEST(SdInit, V6_17IntervalsFollowTheWeight) {
  const SdInit mc = sd_init(kMc, 16, v("v6.17"));
  EXPECT_EQ(mc.tunables, (SdTunables{16, 32, 16, 117, 1}));
  EXPECT_EQ(mc.balance_interval, 16u);
  EXPECT_EQ(mc.flags, (SdFlags{SdFlag::BalanceNewidle, SdFlag::BalanceExec, SdFlag::BalanceFork,
                               SdFlag::WakeAffine, SdFlag::PreferSibling, SdFlag::ShareLlc}));
  EXPECT_EQ(sd_init(kSmt, 2, v("v6.17")).tunables, (SdTunables{2, 4, 16, 110, 0}));
  EXPECT_EQ(sd_init(kPkg, 64, v("v6.17")).tunables, (SdTunables{64, 128, 16, 117, 1}));
}

TEST(SdInit, NumaLevelsSerializeAndFarOnesLoseWakeupFlags) {
  for (const char* era : {"v4.19", "v6.17"}) {
    const SdInit near = sd_init(kNuma20, 32, v(era));
    EXPECT_TRUE(near.flags.has(SdFlag::Serialize)) << era;
    EXPECT_TRUE(near.flags.has(SdFlag::WakeAffine)) << era;
    EXPECT_FALSE(near.flags.has(SdFlag::PreferSibling)) << era;
    EXPECT_EQ(near.tunables.cache_nice_tries, 2u) << era;
    const SdInit far = sd_init(kNuma40, 32, v(era));
    EXPECT_FALSE(far.flags.has(SdFlag::WakeAffine)) << era;
    EXPECT_FALSE(far.flags.has(SdFlag::BalanceExec)) << era;
    EXPECT_FALSE(far.flags.has(SdFlag::BalanceFork)) << era;
    EXPECT_TRUE(far.flags.has(SdFlag::BalanceNewidle)) << era;
  }
  // SD_OVERLAP marks NUMA levels until v6.16; v6.17 chose overlap groups by SD_NUMA.
  EXPECT_TRUE(sd_init(kNuma20, 32, v("v6.16")).flags.has(SdFlag::Overlap));
  EXPECT_FALSE(sd_init(kNuma20, 32, v("v6.17")).flags.has(SdFlag::Overlap));
  EXPECT_FALSE(sd_init(kPkg, 32, v("v6.16")).flags.has(SdFlag::Overlap));
}

TEST(SdInit, V4_19UsesBusy32Pct125AndPerLevelPreferSibling) {
  const SdInit pkg = sd_init(kPkg, 8, v("v4.19"));
  EXPECT_EQ(pkg.tunables, (SdTunables{8, 16, 32, 125, 1}));
  EXPECT_TRUE(pkg.flags.has(SdFlag::LoadBalance));
  EXPECT_TRUE(pkg.flags.has(SdFlag::PreferSibling));
  EXPECT_EQ(sd_init(kMc, 8, v("v4.19")).tunables.imbalance_pct, 117u);
  EXPECT_EQ(sd_init(kSmt, 2, v("v4.19")).tunables.imbalance_pct, 110u);
  EXPECT_FALSE(sd_init(kNuma20, 8, v("v4.19")).flags.has(SdFlag::PreferSibling));
  // SD_LOAD_BALANCE left in v5.8; the v5.10 tunables came two releases later.
  const SdInit v58 = sd_init(kPkg, 8, v("v5.8"));
  EXPECT_FALSE(v58.flags.has(SdFlag::LoadBalance));
  EXPECT_EQ(v58.tunables.busy_factor, 32u);
  EXPECT_EQ(sd_init(kPkg, 8, v("v5.10")).tunables.busy_factor, 16u);
}

TEST(SdInit, BeforeV3_16TheMacrosApply) {
  // include/linux/topology.h SD_SIBLING_INIT / SD_MC_INIT / SD_CPU_INIT.
  const SdInit smt = sd_init(kSmt, 2, v("v3.10"));
  EXPECT_EQ(smt.tunables, (SdTunables{1, 2, 64, 110, 0}));
  EXPECT_EQ(smt.balance_interval, 1u);
  EXPECT_EQ(sd_init(kMc, 8, v("v3.10")).tunables, (SdTunables{1, 4, 64, 125, 1}));
  const SdInit cpu = sd_init(kPkg, 16, v("v3.10"));
  EXPECT_EQ(cpu.tunables, (SdTunables{1, 4, 64, 125, 1}));
  EXPECT_TRUE(cpu.flags.has(SdFlag::PreferSibling));
  // sd_numa_init() (v3.5): weight-based intervals, imbalance_pct 100 + 25 * distance / 10.
  const SdInit numa = sd_init(kNuma20, 32, v("v3.10"));
  EXPECT_EQ(numa.tunables, (SdTunables{32, 64, 32, 150, 2}));
  EXPECT_TRUE(numa.flags.has(SdFlag::Numa));
  EXPECT_TRUE(numa.flags.has(SdFlag::WakeAffine));
  EXPECT_FALSE(sd_init(level(LevelKind::Numa, {SdFlag::Numa}, 30), 32, v("v3.10"))
                   .flags.has(SdFlag::WakeAffine));
  // SD_MC_INIT has no SD_PREFER_SIBLING from v3.5 on (8e7fbcbc22c1).
  EXPECT_FALSE(sd_init(kMc, 8, v("v3.10")).flags.has(SdFlag::PreferSibling));
}

// The 2.6.x NODE level: x86_64 SD_NODE_INIT, with the flags the era has (no SD_NUMA or
// SD_OVERLAP yet). include/asm-x86_64/topology.h v2.6.20: LOAD_BALANCE, BALANCE_FORK,
// BALANCE_EXEC, SERIALIZE, WAKE_BALANCE (no WAKE_AFFINE, no BALANCE_NEWIDLE);
// arch/x86/include/asm/topology.h v2.6.32 adds BALANCE_NEWIDLE and WAKE_AFFINE and its layout
// has no WAKE_BALANCE.
TEST(SdInit, NodeInitOf2_6x) {
  TopologyLevel node = level(LevelKind::Node, {});
  node.nodes_per_domain = kSdNodesPerDomain;
  const SdInit n20 = sd_init(node, 32, v("v2.6.20"));
  EXPECT_EQ(n20.tunables, (SdTunables{8, 32, 32, 125, 2}));
  EXPECT_EQ(n20.balance_interval, 1u);
  EXPECT_EQ(n20.flags, (SdFlags{SdFlag::LoadBalance, SdFlag::BalanceExec, SdFlag::BalanceFork,
                                SdFlag::WakeBalance, SdFlag::Serialize}));
  const SdInit n32 = sd_init(node, 32, v("v2.6.32"));
  EXPECT_EQ(n32.tunables, (SdTunables{8, 32, 32, 125, 2}));
  EXPECT_EQ(n32.flags, (SdFlags{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::BalanceExec,
                                SdFlag::BalanceFork, SdFlag::WakeAffine, SdFlag::Serialize}));
  // A NUMA level read from a pre-v3.5 dump takes the same macro.
  EXPECT_EQ(sd_init(kNuma20, 32, v("v2.6.32")).flags, n32.flags);
}

// SD_ALLNODES_INIT (include/linux/topology.h): 64 / 64*num_online_cpus() / 128 / 133,
// cache_nice_tries 1, balance_interval 64; LOAD_BALANCE|SERIALIZE, +BALANCE_NEWIDLE at v2.6.32.
TEST(SdInit, AllNodesInitOf2_6x) {
  const TopologyLevel allnodes = level(LevelKind::AllNodes, {});
  const SdInit a20 = sd_init(allnodes, 48, v("v2.6.20"));
  EXPECT_EQ(a20.tunables, (SdTunables{64, 64 * 48, 128, 133, 1}));
  EXPECT_EQ(a20.balance_interval, 64u);
  EXPECT_EQ(a20.flags, (SdFlags{SdFlag::LoadBalance, SdFlag::Serialize}));
  EXPECT_EQ(sd_init(allnodes, 48, v("v2.6.32")).flags,
            (SdFlags{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::Serialize}));
}

// SD_MC_INIT ORs in sd_balance_for_mc_power(), SD_CPU_INIT sd_balance_for_package_power()
// (include/linux/topology.h v2.6.32); include/linux/sched.h v2.6.32: both are
// SD_PREFER_SIBLING with sched_mc_power_savings = sched_smt_power_savings = 0. SD_SIBLING_INIT
// has 0*SD_PREFER_SIBLING.
TEST(SdInit, PowerSavingsHelpersGivePreferSiblingAtV2_6_32) {
  EXPECT_TRUE(sd_init(kMc, 8, v("v2.6.32")).flags.has(SdFlag::PreferSibling));
  EXPECT_TRUE(sd_init(kPkg, 16, v("v2.6.32")).flags.has(SdFlag::PreferSibling));
  EXPECT_FALSE(sd_init(kSmt, 2, v("v2.6.32")).flags.has(SdFlag::PreferSibling));
  // The switch alone decides: v2.6.32 with it off is the old model.
  BuildOptions o = build_options_for(v("v2.6.32"));
  o.mc_prefer_sibling = false;
  EXPECT_FALSE(sd_init(kMc, 8, v("v2.6.32"), o).flags.has(SdFlag::PreferSibling));
  // v2.6.20's BALANCE_FOR_MC_POWER is 0 at the defaults, and its layout has no
  // SD_PREFER_SIBLING.
  EXPECT_FALSE(sd_init(kMc, 8, v("v2.6.20")).flags.has(SdFlag::PreferSibling));
}

TEST(SdInit, FlagsAreRestrictedToTheEra) {
  EXPECT_EQ(sd_flags_in_era({SdFlag::Cluster, SdFlag::ShareLlc}, v("v6.6")),
            SdFlags{SdFlag::ShareLlc});
  EXPECT_EQ(sd_flags_in_era({SdFlag::Cluster, SdFlag::ShareLlc}, v("v6.7")),
            (SdFlags{SdFlag::Cluster, SdFlag::ShareLlc}));
  EXPECT_FALSE(sd_init(kPkg, 4, v("v2.6.20")).flags.has(SdFlag::PreferSibling));
}

}  // namespace
}  // namespace sbm
