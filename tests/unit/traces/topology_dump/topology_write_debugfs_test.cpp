// write_debugfs(): `grep -r .` of /sys/kernel/debug/sched/domains, exact text, the real
// sample reproduced, round trips.
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

TEST(TopologyWriteDebugfs, ExactTextV610) {
  Topology t = small_topology(true);
  t.cpus.erase(1);
  t.cpus.erase(2);
  const std::string d0 = "/sys/kernel/debug/sched/domains/cpu0/domain0/";
  const std::string d1 = "/sys/kernel/debug/sched/domains/cpu0/domain1/";
  EXPECT_EQ(write_debugfs(t, KernelVersion{6, 10, 0}),
            d0 + "min_interval:2\n" + d0 + "max_interval:4\n" + d0 + "busy_factor:16\n" + d0 +
                "imbalance_pct:110\n" + d0 + "cache_nice_tries:0\n" + d0 + "name:SMT\n" + d0 +
                "flags:SD_BALANCE_NEWIDLE SD_BALANCE_EXEC SD_BALANCE_FORK SD_WAKE_AFFINE "
                "SD_SHARE_CPUCAPACITY SD_SHARE_LLC SD_PREFER_SIBLING \n" +
                d0 + "level:0\n" + d1 + "min_interval:4\n" + d1 + "max_interval:8\n" + d1 +
                "busy_factor:16\n" + d1 + "imbalance_pct:117\n" + d1 + "cache_nice_tries:1\n" + d1 +
                "name:PKG\n" + d1 +
                "flags:SD_BALANCE_NEWIDLE SD_BALANCE_EXEC SD_BALANCE_FORK SD_WAKE_AFFINE "
                "SD_PREFER_SIBLING \n" +
                d1 + "level:1\n");
}

TEST(TopologyWriteDebugfs, EraDecidesNamesAndLevelFile) {
  const Topology t = small_topology(true);
  const std::string v6_9 = write_debugfs(t, KernelVersion{6, 9, 0});
  EXPECT_NE(v6_9.find("SD_SHARE_LLC"), std::string::npos);
  EXPECT_EQ(v6_9.find("level:"), std::string::npos);  // the file came in v6.10
  const std::string v5_13 = write_debugfs(t, KernelVersion{5, 13, 0});
  EXPECT_NE(v5_13.find("SD_SHARE_PKG_RESOURCES"), std::string::npos);
  EXPECT_EQ(v5_13.find("SD_SHARE_LLC"), std::string::npos);
}

TEST(TopologyWriteDebugfs, EmptyFilesGiveNoLine) {
  Topology t;
  t.cpus[0].domains.resize(1);
  t.cpus[0].domains[0].flags = SdFlags{};
  EXPECT_EQ(write_debugfs(t, KernelVersion{6, 17, 0}), "");
}

TEST(TopologyWriteDebugfs, ReproducesSample009) {
  const std::string sample = "009-power-lpar-dlpar-debugfs-ok.txt";
  const DumpReadResult r = read_sample(sample);
  ASSERT_TRUE(r.topology) << errors_text(r);
  EXPECT_EQ(kernel_lines(write_debugfs(*r.topology, KernelVersion{5, 13, 0})),
            kernel_lines(topology_data(sample)));
}

TEST(TopologyWriteDebugfs, RoundTrip) {
  const Topology t = small_topology(true);
  const Carried carried{true, false, false, false, true, true, true, false};
  for (const KernelVersion era : {KernelVersion{6, 17, 0}, KernelVersion{6, 10, 0}}) {
    const DumpReadResult r = read_topology_dump(write_debugfs(t, era), "written");
    ASSERT_TRUE(r.errors.empty()) << errors_text(r);
    // CPU3 has no domains, hence no files: debugfs cannot show it.
    Topology want = t;
    want.cpus.erase(3);
    expect_carried_equal(want, *r.topology, carried, era.str());
  }
}

}  // namespace
}  // namespace sbm
