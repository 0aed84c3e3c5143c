// write_dmesg(): the exact sched_domain_debug() text per era, the real samples reproduced
// line for line, and print-then-read round trips.
#include <gtest/gtest.h>

#include "topology_read_test_helpers.h"
#include "traces/topology_dump/write.h"

namespace sbm {
namespace {

using test::Carried;
using test::errors_text;
using test::expect_carried_equal;
using test::kernel_lines;
using test::read_sample;
using test::small_topology;
using test::topology_data;

TEST(TopologyWriteDmesg, NewLayout) {
  EXPECT_EQ(write_dmesg(small_topology(false), KernelVersion{6, 17, 0}),
            "CPU0 attaching sched-domain(s):\n"
            " domain-0: span=0-1 level=SMT\n"
            "  groups: 0:{ span=0 }, 1:{ span=1 }\n"
            "  domain-1: span=0-3 level=PKG\n"
            "   groups: 0:{ span=0-1 cap=2048 }, 2:{ span=2-3 cap=2048 }\n"
            "CPU1 attaching sched-domain(s):\n"
            " domain-0: span=0-1 level=SMT\n"
            "  groups: 1:{ span=1 }, 0:{ span=0 }\n"
            "  domain-1: span=0-3 level=PKG\n"
            "   groups: 0:{ span=0-1 cap=2048 }, 2:{ span=2-3 cap=2048 }\n"
            "CPU2 attaching sched-domain(s):\n"
            " domain-0: span=2-3 level=SMT\n"
            "  groups: 2:{ span=2 }, 3:{ span=3 }\n"
            "  domain-1: span=0-3 level=PKG\n"
            "   groups: 2:{ span=2-3 cap=2048 }, 0:{ span=0-1 cap=2048 }\n"
            "CPU3 attaching NULL sched-domain.\n"
            "root domain span: 0-3 (max cpu_capacity = 1024)\n");
}

TEST(TopologyWriteDmesg, OverlapGroupsPrintTheirBalanceMask) {
  Topology t;
  t.nr_cpu_ids = 4;
  t.cpus[0].domains = {test::dom(
      "NUMA", "0-2",
      {test::grp("0-1", 2019, "0"), test::grp("1-3", 3025, "2"), test::grp("0-1", 2019, "0-1")})};
  t.cpus[1].domains = {test::dom("PKG", "0-1", {test::grp("0", 1024, "0"), test::grp("1")})};
  EXPECT_EQ(write_dmesg(t, KernelVersion{5, 8, 0}),
            "CPU0 attaching sched-domain(s):\n"
            " domain-0: span=0-2 level=NUMA\n"
            "  groups: 0:{ span=0-1 mask=0 cap=2019 }, 2:{ span=1-3 mask=2 cap=3025 },"
            " 0:{ span=0-1 cap=2019 }\n"
            "CPU1 attaching sched-domain(s):\n"
            " domain-0: span=0-1 level=PKG\n"
            "  groups: 0:{ span=0 }, 1:{ span=1 }\n");
}

TEST(TopologyWriteDmesg, OldLayoutsPerEra) {
  const Topology t = small_topology(false);
  // v3.16+: "(cpu_capacity = N)".
  EXPECT_EQ(write_dmesg(t, KernelVersion{3, 18, 0}),
            "CPU0 attaching sched-domain:\n"
            " domain 0: span 0-1 level SMT\n"
            "  groups: 0 1\n"
            "  domain 1: span 0-3 level PKG\n"
            "   groups: 0-1 (cpu_capacity = 2048) 2-3 (cpu_capacity = 2048)\n"
            "CPU1 attaching sched-domain:\n"
            " domain 0: span 0-1 level SMT\n"
            "  groups: 1 0\n"
            "  domain 1: span 0-3 level PKG\n"
            "   groups: 0-1 (cpu_capacity = 2048) 2-3 (cpu_capacity = 2048)\n"
            "CPU2 attaching sched-domain:\n"
            " domain 0: span 2-3 level SMT\n"
            "  groups: 2 3\n"
            "  domain 1: span 0-3 level PKG\n"
            "   groups: 2-3 (cpu_capacity = 2048) 0-1 (cpu_capacity = 2048)\n"
            "CPU3 attaching NULL sched-domain.\n");
  const std::string v2_6_37 = write_dmesg(t, KernelVersion{2, 6, 37});
  EXPECT_NE(v2_6_37.find("   groups: 0-1 (cpu_power = 2048) 2-3 (cpu_power = 2048)\n"),
            std::string::npos);
  // v2.6.27 - v2.6.30: level names, no power.
  EXPECT_NE(write_dmesg(t, KernelVersion{2, 6, 28}).find("   groups: 0-1 2-3\n"),
            std::string::npos);
  // v2.6.26: cpulists, no level.
  EXPECT_NE(write_dmesg(t, KernelVersion{2, 6, 26}).find(" domain 0: span 0-1\n  groups: 0 1\n"),
            std::string::npos);
  // Up to v2.6.25: hex words sized to nr_cpu_ids (here 4 bits: one digit).
  EXPECT_TRUE(write_dmesg(t, KernelVersion{2, 6, 24})
                  .starts_with("CPU0 attaching sched-domain:\n"
                               " domain 0: span 3\n"
                               "  groups: 1 2\n"
                               "  domain 1: span f\n"
                               "   groups: 3 c\n"
                               "CPU1 attaching sched-domain:\n"));
  // v2.6.10: "CPU%d:"; before: "CPU%d: %s" with " online" / "offline".
  const std::string v2_6_10 = write_dmesg(t, KernelVersion{2, 6, 10});
  EXPECT_EQ(v2_6_10.substr(0, 22), "CPU0:\n domain 0: span ");
  EXPECT_NE(v2_6_10.find("CPU3:\n"), std::string::npos);
  const std::string v2_6_8 = write_dmesg(t, KernelVersion{2, 6, 8});
  EXPECT_EQ(v2_6_8.substr(0, 14), "CPU0:  online\n");
  EXPECT_NE(v2_6_8.find("CPU3: offline\n"), std::string::npos);
  // No root domain line before v4.19.
  EXPECT_EQ(write_dmesg(t, KernelVersion{4, 14, 0}).find("root domain"), std::string::npos);
}

TEST(TopologyWriteDmesg, DoesNotLoadBalanceStopsTheChain) {
  Topology t = small_topology(false);
  t.cpus.erase(1);
  t.cpus.erase(2);
  t.cpus.erase(3);
  t.cpus[0].domains[0].flags = SdFlags{SdFlag::LoadBalance, SdFlag::BalanceNewidle};
  t.cpus[0].domains[1].flags = SdFlags{SdFlag::BalanceNewidle};
  EXPECT_EQ(write_dmesg(t, KernelVersion{4, 19, 0}),
            "CPU0 attaching sched-domain(s):\n"
            " domain-0: span=0-1 level=SMT\n"
            "  groups: 0:{ span=0 }, 1:{ span=1 }\n"
            "  domain-1: does not load-balance\n"
            "root domain span: 0-3 (max cpu_capacity = 1024)\n");
  EXPECT_NE(write_dmesg(t, KernelVersion{2, 6, 32}).find("  domain 1: does not load-balance\n"),
            std::string::npos);
  // SD_LOAD_BALANCE is gone from v5.8: the flag set no longer stops the walk.
  EXPECT_EQ(write_dmesg(t, KernelVersion{5, 8, 0}).find("does not"), std::string::npos);
}

// ---- the kernel's own output, reproduced line for line ----

void expect_reproduces(const std::string& sample, KernelVersion era) {
  const DumpReadResult r = read_sample(sample);
  ASSERT_TRUE(r.topology) << errors_text(r);
  EXPECT_EQ(kernel_lines(write_dmesg(*r.topology, era)), kernel_lines(topology_data(sample)))
      << sample;
}

TEST(TopologyWriteDmesg, ReproducesSample003OldLayout) {
  expect_reproduces("003-x86-nehalem-numa-2.6.37rc1-revert-ok.txt", KernelVersion{2, 6, 37});
}

TEST(TopologyWriteDmesg, ReproducesSample004OverlapGroups) {
  expect_reproduces("004-qemu-arm64-numa-diameter3-broken.txt", KernelVersion{5, 8, 0});
}

TEST(TopologyWriteDmesg, ReproducesSample023WithRootDomain) {
  expect_reproduces("023-x86-tigerlake-nuc11-smt-ok.txt", KernelVersion{5, 16, 0});
}

TEST(TopologyWriteDmesg, ReproducesSample005Rebuild) {
  // The sample lists every CPU's teardown first, then the rebuilt blocks; the writer prints
  // each CPU once, in order. Compare the rebuild (the sample's last 26 kernel lines) with
  // the writer's text minus the offline CPU3's NULL line.
  const std::string sample = "005-arm64-juno-biglittle-hotplug-ok.txt";
  const DumpReadResult r = read_sample(sample);
  std::vector<std::string> written = kernel_lines(write_dmesg(*r.topology, KernelVersion{5, 6, 0}));
  std::erase(written, "CPU3 attaching NULL sched-domain.");
  const std::vector<std::string> all = kernel_lines(topology_data(sample));
  const std::vector<std::string> rebuild(all.end() - 26, all.end());
  EXPECT_EQ(written, rebuild);
}

// ---- print, then read ----

TEST(TopologyWriteDmesg, RoundTripNewAndOldEras) {
  const Topology t = small_topology(false);
  struct Era {
    KernelVersion era;
    Carried carried;
  };
  const Era eras[] = {
      {{6, 17, 0}, {true, true, true, true, false, false, false, true}},
      {{4, 19, 0}, {true, true, true, true, false, false, false, true}},
      {{4, 13, 0}, {true, true, true, true, false, false, false, false}},
      {{3, 18, 0}, {true, true, true, true}},
      {{2, 6, 32}, {true, true, true, true}},
      {{2, 6, 27}, {true, true, true, false}},
      {{2, 6, 26}, {false, true, true, false}},
      {{2, 6, 20}, {false, true, true, false}},
      {{2, 6, 8}, {false, true, true, false}},
  };
  for (const Era& e : eras) {
    const std::string text = write_dmesg(t, e.era);
    const DumpReadResult r = read_topology_dump(text, "written", {e.era});
    ASSERT_TRUE(r.errors.empty()) << e.era.str() << "\n" << errors_text(r) << text;
    expect_carried_equal(t, *r.topology, e.carried, e.era.str());
    const bool new_layout = e.era >= KernelVersion{4, 13, 0};
    EXPECT_EQ(r.topology->source.format, new_layout ? "dmesg-new" : "dmesg-old");
  }
}

TEST(TopologyWriteDmesg, RoundTripOfTheRealSamples) {
  const std::pair<const char*, KernelVersion> samples[] = {
      {"003-x86-nehalem-numa-2.6.37rc1-revert-ok.txt", {2, 6, 37}},
      {"004-qemu-arm64-numa-diameter3-broken.txt", {5, 8, 0}},
      {"005-arm64-juno-biglittle-hotplug-ok.txt", {5, 6, 0}},
      {"023-x86-tigerlake-nuc11-smt-ok.txt", {5, 16, 0}},
  };
  for (const auto& [file, era] : samples) {
    const Topology t = *read_sample(file).topology;
    const DumpReadResult r = read_topology_dump(write_dmesg(t, era), "written", {era});
    ASSERT_TRUE(r.errors.empty()) << file << "\n" << errors_text(r);
    expect_carried_equal(t, *r.topology, {true, true, true, true, false, false, false, true}, file);
  }
}

}  // namespace
}  // namespace sbm
