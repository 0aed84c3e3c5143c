// build_sched_domains() against real kernel dumps (tests/data/topologies, transcribed
// below) and the era switches of build_options.h.
#include "model/topology/build_sched_domains.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "model/topology/sched_domain_topology.h"

namespace sbm {
namespace {

KernelVersion v(const char* s) { return parse_kernel_version(s).value(); }

MachineSpec spec(const std::string& text) {
  SpecParse p = parse_machine_spec(text);
  EXPECT_TRUE(p.spec) << text << ": " << p.error;
  return p.spec.value_or(MachineSpec{});
}

Topology build(const std::string& text, const char* era) {
  return build_sched_domains(spec(text), v(era), 4294667296UL);
}

const SchedDomain& domain(const Topology& t, int cpu, size_t level) {
  return t.find(cpu)->domains.at(level);
}

// "NAME:span NAME:span ..." base first.
std::string chain(const Topology& t, int cpu) {
  std::string out;
  for (const SchedDomain& sd : t.find(cpu)->domains)
    out += (out.empty() ? "" : " ") + sd.name + ":" + sd.span->to_cpulist();
  return out;
}

// "span[mask] span[mask] ..." in list order; [mask] only where it differs from the span, as
// sched_domain_debug_one() prints "mask=".
std::string groups(const SchedDomain& sd) {
  std::string out;
  for (const SchedGroup& g : *sd.groups) {
    out += (out.empty() ? "" : " ") + g.span.to_cpulist();
    if (!(*g.balance_mask == g.span)) out += "[" + g.balance_mask->to_cpulist() + "]";
  }
  return out;
}

std::string caps(const SchedDomain& sd) {
  std::string out;
  for (const SchedGroup& g : *sd.groups)
    out += (out.empty() ? "" : " ") + std::to_string(*g.capacity);
  return out;
}

// 004-qemu-arm64-numa-diameter3-broken.txt (~v5.8): spans and groups of every CPU; the
// cap= values there are measured capacities and are not compared.
TEST(BuildSchedDomains, SegmentedBusAtV5_8ReproducesThe004Dump) {
  const Topology t = build("segmented-bus", "v5.8");
  EXPECT_EQ(chain(t, 0), "NUMA:0-1 NUMA:0-2 NUMA:0-3");
  EXPECT_EQ(groups(domain(t, 0, 0)), "0 1");
  EXPECT_EQ(groups(domain(t, 0, 1)), "0-1[0] 1-3[2]");
  EXPECT_EQ(groups(domain(t, 0, 2)), "0-2[0] 1-3[3]");
  EXPECT_EQ(chain(t, 1), "NUMA:0-2 NUMA:0-3");
  EXPECT_EQ(groups(domain(t, 1, 0)), "1 2 0");
  EXPECT_EQ(groups(domain(t, 1, 1)), "0-2[1] 2-3[3]");
  EXPECT_EQ(chain(t, 2), "NUMA:1-3 NUMA:0-3");
  EXPECT_EQ(groups(domain(t, 2, 0)), "2 3 1");
  EXPECT_EQ(groups(domain(t, 2, 1)), "1-3[2] 0-1[0]");
  EXPECT_EQ(chain(t, 3), "NUMA:2-3 NUMA:1-3 NUMA:0-3");
  EXPECT_EQ(groups(domain(t, 3, 0)), "3 2");
  EXPECT_EQ(groups(domain(t, 3, 1)), "2-3[3] 0-2[1]");
  EXPECT_EQ(groups(domain(t, 3, 2)), "1-3[3] 0-2[0]");
}

bool groups_span_domain(const SchedDomain& sd) {
  CpuMask all;
  for (const SchedGroup& g : *sd.groups) all |= g.span;
  return all == *sd.span;
}

TEST(BuildSchedDomains, FindDescendedSiblingFixesDiameter3FromV5_13) {
  for (const char* era : {"v5.12", "v5.13", "v6.17"}) {
    const Topology t = build("segmented-bus", era);
    const bool fixed = std::string(era) != "v5.12";
    EXPECT_EQ(groups_span_domain(domain(t, 0, 1)), fixed) << era;
    EXPECT_EQ(groups_span_domain(domain(t, 3, 1)), fixed) << era;
    if (fixed) {
      EXPECT_EQ(groups(domain(t, 0, 1)), "0-1[0] 2") << era;
      EXPECT_EQ(groups(domain(t, 3, 1)), "2-3[3] 1") << era;
      for (const auto& [cpu, cd] : t.cpus)
        for (const SchedDomain& sd : cd.domains) EXPECT_TRUE(groups_span_domain(sd)) << era;
    }
  }
  // The same era with the switch flipped back.
  BuildOptions o = build_options_for(v("v6.17"));
  o.find_descended_sibling = false;
  const Topology broken = build_sched_domains(spec("segmented-bus"), v("v6.17"), 0, o);
  EXPECT_EQ(groups(domain(broken, 0, 1)), "0-1[0] 1-3[2]");
}

// spec/bugs.md #2 (0372dd2736e0): on the 4-node ring CPU1's top groups were 1-3 and 0-1,3 (built
// walking from CPU 0); from v4.13 they start at CPU1's own child domain 0-2.
TEST(BuildSchedDomains, OverlapGroupsWalkFromTheDomainsCpuFromV4_13) {
  const Topology old = build("4n-ring,cores=1", "v4.12");
  EXPECT_EQ(chain(old, 1), "NUMA:0-2 NUMA:0-3");
  EXPECT_EQ(groups(domain(old, 1, 1)), "1-3 0-1,3");
  const Topology fixed = build("4n-ring,cores=1", "v4.13");
  EXPECT_EQ(groups(domain(fixed, 1, 1)), "0-2[1] 0,2-3[3]");
  for (int cpu = 0; cpu < 4; ++cpu)  // the local group is the CPU's child domain
    EXPECT_EQ(domain(fixed, cpu, 1).groups->front().span, *domain(fixed, cpu, 0).span) << cpu;
}

// spec/bugs.md #6 (73bb059f9b8a): before v4.13 the balance mask held every CPU of the domain that
// has this level, so CPUs that never reach the group could be its balance CPU.
TEST(BuildSchedDomains, BalanceMaskRuleChangedInV4_13) {
  BuildOptions o = build_options_for(v("v4.13"));
  o.balance_mask_from_child_span = false;
  const Topology legacy = build_sched_domains(spec("4n-ring,cores=1"), v("v4.13"), 0, o);
  EXPECT_EQ(groups(domain(legacy, 0, 1)), "0-1,3 1-3");
  const Topology exact = build("4n-ring,cores=1", "v4.13");
  EXPECT_EQ(groups(domain(exact, 0, 1)), "0-1,3[0] 1-3[2]");
}

// 023-x86-tigerlake-nuc11-smt-ok.txt (5.16): siblings 0,4; groups walk from the CPU.
TEST(BuildSchedDomains, LaptopMatchesThe023TigerLakeDump) {
  const Topology t = build("laptop", "v5.16");
  const char* const smt_groups[] = {"0 4", "1 5", "2 6", "3 7", "4 0", "5 1", "6 2", "7 3"};
  const char* const mc_groups[] = {"0,4 1,5 2,6 3,7", "1,5 2,6 3,7 0,4", "2,6 3,7 0,4 1,5",
                                   "3,7 0,4 1,5 2,6"};
  for (int cpu = 0; cpu < 8; ++cpu) {
    const std::string sib = std::to_string(cpu % 4) + "," + std::to_string(cpu % 4 + 4);
    EXPECT_EQ(chain(t, cpu), "SMT:" + sib + " MC:0-7") << cpu;
    EXPECT_EQ(groups(domain(t, cpu, 0)), smt_groups[cpu]) << cpu;
    EXPECT_EQ(groups(domain(t, cpu, 1)), mc_groups[cpu % 4]) << cpu;
    EXPECT_EQ(caps(domain(t, cpu, 1)), "2048 2048 2048 2048") << cpu;
  }
  EXPECT_EQ(t.root_span->to_cpulist(), "0-7");
}

// 003-x86-nehalem-numa-2.6.37rc1-revert-ok.txt: MC 0-3 / 4-7 and CPU 0-7 with groups 0-3,
// 4-7 of cpu_power 4096, each list starting at the CPU's own group. (Its third level, a NODE
// domain with a single group, survives there because sd_parent_degenerate() drops
// SD_SERIALIZE of a one-group parent only when nr_node_ids == 1; a one-node SPEC has that,
// so the model's NODE over CPU is trimmed.)
TEST(BuildSchedDomains, TwoSocketsMatchThe003DumpAtV2_6_37) {
  const Topology t = build("sockets=2,cores=4", "v2.6.37");
  EXPECT_EQ(chain(t, 0), "MC:0-3 CPU:0-7");
  EXPECT_EQ(groups(domain(t, 1, 0)), "1 2 3 0");
  EXPECT_EQ(groups(domain(t, 3, 0)), "3 0 1 2");
  EXPECT_EQ(groups(domain(t, 6, 0)), "6 7 4 5");
  EXPECT_EQ(groups(domain(t, 2, 1)), "0-3 4-7");
  EXPECT_EQ(groups(domain(t, 5, 1)), "4-7 0-3");
  EXPECT_EQ(caps(domain(t, 5, 1)), "4096 4096");
}

// v2.6.32 MC carries SD_PREFER_SIBLING (SD_MC_INIT | sd_balance_for_mc_power(),
// include/linux/topology.h and include/linux/sched.h v2.6.32); from v3.5 it does not.
TEST(BuildSchedDomains, McPreferSiblingAtV2_6_32) {
  const std::string twosock = "sockets=2,cores=4,threads=2";
  const Topology t2632 = build(twosock, "v2.6.32");  // kept: domain() refers into it
  const SchedDomain& mc = domain(t2632, 0, 1);
  ASSERT_EQ(mc.name, "MC");
  EXPECT_TRUE(mc.flags->has(SdFlag::PreferSibling));
  const Topology t310 = build(twosock, "v3.10");
  const SchedDomain& mc310 = domain(t310, 0, 1);
  ASSERT_EQ(mc310.name, "MC");
  EXPECT_FALSE(mc310.flags->has(SdFlag::PreferSibling));
}

// 2.6.x NUMA (kernel/sched.c v2.6.20 build_sched_domains(), v2.6.32
// __build_numa_sched_domains() and build_numa_sched_groups()): up to 16 nodes, NODE spans
// every node with CPUs, one group per node, each node's list starting at itself and going up
// by node number; SD_NODE_INIT's parameters; no distance levels.
TEST(BuildSchedDomains, NodeLevelOf2_6xOnTheRing) {
  const Topology t = build("4n-ring", "v2.6.32");
  EXPECT_EQ(chain(t, 5), "MC:4-5 NODE:0-7");
  const SchedDomain& node = domain(t, 5, 1);
  EXPECT_EQ(groups(node), "4-5 6-7 0-1 2-3");
  EXPECT_EQ(groups(domain(t, 1, 1)), "0-1 2-3 4-5 6-7");
  EXPECT_EQ(groups(domain(t, 7, 1)), "6-7 0-1 2-3 4-5");
  EXPECT_EQ(caps(node), "2048 2048 2048 2048");
  EXPECT_EQ(node.tunables, (SdTunables{8, 32, 32, 125, 2}));
  EXPECT_EQ(*node.flags, (SdFlags{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::BalanceExec,
                                  SdFlag::BalanceFork, SdFlag::WakeAffine, SdFlag::Serialize}));
  EXPECT_EQ(chain(build("4n-ring", "v2.6.20"), 5), "MC:4-5 NODE:0-7");
  EXPECT_FALSE(domain(build("4n-ring", "v2.6.20"), 5, 1).flags->has(SdFlag::BalanceNewidle));
  // From v3.5 the ring gets sched_init_numa()'s distance levels instead.
  EXPECT_NE(chain(build("4n-ring", "v4.19"), 5).find("NUMA:"), std::string::npos);
}

// find_next_best_node(): the smallest node_distance() first; on the ring node 0 sees nodes 1
// and 3 at 20 and takes 1, the first met walking up from 0.
TEST(BuildSchedDomains, SchedDomainNodeSpanTakesTheNearestNodes) {
  const MachineSpec ring = spec("4n-ring");
  EXPECT_EQ(sched_domain_node_span(ring, 0, 1).to_cpulist(), "0-1");
  EXPECT_EQ(sched_domain_node_span(ring, 0, 2).to_cpulist(), "0-3");
  EXPECT_EQ(sched_domain_node_span(ring, 0, 3).to_cpulist(), "0-3,6-7");
  EXPECT_EQ(sched_domain_node_span(ring, 2, 3).to_cpulist(), "2-7");
  // Nodes without online CPUs are passed over (nr_cpus_node()).
  EXPECT_EQ(sched_domain_node_span(spec("4n-ring,online=0-1,4-7"), 0, 2).to_cpulist(), "0-1,6-7");
}

// More nodes than SD_NODES_PER_DOMAIN: NODE takes the node and its 15 nearest
// (find_next_best_node(): ties go to the first node met walking up from the node with
// wrap), and ALLNODES, built because the cpu_map has more than 16 times a node's CPUs,
// spans the cpu_map with one group per node (SD_ALLNODES_INIT).
TEST(BuildSchedDomains, AllNodesOf2_6xBeyondSixteenNodes) {
  const Topology t = build("cores=18,nodes=18", "v2.6.32");
  EXPECT_EQ(chain(t, 5), "NODE:0-2,5-17 ALLNODES:0-17");
  EXPECT_EQ(groups(domain(t, 5, 0)), "5 6 7 8 9 10 11 12 13 14 15 16 17 0 1 2");
  EXPECT_EQ(groups(domain(t, 5, 1)), "5 6 7 8 9 10 11 12 13 14 15 16 17 0 1 2 3 4");
  EXPECT_EQ(chain(t, 0), "NODE:0-15 ALLNODES:0-17");
  const SchedDomain& all = domain(t, 5, 1);
  EXPECT_EQ(all.tunables, (SdTunables{64, 64 * 18, 128, 133, 1}));
  EXPECT_EQ(all.balance_interval, 64u);
  EXPECT_EQ(*all.flags, (SdFlags{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::Serialize}));
  // All remote nodes at 20: node 17 walks on to 0, 1, ... 14.
  EXPECT_EQ(sched_domain_node_span(spec("cores=18,nodes=18"), 17, kSdNodesPerDomain).to_cpulist(),
            "0-14,17");
  // Exactly 16 times a node's CPUs is not enough for ALLNODES.
  EXPECT_EQ(chain(build("cores=16,nodes=16", "v2.6.32"), 3), "NODE:0-15");
}

TEST(BuildSchedDomains, LevelNamesFollowTheEra) {
  const std::string twosock = "sockets=2,cores=4,threads=2";
  EXPECT_EQ(chain(build(twosock, "v3.15"), 0), "SIBLING:0-1 MC:0-7 CPU:0-15");
  EXPECT_EQ(chain(build(twosock, "v3.16"), 0), "SMT:0-1 MC:0-7 DIE:0-15");
  EXPECT_EQ(chain(build(twosock, "v6.6"), 0), "SMT:0-1 MC:0-7 DIE:0-15");
  EXPECT_EQ(chain(build(twosock, "v6.7"), 0), "SMT:0-1 MC:0-7 PKG:0-15");
}

TEST(BuildSchedDomains, NumaLevelsFollowSchedInitNuma) {
  const MachineSpec s = spec("2s-numa");
  auto names = [&](const char* era) {
    std::string out;
    for (const TopologyLevel& l : sched_domain_topology(s, build_options_for(v(era))).levels)
      out += (out.empty() ? "" : " ") + l.name;
    return out;
  };
  EXPECT_EQ(names("v4.13"), "SMT MC DIE NUMA");
  EXPECT_EQ(names("v4.14"), "SMT MC DIE NODE NUMA");
  EXPECT_EQ(names("v5.16"), "SMT CLS MC DIE NODE NUMA");
  EXPECT_EQ(names("v6.17"), "SMT CLS MC PKG NODE NUMA");
  // Degenerate levels go: the same chain in every era.
  for (const char* era : {"v4.13", "v4.14", "v6.17"})
    EXPECT_EQ(chain(build("2s-numa", era), 17), "SMT:16-17 MC:16-31 NUMA:0-31") << era;
}

// Before v5.12 only node 0's row is read: Kunpeng's 24 (node 1 to node 3) is missed, so
// node 1's top domain does not reach node 3 (the "Node-0 not representative" warning).
TEST(BuildSchedDomains, NumaDistancesFromNodeZeroBeforeV5_12) {
  const MachineSpec k = spec("kunpeng");
  EXPECT_EQ(sched_numa_distances(k, false), (std::vector<int>{10, 12, 20, 22}));
  EXPECT_EQ(sched_numa_distances(k, true), (std::vector<int>{10, 12, 20, 22, 24}));
  const Topology old = build("kunpeng", "v5.11");
  EXPECT_EQ(old.find(24)->domains.back().span->to_cpulist(), "0-71");
  const Topology fixed = build("kunpeng", "v5.12");
  EXPECT_EQ(fixed.find(24)->domains.back().span->to_cpulist(), "0-95");
  EXPECT_EQ(chain(fixed, 0), "MC:0-23 NUMA:0-47 NUMA:0-71 NUMA:0-95");
  // From v5.16 the clusters of 4 get their CLS level.
  EXPECT_EQ(chain(build("kunpeng", "v6.17"), 0), "CLS:0-3 MC:0-23 NUMA:0-47 NUMA:0-71 NUMA:0-95");
}

TEST(BuildSchedDomains, FlagsAndTunablesComeFromSdInit) {
  const unsigned long jiffies = 4294667296UL;
  const Topology t = build("big-numa", "v6.17");
  // SMT 0-1, MC 0-63, NUMA 0-127 (16), NUMA 0-255 (22), NUMA 0-511 (32 > 30).
  EXPECT_EQ(chain(t, 0), "SMT:0-1 MC:0-63 NUMA:0-127 NUMA:0-255 NUMA:0-511");
  const SchedDomain& mc = domain(t, 0, 1);
  EXPECT_EQ(mc.tunables, (SdTunables{64, 128, 16, 117, 1}));
  EXPECT_EQ(mc.balance_interval, 64u);
  EXPECT_EQ(mc.last_balance, jiffies);
  EXPECT_EQ(mc.topology_level, 2);  // SMT, CLS, MC
  EXPECT_TRUE(mc.flags->has(SdFlag::PreferSibling));
  EXPECT_FALSE(mc.flags->has(SdFlag::Serialize));
  const SchedDomain& near = domain(t, 0, 3);
  EXPECT_TRUE(near.flags->has(SdFlag::Serialize));
  EXPECT_TRUE(near.flags->has(SdFlag::WakeAffine));
  EXPECT_FALSE(near.flags->has(SdFlag::PreferSibling));
  EXPECT_EQ(near.tunables.cache_nice_tries, 2u);
  const SchedDomain& far = domain(t, 0, 4);
  EXPECT_FALSE(far.flags->has(SdFlag::WakeAffine));
  EXPECT_FALSE(far.flags->has(SdFlag::BalanceExec));
  EXPECT_FALSE(far.flags->has(SdFlag::BalanceFork));
  EXPECT_TRUE(far.flags->has(SdFlag::BalanceNewidle));
  // v4.19 numbers for the same machine.
  const Topology t419 = build("big-numa", "v4.19");
  const SchedDomain& mc419 = domain(t419, 0, 1);
  EXPECT_EQ(mc419.tunables, (SdTunables{64, 128, 32, 117, 1}));
  EXPECT_TRUE(mc419.flags->has(SdFlag::LoadBalance));
  EXPECT_EQ(domain(t419, 0, 4).tunables.imbalance_pct, 125u);
}

TEST(BuildSchedDomains, TopologyCarriesTheMachine) {
  const Topology t = build("2s-numa,online=0-23", "v6.17");
  EXPECT_EQ(t.era, v("v6.17"));
  EXPECT_EQ(t.nr_cpu_ids, 32);
  EXPECT_EQ(t.root_span->to_cpulist(), "0-23");
  EXPECT_EQ(t.cpus.size(), 24u);
  EXPECT_EQ(t.node_distance, (std::vector<std::vector<int>>{{10, 20}, {20, 10}}));
  EXPECT_EQ(t.cpu_node.at(20), 1);
  EXPECT_EQ(t.source.format, "built");
  EXPECT_EQ(t.source.file, "2s-numa,online=0-23");
  // Offline CPUs leave the spans; sd_weight (min_interval) counts online CPUs.
  EXPECT_EQ(chain(t, 20), "SMT:20-21 MC:16-23 NUMA:0-23");
  EXPECT_EQ(domain(t, 20, 1).tunables.min_interval, 8u);
  // A CPU alone in the cpu_map keeps no domain (cpu_attach_domain(NULL)).
  const Topology one = build("laptop,online=3", "v6.17");
  EXPECT_TRUE(one.find(3)->domains.empty());
}

TEST(BuildSchedDomains, DegenerateParentPassesPreferSiblingDown) {
  // v3.10: SD_MC_INIT has no SD_PREFER_SIBLING, SD_CPU_INIT has; CPU spans the node as MC
  // does, so it degenerates and MC inherits the flag.
  const Topology t = build("2s-numa", "v3.10");
  EXPECT_EQ(chain(t, 0), "SIBLING:0-1 MC:0-15 NUMA:0-31");
  EXPECT_TRUE(domain(t, 0, 1).flags->has(SdFlag::PreferSibling));
  EXPECT_FALSE(domain(t, 0, 0).flags->has(SdFlag::PreferSibling));
}

// spec/bugs.md #9: MC groups of an SMT machine hold the flags of the (degenerate) CLS child until
// v6.5 propagated SD_SHARE_CPUCAPACITY and v6.6 aligned all flags.
TEST(BuildSchedDomains, GroupFlagsAcrossDegenerateSplices) {
  auto mc_group_has_smt = [](const char* era) {
    const Topology t = build("laptop", era);
    bool all = true;
    for (int cpu = 0; cpu < 8; ++cpu)
      for (const SchedGroup& g : *domain(t, cpu, 1).groups)
        all = all && g.flags->has(SdFlag::ShareCpucapacity);
    return all;
  };
  EXPECT_FALSE(mc_group_has_smt("v5.16"));
  EXPECT_TRUE(mc_group_has_smt("v6.5"));
  EXPECT_TRUE(mc_group_has_smt("v6.17"));
  EXPECT_FALSE(domain(build("laptop", "v5.15"), 0, 1).groups->front().flags);
  const Topology t = build("laptop", "v6.17");
  EXPECT_EQ(*domain(t, 0, 1).groups->front().flags, *domain(t, 0, 0).flags);
  // The new base after a dropped one has no child: its first group's flags are cleared.
  const Topology bus = build("segmented-bus", "v6.17");
  EXPECT_EQ(*domain(bus, 0, 0).groups->front().flags, SdFlags{});
}

TEST(BuildSchedDomains, AsymmetricCapacitiesSetAsymFlagsFromV5_14) {
  const std::string big_little = "clusters=2,cores=4,capacity=0-3:446/4-7:1024";
  const Topology t = build(big_little, "v6.17");
  EXPECT_EQ(chain(t, 0), "CLS:0-3 MC:0-7");
  const SchedDomain& mc = domain(t, 0, 1);
  EXPECT_TRUE(mc.flags->has(SdFlag::AsymCpucapacity));
  EXPECT_TRUE(mc.flags->has(SdFlag::AsymCpucapacityFull));
  EXPECT_FALSE(domain(t, 0, 0).flags->has(SdFlag::AsymCpucapacity));
  EXPECT_FALSE(domain(t, 0, 0).flags->has(SdFlag::PreferSibling));  // cleared by the parent
  EXPECT_EQ(caps(mc), "1784 4096");
  // Only the little cluster online: one capacity left, no asymmetry.
  const Topology little = build(big_little + ",online=0-3", "v6.17");
  EXPECT_FALSE(domain(little, 0, 0).flags->has(SdFlag::AsymCpucapacity));
  // Before v5.14 the flags are not modelled; capacities still are.
  const Topology v513 = build(big_little, "v5.13");  // no CLS level before v5.16
  EXPECT_EQ(chain(v513, 0), "MC:0-7");
  EXPECT_FALSE(domain(v513, 0, 0).flags->has(SdFlag::AsymCpucapacity));
  EXPECT_EQ(caps(domain(v513, 0, 0)), "446 446 446 446 1024 1024 1024 1024");
}

std::string render(const Topology& t) {
  std::string out;
  for (const auto& [cpu, cd] : t.cpus)
    for (const SchedDomain& sd : cd.domains)
      out += std::to_string(cpu) + " " + sd.name + " " + sd.span->to_cpulist() + " " +
             std::to_string(sd.flags->raw()) + " " + groups(sd) + " " + caps(sd) + "\n";
  return out;
}

TEST(BuildSchedDomains, DeterministicAndStructurallySoundForEveryPresetAndEra) {
  for (const MachinePreset& p : machine_presets())
    for (const char* era :
         {"v2.6.20", "v2.6.32", "v3.10", "v4.12", "v4.19", "v5.8", "v5.13", "v6.6", "v6.17"}) {
      const Topology t = build(std::string(p.name), era);
      EXPECT_EQ(render(t), render(build(std::string(p.name), era))) << p.name << " " << era;
      for (const auto& [cpu, cd] : t.cpus) {
        const CpuMask* child = nullptr;
        for (const SchedDomain& sd : cd.domains) {
          const std::string where =
              std::string(p.name) + " " + era + " CPU" + std::to_string(cpu) + " " + sd.name;
          EXPECT_TRUE(sd.span->test(cpu)) << where;
          if (child) {
            EXPECT_TRUE(child->subset_of(*sd.span)) << where;
          }
          ASSERT_FALSE(sd.groups->empty()) << where;
          EXPECT_TRUE(sd.groups->front().span.test(cpu)) << where;
          for (const SchedGroup& g : *sd.groups) {
            EXPECT_FALSE(g.balance_mask->empty()) << where;
            EXPECT_TRUE(g.balance_mask->subset_of(g.span)) << where;
          }
          child = &*sd.span;
        }
      }
    }
}

// 4096 CPUs, 16 nodes with four distance levels (pairs 16, quads 22, rest 28): the size the
// checker is timed on. About 3 s in a Debug build, well under 1 s optimised.
TEST(BuildSchedDomains, BuildsA4096CpuMachineWithFourNumaLevels) {
  MachineSpec s;
  s.sockets = 16;
  s.dies = 2;
  s.cores = 64;
  s.threads = 2;
  s.nodes = 16;
  s.distance.assign(16, std::vector<int>(16));
  for (int a = 0; a < 16; ++a)
    for (int b = 0; b < 16; ++b)
      s.distance[a][b] = a == b ? 10 : a / 2 == b / 2 ? 16 : a / 4 == b / 4 ? 22 : 28;
  const Topology t = build_sched_domains(s, v("v6.17"), 0);
  EXPECT_EQ(t.cpus.size(), 4096u);
  EXPECT_EQ(chain(t, 0), "SMT:0-1 MC:0-127 PKG:0-255 NUMA:0-511 NUMA:0-1023 NUMA:0-4095");
  EXPECT_EQ(domain(t, 4095, 5).groups->size(), 4u);
  EXPECT_EQ(groups(domain(t, 4095, 5)), "3072-4095 0-1023 1024-2047 2048-3071");
  EXPECT_EQ(domain(t, 4095, 1).groups->size(), 64u);
  EXPECT_EQ(t.source.file.rfind("sockets=16,dies=2,clusters=1,cores=64,threads=2,nodes=16", 0), 0u);
}

TEST(BuildSchedDomains, RejectsAnInvalidSpec) {
  MachineSpec s;
  s.cores = 0;
  EXPECT_THROW(build_sched_domains(s, v("v6.17"), 0), std::invalid_argument);
}

}  // namespace
}  // namespace sbm
