// write_sysctl(): `sysctl -a` of kernel.sched_domain per era, round trips.
#include <gtest/gtest.h>

#include "topology_read_test_helpers.h"
#include "traces/topology_dump/write.h"

namespace sbm {
namespace {

using test::Carried;
using test::errors_text;
using test::expect_carried_equal;
using test::small_topology;

Topology cpu0_only() {
  Topology t = small_topology(true);
  t.cpus.erase(1);
  t.cpus.erase(2);
  t.cpus.erase(3);
  t.cpus[0].domains.resize(1);
  return t;
}

TEST(TopologyWriteSysctl, NumericFlagsUpToV59) {
  Topology t = cpu0_only();
  t.cpus[0].domains[0].flags->set(SdFlag::LoadBalance);  // a v4.19 domain has it
  EXPECT_EQ(write_sysctl(t, KernelVersion{4, 19, 0}),
            "kernel.sched_domain.cpu0.domain0.min_interval = 2\n"
            "kernel.sched_domain.cpu0.domain0.max_interval = 4\n"
            "kernel.sched_domain.cpu0.domain0.busy_factor = 16\n"
            "kernel.sched_domain.cpu0.domain0.imbalance_pct = 110\n"
            "kernel.sched_domain.cpu0.domain0.cache_nice_tries = 0\n"
            "kernel.sched_domain.cpu0.domain0.flags = 4783\n"
            "kernel.sched_domain.cpu0.domain0.name = SMT\n");
  // v5.8 renumbered the bits after removing SD_LOAD_BALANCE (which a v5.9 value cannot
  // carry): NEWIDLE 1, EXEC 2, FORK 4, WAKE_AFFINE 16, SHARE_CPUCAPACITY 64, SHARE_PKG 256,
  // PREFER_SIBLING 2048.
  EXPECT_NE(write_sysctl(t, KernelVersion{5, 9, 0})
                .find("kernel.sched_domain.cpu0.domain0.flags = 2391\n"),
            std::string::npos);
}

TEST(TopologyWriteSysctl, NamesFromV510AndNoNameBeforeV2628) {
  const Topology t = cpu0_only();
  EXPECT_NE(write_sysctl(t, KernelVersion{5, 12, 0})
                .find("kernel.sched_domain.cpu0.domain0.flags = SD_BALANCE_NEWIDLE "
                      "SD_BALANCE_EXEC SD_BALANCE_FORK SD_WAKE_AFFINE SD_SHARE_CPUCAPACITY "
                      "SD_SHARE_PKG_RESOURCES SD_PREFER_SIBLING \n"),
            std::string::npos);
  EXPECT_EQ(write_sysctl(t, KernelVersion{2, 6, 27}).find(".name"), std::string::npos);
  EXPECT_NE(write_sysctl(t, KernelVersion{2, 6, 28}).find(".name = SMT\n"), std::string::npos);
}

TEST(TopologyWriteSysctl, RoundTripWithTheEra) {
  Topology t = small_topology(true);
  t.cpus.erase(3);
  for (auto& [cpu, chain] : t.cpus)
    for (SchedDomain& sd : chain.domains) sd.topology_level = -1;  // not in sysctl
  const Carried carried{true, false, false, false, true, true, false, false};
  const Topology with_lb = [&] {
    Topology u = t;
    for (auto& [cpu, chain] : u.cpus)
      for (SchedDomain& sd : chain.domains) sd.flags->set(SdFlag::LoadBalance);
    return u;
  }();
  const std::pair<KernelVersion, const Topology*> eras[] = {
      {{5, 12, 0}, &t},       {{5, 10, 0}, &t},       {{5, 9, 0}, &t},
      {{4, 19, 0}, &with_lb}, {{3, 18, 0}, &with_lb}, {{2, 6, 32}, &with_lb}};
  for (const auto& [era, topo] : eras) {
    const DumpReadResult r = read_topology_dump(write_sysctl(*topo, era), "written", {era});
    ASSERT_TRUE(r.errors.empty()) << era.str() << "\n" << errors_text(r);
    expect_carried_equal(*topo, *r.topology, carried, era.str());
  }
}

}  // namespace
}  // namespace sbm
