// The switches derived from a kernel version, pinned on both sides of each boundary: the
// topology builder's (build_options_for(), model/topology/build_options.h) and the dump style of
// the topology dump writers and readers (dump_style(), traces/topology_dump/dump_style.h).
#include <gtest/gtest.h>

#include "model/topology/build_options.h"
#include "traces/topology_dump/dump_style.h"

namespace sbm {
namespace {

BuildOptions at(int a, int b, int c) { return build_options_for(KernelVersion{a, b, c}); }
DumpStyle style(int a, int b, int c) { return dump_style(KernelVersion{a, b, c}); }

TEST(BuildOptionsBoundary, SdInitRule) {
  EXPECT_EQ(at(3, 15, 0).sd_init_rule, SdInitRule::InitMacros);
  EXPECT_EQ(at(3, 16, 0).sd_init_rule, SdInitRule::SdInit316);
  EXPECT_EQ(at(5, 9, 0).sd_init_rule, SdInitRule::SdInit316);
  EXPECT_EQ(at(5, 10, 0).sd_init_rule, SdInitRule::SdInit510);
}

TEST(BuildOptionsBoundary, LoadBalanceFlagUntilV58) {
  EXPECT_TRUE(at(5, 7, 0).sd_load_balance_flag);
  EXPECT_FALSE(at(5, 8, 0).sd_load_balance_flag);
}

TEST(BuildOptionsBoundary, LevelNamesAndClusterFlag) {
  EXPECT_EQ(at(3, 15, 0).level_names, LevelNames::SiblingMcCpu);
  EXPECT_EQ(at(3, 16, 0).level_names, LevelNames::SmtMcDie);
  EXPECT_EQ(at(6, 6, 0).level_names, LevelNames::SmtMcDie);
  EXPECT_EQ(at(6, 7, 0).level_names, LevelNames::SmtMcPkg);
  EXPECT_FALSE(at(6, 6, 0).cluster_flag);
  EXPECT_TRUE(at(6, 7, 0).cluster_flag);
}

TEST(BuildOptionsBoundary, DegenerateByMetaflagsSinceV510) {
  EXPECT_FALSE(at(5, 9, 0).degenerate_needs_groups_meta);
  EXPECT_TRUE(at(5, 10, 0).degenerate_needs_groups_meta);
}

TEST(DumpStyleBoundary, Dmesg) {
  EXPECT_TRUE(style(2, 6, 9).dmesg_online_header);
  EXPECT_FALSE(style(2, 6, 10).dmesg_online_header);
  EXPECT_FALSE(style(2, 6, 10).dmesg_attach_header);
  EXPECT_TRUE(style(2, 6, 11).dmesg_attach_header);
  EXPECT_FALSE(style(2, 6, 25).dmesg_cpulist);
  EXPECT_TRUE(style(2, 6, 26).dmesg_cpulist);
  EXPECT_FALSE(style(2, 6, 26).dmesg_level_name);
  EXPECT_TRUE(style(2, 6, 27).dmesg_level_name);
  EXPECT_FALSE(style(2, 6, 30).dmesg_group_power);
  EXPECT_TRUE(style(2, 6, 31).dmesg_group_power);
  EXPECT_FALSE(style(3, 15, 0).dmesg_cpu_capacity_name);
  EXPECT_TRUE(style(3, 16, 0).dmesg_cpu_capacity_name);
  EXPECT_FALSE(style(4, 12, 0).dmesg_new_layout);
  EXPECT_TRUE(style(4, 13, 0).dmesg_new_layout);
  EXPECT_FALSE(style(4, 18, 0).dmesg_root_domain_span);
  EXPECT_TRUE(style(4, 19, 0).dmesg_root_domain_span);
  EXPECT_TRUE(style(5, 7, 0).dmesg_does_not_load_balance);
  EXPECT_FALSE(style(5, 8, 0).dmesg_does_not_load_balance);
}

TEST(DumpStyleBoundary, SysctlDebugfsSchedstat) {
  EXPECT_FALSE(style(2, 6, 27).sysctl_name_entry);
  EXPECT_TRUE(style(2, 6, 28).sysctl_name_entry);
  EXPECT_FALSE(style(5, 9, 0).sysctl_flag_names);
  EXPECT_TRUE(style(5, 10, 0).sysctl_flag_names);
  EXPECT_FALSE(style(6, 9, 0).debugfs_level_file);
  EXPECT_TRUE(style(6, 10, 0).debugfs_level_file);
  EXPECT_EQ(style(6, 9, 0).schedstat_version, 15);
  EXPECT_EQ(style(6, 10, 0).schedstat_version, 16);
  EXPECT_EQ(style(6, 13, 0).schedstat_version, 16);
  EXPECT_EQ(style(6, 14, 0).schedstat_version, 17);
}

}  // namespace
}  // namespace sbm
