// write_schedstat(): /proc/schedstat versions 15, 16, 17; round trips.
#include <gtest/gtest.h>

#include "topology_read_test_helpers.h"
#include "traces/topology_dump/write.h"

namespace sbm {
namespace {

using test::Carried;
using test::errors_text;
using test::expect_carried_equal;
using test::read_sample;
using test::small_topology;

std::string zeros(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += " 0";
  return out;
}

TEST(TopologyWriteSchedstat, VersionsByEra) {
  Topology t = small_topology(false);
  t.cpus.erase(1);
  t.cpus.erase(2);
  const std::string v17 = "version 17\ntimestamp 0\ncpu0" + zeros(9) + "\ndomain0 SMT 3" +
                          zeros(45) + "\ndomain1 PKG f" + zeros(45) + "\ncpu3" + zeros(9) + "\n";
  EXPECT_EQ(write_schedstat(t, KernelVersion{6, 14, 0}), v17);
  const std::string v15 = "version 15\ntimestamp 0\ncpu0" + zeros(9) + "\ndomain0 3" + zeros(36) +
                          "\ndomain1 f" + zeros(36) + "\ncpu3" + zeros(9) + "\n";
  EXPECT_EQ(write_schedstat(t, KernelVersion{6, 9, 0}), v15);
  EXPECT_TRUE(write_schedstat(t, KernelVersion{6, 10, 0}).starts_with("version 16\n"));
  EXPECT_TRUE(write_schedstat(t, KernelVersion{2, 6, 32}).starts_with("version 15\n"));
}

TEST(TopologyWriteSchedstat, MaskWidthFollowsNrCpuIds) {
  Topology t = small_topology(false);
  t.nr_cpu_ids = 40;
  EXPECT_NE(write_schedstat(t, KernelVersion{6, 1, 0}).find("\ndomain1 00,0000000f 0"),
            std::string::npos);
}

TEST(TopologyWriteSchedstat, RoundTrip) {
  const Topology t = small_topology(false);
  for (const KernelVersion era :
       {KernelVersion{6, 14, 0}, KernelVersion{6, 10, 0}, KernelVersion{5, 4, 0}}) {
    const DumpReadResult r = read_topology_dump(write_schedstat(t, era), "written");
    ASSERT_TRUE(r.errors.empty()) << errors_text(r);
    EXPECT_TRUE(r.notes.empty()) << era.str();  // complete lines
    expect_carried_equal(t, *r.topology,
                         Carried{era >= KernelVersion{6, 14, 0}, true, false, false}, era.str());
  }
  const Topology sample = *read_sample("011-qemu-arm64-hetero-smt-schedstat-ok.txt").topology;
  const DumpReadResult r =
      read_topology_dump(write_schedstat(sample, KernelVersion{6, 14, 0}), "w");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  expect_carried_equal(sample, *r.topology, Carried{true, true}, "011");
}

}  // namespace
}  // namespace sbm
