#include "model/topology/topology_spec.h"

#include <gtest/gtest.h>

#include "model/topology/build_sched_domains.h"
#include "traces/topology_dump/write.h"

#include <set>

namespace sbm {
namespace {

MachineSpec spec(const std::string& text) {
  SpecParse p = parse_machine_spec(text);
  EXPECT_TRUE(p.spec) << text << ": " << p.error;
  return p.spec.value_or(MachineSpec{});
}

std::string error_of(const std::string& text) {
  SpecParse p = parse_machine_spec(text);
  EXPECT_FALSE(p.spec) << text << " parsed";
  return p.error;
}

TEST(MachineSpec, ParsesTheGrammarExample) {
  const MachineSpec s = spec(
      "sockets=2,dies=1,clusters=1,cores=8,threads=2,nodes=2,distance=10:20/20:10,online=0-29,"
      "era=v6.17");
  EXPECT_EQ(s.nr_cpus(), 32);
  EXPECT_EQ(s.nodes, 2);
  EXPECT_EQ(s.distance, (std::vector<std::vector<int>>{{10, 20}, {20, 10}}));
  EXPECT_EQ(online_cpus(s).to_cpulist(), "0-29");
  EXPECT_EQ(s.era, (KernelVersion{6, 17, 0}));
  EXPECT_EQ(s.text,
            "sockets=2,dies=1,clusters=1,cores=8,threads=2,nodes=2,distance=10:20/20:10,"
            "online=0-29,era=v6.17");
}

TEST(MachineSpec, DefaultsAreOneOfEverythingAndTenTwentyDistances) {
  const MachineSpec s = spec("cores=4,nodes=2");
  EXPECT_EQ(s.nr_cpus(), 4);
  EXPECT_EQ(online_cpus(s).to_cpulist(), "0-3");
  EXPECT_EQ(distance_table(s), (std::vector<std::vector<int>>{{10, 20}, {20, 10}}));
  EXPECT_EQ(cpu_capacity(s, 3), 1024u);
  EXPECT_FALSE(s.era);
}

TEST(MachineSpec, CpulistValuesMayContainCommas) {
  const MachineSpec s = spec("cores=16,online=0-3,8-11,era=v5.10");
  EXPECT_EQ(online_cpus(s).to_cpulist(), "0-3,8-11");
  EXPECT_EQ(s.era, (KernelVersion{5, 10, 0}));
  const MachineSpec c = spec("cores=4,capacity=0,2:446/1,3:1024");
  EXPECT_EQ(c.capacity, (std::vector<unsigned long>{446, 1024, 446, 1024}));
}

TEST(MachineSpec, CapacityListsDefaultTheRestTo1024) {
  const MachineSpec s = spec("cores=8,capacity=0-3:446");
  EXPECT_EQ(cpu_capacity(s, 0), 446u);
  EXPECT_EQ(cpu_capacity(s, 7), 1024u);
  EXPECT_EQ(spec("cores=8,capacity=0-3:446/4-7:1024").capacity,
            (std::vector<unsigned long>{446, 446, 446, 446, 1024, 1024, 1024, 1024}));
}

TEST(MachineSpec, SmtNumberingAdjacentAndSplit) {
  const MachineSpec adj = spec("cores=4,threads=2");
  EXPECT_EQ(smt_mask(adj, 0).to_cpulist(), "0-1");
  EXPECT_EQ(cpu_place(adj, 5).core, 2);
  const MachineSpec split = spec("cores=4,threads=2,smt-numbering=split");
  EXPECT_EQ(smt_mask(split, 0).to_cpulist(), "0,4");
  EXPECT_EQ(smt_mask(split, 7).to_cpulist(), "3,7");
  EXPECT_EQ(cpu_place(split, 5).core, 1);
  EXPECT_EQ(cpu_place(split, 5).thread, 1);
  EXPECT_EQ(cpu_of(split, 1, 1), 5);
  // Nodes split the cores, so siblings share a node in either numbering.
  const MachineSpec numa = spec("sockets=2,cores=2,threads=2,nodes=2,smt-numbering=split");
  EXPECT_EQ(node_mask(numa, 0).to_cpulist(), "0-1,4-5");
  EXPECT_EQ(cpu_to_node(numa), (std::vector<int>{0, 0, 1, 1, 0, 0, 1, 1}));
}

TEST(MachineSpec, MasksFollowClustersDiesAndNodes) {
  const MachineSpec k = spec("kunpeng");
  EXPECT_EQ(k.nr_cpus(), 96);
  EXPECT_EQ(cluster_mask(k, 5).to_cpulist(), "4-7");
  EXPECT_EQ(coregroup_mask(k, 0).to_cpulist(), "0-23");
  EXPECT_EQ(node_mask(k, 1).to_cpulist(), "24-47");
  EXPECT_EQ(cpu_place(k, 50).socket, 1);
  // One cluster per die: the cluster mask is the SMT mask (arm64 cpu_clustergroup_mask()).
  const MachineSpec l = spec("laptop");
  EXPECT_EQ(cluster_mask(l, 1).to_cpulist(), "1,5");
  // A die wider than its node is clipped to the node (SNC, arm64 coregroup).
  const MachineSpec snc = spec("cores=8,nodes=2");
  EXPECT_EQ(coregroup_mask(snc, 6).to_cpulist(), "4-7");
  // Two sockets in one node: the die stays the socket's.
  const MachineSpec two = spec("sockets=2,cores=4");
  EXPECT_EQ(coregroup_mask(two, 6).to_cpulist(), "4-7");
  EXPECT_EQ(node_mask(two, 0).to_cpulist(), "0-7");
}

TEST(MachineSpec, PresetsParseAndHaveDescriptions) {
  const std::pair<const char*, int> expected[] = {{"laptop", 8},     {"2s-numa", 32},
                                                  {"4n-ring", 8},    {"kunpeng", 96},
                                                  {"big-numa", 512}, {"segmented-bus", 4}};
  std::set<std::string_view> names;
  for (const MachinePreset& p : machine_presets()) {
    EXPECT_FALSE(p.description.empty()) << p.name;
    EXPECT_TRUE(names.insert(p.name).second) << p.name;
    EXPECT_TRUE(parse_machine_spec(p.spec).spec) << p.name;
  }
  for (const auto& [name, cpus] : expected) {
    const MachineSpec s = spec(name);
    EXPECT_EQ(s.nr_cpus(), cpus) << name;
    EXPECT_EQ(s.text, name);
  }
  EXPECT_EQ(distance_table(spec("4n-ring"))[0], (std::vector<int>{10, 20, 30, 20}));
  EXPECT_EQ(distance_table(spec("segmented-bus"))[3], (std::vector<int>{40, 30, 20, 10}));
  EXPECT_EQ(distance_table(spec("kunpeng"))[1], (std::vector<int>{12, 10, 22, 24}));
}

TEST(MachineSpec, PresetsTakeOverrides) {
  const MachineSpec s = spec("2s-numa,online=0-15,era=v4.19");
  EXPECT_EQ(s.nr_cpus(), 32);
  EXPECT_EQ(online_cpus(s).to_cpulist(), "0-15");
  EXPECT_EQ(s.era, (KernelVersion{4, 19, 0}));
  EXPECT_EQ(spec("4n-ring,cores=1").nr_cpus(), 4);
}

TEST(MachineSpec, FormatRoundTrips) {
  std::vector<std::string> texts;
  for (const MachinePreset& p : machine_presets()) texts.emplace_back(p.name);
  texts.push_back("sockets=2,cores=4,threads=2,smt-numbering=split,online=0-2,5,7,era=v2.6.32");
  texts.push_back("clusters=2,cores=2,capacity=0-1:512/2-3:1024,nodes=2,distance=10:30/30:10");
  for (const std::string& t : texts) {
    MachineSpec a = spec(t);
    MachineSpec b = spec(format_machine_spec(a));
    a.text.clear();
    b.text.clear();
    EXPECT_EQ(a, b) << t << " -> " << format_machine_spec(a);
  }
}

TEST(MachineSpec, ErrorsNameTheBadKeyOrValue) {
  EXPECT_EQ(error_of("sockets=2,x"), "expected key=value, found 'x'");
  EXPECT_EQ(error_of("sockets=2,,cores=2"), "expected key=value, found ''");
  EXPECT_NE(error_of("workstation").find("expected a preset name"), std::string::npos);
  EXPECT_NE(error_of("").find("empty SPEC"), std::string::npos);
  EXPECT_NE(error_of("sockets=2,foo=1").find("unknown key 'foo'"), std::string::npos);
  EXPECT_EQ(error_of("sockets=2,sockets=3"), "key 'sockets' given twice");
  EXPECT_EQ(error_of("cores=abc"), "expected a positive integer for 'cores', found 'abc'");
  EXPECT_EQ(error_of("threads=0"), "expected a positive integer for 'threads', found '0'");
  EXPECT_EQ(error_of("cores=8,nodes=3"), "nodes (3) must divide the core count (8)");
  EXPECT_EQ(error_of("cores=4,nodes=2,distance=10:20/20:10/10:10"),
            "distance table must be 2 x 2 (nodes=2), found 3 rows");
  EXPECT_EQ(error_of("cores=4,nodes=2,distance=10:20/20"),
            "distance table must be 2 x 2, row 1 has 1 entries");
  EXPECT_EQ(error_of("cores=4,nodes=2,distance=10:20/30:10"),
            "distance table must be symmetric, found 20 at (0,1) and 30 at (1,0)");
  EXPECT_EQ(error_of("cores=4,nodes=2,distance=12:20/20:10"),
            "distance (0,0) must be 10 (LOCAL_DISTANCE), found 12");
  EXPECT_EQ(error_of("cores=4,nodes=2,distance=10:256/256:10"),
            "distance (0,1) must be in 11..255, found 256");
  EXPECT_EQ(error_of("cores=4,nodes=2,distance=10:x/20:10"),
            "expected a distance number in 'distance', found 'x'");
  EXPECT_EQ(error_of("cores=4,online=2-9"), "online CPU 9 is beyond the machine's 4 CPUs");
  EXPECT_EQ(error_of("cores=4,online="), "online must name at least one CPU");
  EXPECT_NE(error_of("cores=4,online=3-1").find("in 'online'"), std::string::npos);
  EXPECT_EQ(error_of("cores=4,capacity=0-3"),
            "expected 'cpulist:capacity' in 'capacity', found '0-3'");
  EXPECT_EQ(error_of("cores=4,capacity=0-3:2000"),
            "expected a capacity in 1..1024 in 'capacity', found '2000'");
  EXPECT_EQ(error_of("cores=4,capacity=0-2:500/2:600"), "'capacity' gives CPU 2 twice");
  EXPECT_EQ(error_of("cores=4,capacity=4:500"),
            "'capacity' names CPU 4, beyond the machine's 4 CPUs");
  EXPECT_EQ(error_of("era=linux"),
            "expected a kernel version for 'era' (e.g. v6.17), found 'linux'");
  EXPECT_EQ(error_of("smt-numbering=odd"),
            "expected 'adjacent' or 'split' for 'smt-numbering', found 'odd'");
  EXPECT_EQ(error_of("sockets=64,cores=64,threads=4"), "the machine has more than 8192 CPUs");
  EXPECT_EQ(error_of("clusters=2,cores=4,nodes=4"),
            "a cluster of 4 cores must not span two nodes of 2 cores");
}

TEST(MachineSpec, ValidateCatchesSpecsBuiltInCode) {
  MachineSpec s;
  s.cores = 4;
  EXPECT_EQ(validate_machine_spec(s), "");
  s.nodes = 0;
  EXPECT_EQ(validate_machine_spec(s), "nodes must be at least 1, found 0");
  s.nodes = 2;
  s.capacity = {1024, 1024};
  EXPECT_EQ(validate_machine_spec(s), "capacity must list 4 CPUs, found 2");
  s.capacity = {1024, 1024, 0, 1024};
  EXPECT_EQ(validate_machine_spec(s), "capacity of CPU 2 must be in 1..1024, found 0");
  s.capacity.clear();
  s.online = CpuMask{};
  EXPECT_EQ(validate_machine_spec(s), "online must name at least one CPU");
}

// The grid's own masks, given explicitly.
MachineSpec with_explicit_masks(const MachineSpec& grid) {
  MachineSpec s;
  s.cores = grid.nr_cpus();
  s.nodes = grid.nodes;
  s.distance = grid.distance;
  s.online = grid.online;
  s.capacity = grid.capacity;
  s.text = grid.text;
  ArchMasks a;
  for (int cpu = 0; cpu < grid.nr_cpus(); ++cpu) {
    a.smt.push_back(smt_mask(grid, cpu));
    a.cluster.push_back(cluster_mask(grid, cpu));
    a.coregroup.push_back(coregroup_mask(grid, cpu));
    a.node.push_back(cpu_place(grid, cpu).node);
  }
  s.masks = std::move(a);
  return s;
}

TEST(MachineSpec, ExplicitMasksBuildWhatTheGridBuilds) {
  for (const char* text : {"laptop", "kunpeng", "2s-numa,online=0-5,9-30", "4n-ring"}) {
    const MachineSpec grid = parse_machine_spec(text).spec.value();
    const MachineSpec explicit_masks = with_explicit_masks(grid);
    ASSERT_EQ(validate_machine_spec(explicit_masks), "") << text;
    for (int cpu = 0; cpu < grid.nr_cpus(); ++cpu)
      EXPECT_EQ(node_mask(explicit_masks, cpu_place(grid, cpu).node),
                node_mask(grid, cpu_place(grid, cpu).node));
    const KernelVersion era{6, 17, 0};
    const Topology a = build_sched_domains(explicit_masks, era, 7),
                   b = build_sched_domains(grid, era, 7);
    EXPECT_EQ(write_dmesg(a, era), write_dmesg(b, era)) << text;      // spans, groups, capacities
    EXPECT_EQ(write_debugfs(a, era), write_debugfs(b, era)) << text;  // flags, tunables
    EXPECT_EQ(a.cpu_node, b.cpu_node) << text;
  }
}

TEST(MachineSpec, ExplicitMasksMustPartitionAndNest) {
  const MachineSpec good =
      with_explicit_masks(parse_machine_spec("laptop").spec.value());  // siblings k, k+4
  MachineSpec s = good;
  s.masks->smt[1] = CpuMask::single(5);
  EXPECT_EQ(validate_machine_spec(s), "the smt mask of CPU 1 (5) does not hold the CPU");
  s = good;
  s.masks->cluster[0] = CpuMask::range(0, 1);
  EXPECT_EQ(validate_machine_spec(s),
            "the smt mask of CPU 0 (0,4) is not inside the cluster mask of CPU 0 (0-1)");
  s = good;
  s.masks->smt[1].set(4);
  EXPECT_EQ(validate_machine_spec(s),
            "the smt mask of CPU 1 (1,4-5) and the smt mask of CPU 4 (0,4) overlap");
  s = good;
  s.masks->coregroup[3] = CpuMask::range(3, 7);
  EXPECT_EQ(validate_machine_spec(s),
            "the coregroup mask of CPU 0 (0-7) and the coregroup mask of CPU 3 (3-7) overlap");
  s = good;
  s.nodes = 2;
  s.masks->node = {0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(validate_machine_spec(s),
            "the coregroup mask of CPU 0 (0-7) is not inside the node mask of CPU 0 (0-6)");
  s.masks->node[7] = 0;
  EXPECT_EQ(validate_machine_spec(s), "node 1 has no CPU");
  s.masks->node[7] = 2;
  EXPECT_EQ(validate_machine_spec(s), "CPU 7 is on node 2, beyond the machine's 2 nodes");
  s = good;
  s.masks->node.pop_back();
  EXPECT_EQ(validate_machine_spec(s), "explicit masks must be given for each of the 8 CPUs");
  s = good;
  s.threads = 2;
  EXPECT_EQ(validate_machine_spec(s),
            "a machine with explicit masks has sockets, dies, clusters and threads 1");
}

}  // namespace
}  // namespace sbm
