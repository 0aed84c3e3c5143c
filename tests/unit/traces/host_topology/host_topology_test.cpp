// The host's sched domains from sysfs (traces/host_topology/): each fixture of
// tests/data/sysfs/ (README.md there says where each shape comes from) builds domains that
// pass every TOPO invariant with the spans its kernel builds; bad trees name the file at fault.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "model/topology/build_sched_domains.h"
#include "properties/topo_invariants.h"
#include "traces/host_topology/host_machine.h"
#include "traces/host_topology/sysfs_read.h"

namespace sbm {
namespace {

namespace fs = std::filesystem;

const KernelVersion kV6_17{6, 17, 0};

std::string fixture(const std::string& shape) {
  return std::string(SBM_DATA_DIR) + "/sysfs/" + shape;
}

MachineSpec host_spec(const std::string& root) {
  const SysfsRead r = read_sysfs_topology(root);
  EXPECT_TRUE(r.topology) << r.file << ": " << r.error;
  if (!r.topology) return {};
  HostMachine m = host_machine_spec(*r.topology, "host:" + root);
  EXPECT_TRUE(m.spec) << m.error;
  return m.spec.value_or(MachineSpec{});
}

// "NAME:span ..." of one CPU's chain, base first.
std::string levels_of(const Topology& t, int cpu) {
  std::string out;
  for (const SchedDomain& sd : t.find(cpu)->domains)
    out += (out.empty() ? "" : " ") + sd.name + ":" + sd.span->to_cpulist();
  return out;
}

struct Shape {
  const char* name;
  std::vector<std::pair<int, const char*>> chains;  // CPU, its levels
};

class HostFixture : public ::testing::TestWithParam<Shape> {};

TEST_P(HostFixture, BuildsSoundDomainsWithTheKernelsSpans) {
  const Shape& s = GetParam();
  const Topology t = build_sched_domains(host_spec(fixture(s.name)), kV6_17, 0);
  const TopoCheckReport r = check_topology(t);
  EXPECT_TRUE(r.ok()) << (r.violations.empty() ? "" : r.violations.front().id);
  for (const auto& [cpu, chain] : s.chains)
    EXPECT_EQ(levels_of(t, cpu), chain) << s.name << " CPU" << cpu;
}

INSTANTIATE_TEST_SUITE_P(
    Sysfs, HostFixture,
    ::testing::Values(
        // Siblings k and k+4 share an L2; one L3: PKG equals MC and is trimmed.
        Shape{"x86-desktop-smt", {{0, "SMT:0,4 MC:0-7"}, {5, "SMT:1,5 MC:0-7"}}},
        // SMT only on the P-cores; the E-cores' 4-core L2 clusters are CLS, which the
        // P-cores' private L2 (= their SMT mask) does not give them.
        Shape{"x86-hybrid-adl",
              {{0, "SMT:0-1 MC:0-19"},
               {11, "SMT:10-11 MC:0-19"},
               {12, "CLS:12-15 MC:0-19"},
               {19, "CLS:16-19 MC:0-19"}}},
        // The cluster's L2 is the LLC: the coregroup widens to the cluster and CLS (= it)
        // falls back to the SMT mask, so MC is the cluster.
        Shape{"arm64-rk3399", {{0, "MC:0-3 PKG:0-5"}, {5, "MC:4-5 PKG:0-5"}}},
        // One LLC per socket = node: PKG and NODE equal MC, the top is the 10/21 NUMA level.
        Shape{"x86-2s-numa",
              {{0, "SMT:0,8 MC:0-3,8-11 NUMA:0-15"}, {12, "SMT:4,12 MC:4-7,12-15 NUMA:0-15"}}},
        // This machine: no cache directory, so no LLC id and an MC of the CPU alone.
        Shape{"x86-vm-2cpu", {{0, "PKG:0-1"}, {1, "PKG:0-1"}}}),
    [](const ::testing::TestParamInfo<Shape>& i) {
      std::string n = i.param.name;
      for (char& c : n)
        if (c == '-') c = '_';
      return n;
    });

TEST(HostTopology, BigLittleCapacitiesMarkTheTopAsymmetric) {
  const MachineSpec spec = host_spec(fixture("arm64-rk3399"));
  EXPECT_EQ(spec.capacity, (std::vector<unsigned long>{381, 381, 381, 381, 1024, 1024}));
  const Topology t = build_sched_domains(spec, kV6_17, 0);
  const SchedDomain& mc = t.find(0)->domains.at(0);
  const SchedDomain& pkg = t.find(0)->domains.at(1);
  EXPECT_TRUE(pkg.flags->has(SdFlag::AsymCpucapacity));
  EXPECT_TRUE(pkg.flags->has(SdFlag::AsymCpucapacityFull));
  EXPECT_FALSE(mc.flags->has(SdFlag::AsymCpucapacity));
  EXPECT_FALSE(mc.flags->has(SdFlag::PreferSibling));  // cleared under an asymmetric parent
}

TEST(HostTopology, ReaderKeepsWhatTheFilesSay) {
  const SysfsRead r = read_sysfs_topology(fixture("x86-2s-numa"));
  ASSERT_TRUE(r.topology) << r.error;
  const SysfsTopology& t = *r.topology;
  EXPECT_EQ(t.arch, "x86");
  EXPECT_EQ(t.online.to_cpulist(), "0-15");
  EXPECT_EQ(t.cpus.at(9).thread_siblings.to_cpulist(), "1,9");
  EXPECT_EQ(t.cpus.at(9).llc->to_cpulist(), "0-3,8-11");  // index3 (L3), not L1 or L2
  EXPECT_EQ(t.node_cpus.at(1).to_cpulist(), "4-7,12-15");
  EXPECT_EQ(t.distance, (std::vector<std::vector<int>>{{10, 21}, {21, 10}}));
  EXPECT_FALSE(t.cpus.at(0).capacity);
}

// A copy of a fixture to break one file of.
class BrokenTree : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("sbm_host_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::copy(fixture("x86-desktop-smt"), root_, fs::copy_options::recursive);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string path(const std::string& rel) const { return (root_ / rel).string(); }
  void write(const std::string& rel, const std::string& text) const {
    std::ofstream(path(rel)) << text << "\n";
  }
  SysfsRead read() const { return read_sysfs_topology(root_.string()); }
  // The tree is rejected at `rel` with `message` (any message when empty).
  void expect_bad(const std::string& rel, const std::string& message) const {
    const SysfsRead r = read();
    EXPECT_FALSE(r.topology);
    EXPECT_EQ(r.file, path(rel));
    if (!message.empty()) {
      EXPECT_EQ(r.error, message);
    }
  }
  fs::path root_;
};

TEST_F(BrokenTree, TheCopyReads) { EXPECT_TRUE(read().topology) << read().error; }

TEST_F(BrokenTree, MissingOnlineFile) {
  fs::remove(path("devices/system/cpu/online"));
  expect_bad("devices/system/cpu/online", "cannot read the file");
}

TEST_F(BrokenTree, MalformedCpulist) {
  write("devices/system/cpu/cpu2/topology/core_siblings_list", "0-3x");
  expect_bad("devices/system/cpu/cpu2/topology/core_siblings_list", "");
}

TEST_F(BrokenTree, SiblingListWithoutItsOwnCpu) {
  write("devices/system/cpu/cpu3/topology/thread_siblings_list", "2,6");
  expect_bad("devices/system/cpu/cpu3/topology/thread_siblings_list", "'2,6' does not hold CPU 3");
}

TEST_F(BrokenTree, UnmodelledArchitecture) {
  write("devices/system/cpu/modalias", "cpu:type:ppc64le:feature:,0000");
  expect_bad("devices/system/cpu/modalias",
             "architecture 'ppc64le' is not modelled (x86 and aarch64 are)");
}

TEST_F(BrokenTree, CpuOnNoNode) {
  write("devices/system/node/node0/cpulist", "0-6");
  expect_bad("devices/system/node", "online CPU 7 is in no node's cpulist");
}

TEST_F(BrokenTree, DistanceRowOfTheWrongLength) {
  write("devices/system/node/node0/distance", "10 20");
  expect_bad("devices/system/node/node0/distance",
             "expected 1 distances (one per node directory), found 2");
}

TEST_F(BrokenTree, OfflineCpusAreLeftOutOfTheCpuMap) {
  write("devices/system/cpu/online", "0-2,4-7");  // CPU 3 (sibling of 7) went down
  const MachineSpec spec = host_spec(root_.string());
  const Topology t = build_sched_domains(spec, kV6_17, 0);
  EXPECT_TRUE(check_topology(t).ok());
  EXPECT_EQ(t.find(3), nullptr);
  EXPECT_EQ(levels_of(t, 7), "MC:0-2,4-7");  // its SMT domain had one CPU left
  EXPECT_EQ(levels_of(t, 0), "SMT:0,4 MC:0-2,4-7");
}

TEST_F(BrokenTree, OverlappingClustersBreakTheMaskRules) {
  // CPU 0's L2 siblings say 0,4,1 but CPU 1's say 1,5: no partition.
  write("devices/system/cpu/cpu0/topology/cluster_cpus_list", "0-1,4");
  const SysfsRead r = read();
  ASSERT_TRUE(r.topology) << r.error;
  const HostMachine m = host_machine_spec(*r.topology, "host:broken");
  EXPECT_FALSE(m.spec);
  EXPECT_EQ(m.error,
            "the cluster mask of CPU 0 (0-1,4) and the cluster mask of CPU 1 (1,5) overlap");
}

}  // namespace
}  // namespace sbm
