// Simulating a topology read from a dump (SimConfig::topology): sd_init() defaults fill what
// the dump lacks (model/topology/sd_defaults.h), excerpts and spanless dumps are refused with the
// line, hotplug is refused, and a checked run of a real machine's dump holds every property.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "model/sim/simulator.h"
#include "model/topology/build_sched_domains.h"
#include "model/topology/sd_defaults.h"
#include "properties/check_all.h"
#include "tests/support/sim_testing.h"
#include "traces/topology_dump/read.h"

namespace sbm {
namespace {

Topology read_sample(const std::string& name) {
  std::ifstream in(std::string(SBM_DATA_DIR) + "/topologies/" + name);
  std::stringstream text;
  text << in.rdbuf();
  DumpReadResult r = read_topology_dump(text.str(), name, {});
  EXPECT_TRUE(r.topology) << name;
  return r.topology.value_or(Topology{});
}

SimConfig dump_config(Topology t, const char* profile, const char* workload) {
  SimConfig c = testing::sim_config("laptop", profile, workload, 3);
  c.machine = MachineSpec{};
  c.topology = std::move(t);
  return c;
}

// A built topology with its tunables and flags erased gets back exactly what sd_init() gave.
TEST(FillSdInitDefaults, RestoresWhatTheBuilderSetAndKeepsWhatTheDumpHas) {
  for (const char* era : {"v2.6.32", "v4.19", "v6.17"}) {
    SCOPED_TRACE(era);
    const KernelVersion v = *parse_kernel_version(era);
    const Topology built = build_sched_domains(*parse_machine_spec("laptop").spec, v, 0);
    Topology erased = built;
    for (auto& [cpu, chain] : erased.cpus)
      for (SchedDomain& sd : chain.domains) {
        sd.tunables = {};
        sd.balance_interval = 0;
        if (cpu == 1) sd.flags.reset();
      }
    erased.cpus.at(2).domains.at(0).tunables.busy_factor = 99;  // the dump's own value stays
    const SdDefaultsFilled filled = fill_sd_init_defaults(erased, v);
    EXPECT_EQ(filled.domains, 16);  // 8 CPUs x SMT, MC
    EXPECT_EQ(filled.fields, (std::vector<std::string>{"flags", "tunables", "balance_interval"}));
    for (const auto& [cpu, chain] : built.cpus)
      for (size_t k = 0; k < chain.domains.size(); ++k) {
        const SchedDomain& want = chain.domains[k];
        const SchedDomain& got = erased.cpus.at(cpu).domains[k];
        EXPECT_EQ(got.flags, want.flags) << cpu << "/" << k;
        EXPECT_EQ(got.balance_interval, want.balance_interval) << cpu << "/" << k;
        if (cpu == 2 && k == 0) {
          EXPECT_EQ(got.tunables.busy_factor, 99u);
          EXPECT_EQ(got.tunables.min_interval, want.tunables.min_interval);
        } else {
          EXPECT_EQ(got.tunables, want.tunables) << cpu << "/" << k;
        }
      }
    EXPECT_EQ(fill_sd_init_defaults(erased, v).domains, 0);  // nothing left to fill
  }
}

// Unnamed levels are placed by their flags: SD_SHARE_CPUCAPACITY is SMT (imbalance_pct 110).
TEST(FillSdInitDefaults, AnUnnamedLevelIsPlacedByItsFlags) {
  Topology t =
      build_sched_domains(*parse_machine_spec("laptop").spec, *parse_kernel_version("v6.17"), 0);
  SchedDomain& smt = t.cpus.at(0).domains.at(0);
  smt.name.clear();
  smt.tunables = {};
  fill_sd_init_defaults(t, *parse_kernel_version("v6.17"));
  EXPECT_EQ(smt.tunables.imbalance_pct, 110u);
  EXPECT_EQ(smt.tunables.min_interval, 2u);
}

// A real sched_verbose dump (Tiger Lake NUC, 8 CPUs, no tunables printed) simulates under
// every profile with every property holding; hotplug is refused.
TEST(SimFromDump, RealDumpSimulatesWithEveryPropertyHolding) {
  const Topology t = read_sample("023-x86-tigerlake-nuc11-smt-ok.txt");
  for (const std::string& profile : profile_names()) {
    SCOPED_TRACE(profile);
    Simulator sim = testing::make_sim(dump_config(t, profile.c_str(), "churn"));
    EXPECT_EQ(sim.machine().online.to_cpulist(), "0-7");
    // sd_init(): min_interval = sd_weight (2) from v3.16; SD_SIBLING_INIT's 1 before.
    const bool macros = sim.machine().profile.version < KernelVersion{3, 16, 0};
    EXPECT_EQ(sim.topology().cpus.at(0).domains.at(0).tunables.min_interval, macros ? 1u : 2u);
    PropertyChecker checker;
    SimObserver o;
    checker.run_ticks(sim, 400, o);
    for (const Violation& v : checker.violations())
      ADD_FAILURE() << v.id << " CPU" << v.cpu << ": " << v.explanation;
    EXPECT_GT(sim.summary().balances, 0u);
    EXPECT_EQ(sim.cpu_down(3, o), HotplugResult::NoMachine);
  }
}

TEST(SimFromDump, RefusesAnExcerptAndASpanlessDumpWithTheLine) {
  Simulator::Build excerpt = Simulator::create(
      dump_config(read_sample("crafted-dmesg-new-split-groups.txt"), "v6.17", "idle"));
  EXPECT_FALSE(excerpt.sim);
  EXPECT_NE(excerpt.error.find("whose own domains the topology does not describe"),
            std::string::npos)
      << excerpt.error;
  Simulator::Build spanless = Simulator::create(
      dump_config(read_sample("009-power-lpar-dlpar-debugfs-ok.txt"), "v6.17", "idle"));
  EXPECT_FALSE(spanless.sim);
  EXPECT_NE(spanless.error.find("has no span"), std::string::npos) << spanless.error;
  EXPECT_GT(spanless.error_line, 0);
}

}  // namespace
}  // namespace sbm
