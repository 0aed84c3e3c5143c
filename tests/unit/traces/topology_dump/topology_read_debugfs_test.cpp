// The debugfs reader (register_sd(), v5.13+) on the real sample and crafted listings.
#include <gtest/gtest.h>

#include "topology_read_test_helpers.h"

namespace sbm {
namespace {

using test::errors_text;
using test::has_note;
using test::read_sample;

using F = SdFlag;

TEST(TopologyReadDebugfs, Sample009NamesAndFlagsOfCpu0) {
  const DumpReadResult r = read_sample("009-power-lpar-dlpar-debugfs-ok.txt");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const Topology& t = *r.topology;
  EXPECT_EQ(t.source.format, "debugfs");
  EXPECT_EQ(r.ignored_lines, 3);
  ASSERT_EQ(t.cpus.size(), 1u);  // only CPU0 was listed
  const CpuDomains& c0 = t.cpus.at(0);
  EXPECT_EQ(c0.line, 4);
  ASSERT_EQ(c0.domains.size(), 3u);
  EXPECT_EQ(c0.domains[0].name, "SMT");
  EXPECT_EQ(c0.domains[1].name, "CACHE");
  EXPECT_EQ(c0.domains[2].name, "NUMA");
  EXPECT_EQ(c0.domains[0].flags,
            (SdFlags{F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::WakeAffine,
                     F::ShareCpucapacity, F::ShareLlc, F::PreferSibling}));
  EXPECT_EQ(c0.domains[1].flags, (SdFlags{F::BalanceNewidle, F::BalanceExec, F::BalanceFork,
                                          F::WakeAffine, F::ShareLlc, F::PreferSibling}));
  EXPECT_EQ(c0.domains[2].flags, (SdFlags{F::BalanceNewidle, F::Serialize, F::Overlap, F::Numa}));
  EXPECT_EQ(c0.domains[2].line, 8);
  // Not in the format: spans, groups, tunables.
  EXPECT_FALSE(c0.domains[0].span);
  EXPECT_FALSE(c0.domains[0].groups);
  EXPECT_FALSE(c0.domains[0].tunables.min_interval);
  EXPECT_EQ(c0.domains[0].topology_level, -1);
  EXPECT_EQ(t.nr_cpu_ids, 1);
}

TEST(TopologyReadDebugfs, FullListingWithTunablesAndLevel) {
  const DumpReadResult r = read_sample("crafted-debugfs-6.10.txt");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const SchedDomain& smt = r.topology->cpus.at(2).domains[0];
  const SchedDomain& mc = r.topology->cpus.at(2).domains[1];
  EXPECT_EQ(smt.tunables, (SdTunables{2, 4, 16, 110, 0}));
  EXPECT_EQ(mc.tunables, (SdTunables{8, 16, 16, 117, 1}));
  EXPECT_EQ(smt.topology_level, 0);
  EXPECT_EQ(mc.topology_level, 1);
  EXPECT_EQ(mc.flags, (SdFlags{F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::WakeAffine,
                               F::ShareLlc, F::PreferSibling}));
  EXPECT_TRUE(has_note(r, "read but not modelled: groups_flags (2), max_newidle_lb_cost (2)"));
  EXPECT_EQ(r.topology->nr_cpu_ids, 3);
}

TEST(TopologyReadDebugfs, PathPrefixesAreOptional) {
  const DumpReadResult r = read_topology_dump(
      "domains/cpu0/domain0/name:MC\n"
      "sched/domains/cpu1/domain0/name:MC\n"
      "/debug/sched/domains/cpu2/domain0/name:MC\n"
      "/sys/kernel/debug/sched/domains/cpu3/domain0/name:MC\n",
      "prefixes");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  for (int cpu = 0; cpu < 4; ++cpu) EXPECT_EQ(r.topology->cpus.at(cpu).domains[0].name, "MC");
}

TEST(TopologyReadDebugfs, GapsRepeatsAndOrderIndependence) {
  const DumpReadResult r = read_topology_dump(
      "domains/cpu0/domain2/name:NUMA\n"
      "domains/cpu0/domain0/name:SMT\n"
      "domains/cpu0/domain0/imbalance_pct:110\n"
      "domains/cpu0/domain0/imbalance_pct:117\n"
      "domains/cpu0/domain0/name:SMT\n",
      "gaps");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const CpuDomains& c0 = r.topology->cpus.at(0);
  ASSERT_EQ(c0.domains.size(), 3u);
  EXPECT_EQ(c0.domains[1].line, 0);  // placeholder for the unlisted domain1
  EXPECT_EQ(c0.domains[1].name, "");
  EXPECT_EQ(c0.domains[2].name, "NUMA");
  EXPECT_EQ(c0.domains[0].tunables.imbalance_pct, 117u);
  EXPECT_EQ(c0.domains[0].line, 2);
  EXPECT_TRUE(has_note(r, "1 domains are missing below listed ones (first: CPU0 domain1)"));
  EXPECT_TRUE(has_note(r, "1 files are listed again with another value"));
}

TEST(TopologyReadDebugfs, OldAndNewFlagNamesBothRead) {
  const DumpReadResult r = read_topology_dump(
      "domains/cpu0/domain0/flags:SD_SHARE_PKG_RESOURCES SD_OVERLAP \n"
      "domains/cpu1/domain0/flags:SD_SHARE_LLC SD_CLUSTER\n",
      "names");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  EXPECT_EQ(r.topology->cpus.at(0).domains[0].flags, (SdFlags{F::ShareLlc, F::Overlap}));
  EXPECT_EQ(r.topology->cpus.at(1).domains[0].flags, (SdFlags{F::ShareLlc, F::Cluster}));
}

struct BadDebugfs {
  const char* text;
  const char* message;
};

class TopologyReadDebugfsErrors : public ::testing::TestWithParam<BadDebugfs> {};

TEST_P(TopologyReadDebugfsErrors, ReportsLineAndExpectation) {
  const std::string text = std::string("domains/cpu0/domain0/name:MC\n") + GetParam().text + "\n";
  const DumpReadResult r = read_topology_dump(text, "bad");
  ASSERT_EQ(r.errors.size(), 1u) << errors_text(r);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_NE(r.errors[0].message.find(GetParam().message), std::string::npos) << errors_text(r);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TopologyReadDebugfsErrors,
    ::testing::Values(
        BadDebugfs{"domains/cpu0/domain0/flags:SD_BALANCE_NEWIDLE SD_TURBO",
                   "expected SD_* flag names in 'flags', found 'SD_TURBO'"},
        BadDebugfs{"domains/cpu0/domain0/groups_flags:NEWIDLE_PLEASE",
                   "expected SD_* flag names in 'groups_flags'"},
        BadDebugfs{"domains/cpu0/domain0/min_interval:-4",
                   "expected a number below 2^32 in 'min_interval', found '-4'"},
        BadDebugfs{"domains/cpu0/domain0/busy_factor:4294967296",
                   "expected a number below 2^32 in 'busy_factor'"},
        BadDebugfs{"domains/cpu0/domain0/max_newidle_lb_cost:lots",
                   "expected a number in 'max_newidle_lb_cost', found 'lots'"},
        BadDebugfs{"domains/cpu0/domain0/level:99", "expected a level below 64 in 'level'"},
        BadDebugfs{"domains/cpu0/domain0/flags",
                   "expected '.../domains/cpuN/domainM/<file>:<value>'"},
        BadDebugfs{"domains/cpuX/domain0/name:MC",
                   "expected '.../domains/cpuN/domainM/<file>:<value>'"},
        BadDebugfs{"domains/cpu0/domain0/:MC",
                   "expected '.../domains/cpuN/domainM/<file>:<value>'"},
        BadDebugfs{"domains/cpu8192/domain0/name:MC", "expected a CPU number below 8192"},
        BadDebugfs{"domains/cpu0/domain64/name:MC", "expected a domain index below 64"}));

}  // namespace
}  // namespace sbm
