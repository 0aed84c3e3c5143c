// struct sched_domain_topology_level for a machine and era: default_topology[] (SMT, CLS, MC,
// PKG) followed by what sched_init_numa() appends (NODE, then one NUMA level per further
// distinct distance). Builder and sd_init() read it; Topology's SchedDomain::topology_level
// indexes it.
#pragma once

#include <string>
#include <vector>

#include "model/build_options.h"
#include "model/cpumask.h"
#include "model/kernel_version.h"
#include "model/sd_flags.h"
#include "model/topology_spec.h"

namespace sbm {

enum class LevelKind { Smt, Cls, Mc, Pkg, Node, Numa };

struct TopologyLevel {
  LevelKind kind = LevelKind::Smt;
  std::string name;       // sd->name in that era: "SMT" ("SIBLING" < v3.16), "CLS", "MC",
                          // "PKG" ("DIE" v3.16-v6.6, "CPU" < v3.16), "NODE", "NUMA"
  SdFlags sd_flags;       // tl->sd_flags(): cpu_smt_flags(), cpu_core_flags(), cpu_numa_flags()
  int numa_distance = 0;  // sched_domains_numa_distance[tl->numa_level]; NODE and NUMA only
};

struct SchedDomainTopology {
  std::vector<TopologyLevel> levels;  // bottom-up
  std::vector<int> numa_distances;    // sched_domains_numa_distance[], ascending
};

// sched_init_numa(): the distinct distances, ascending. With whole_table false only node 0's
// row is read (before v5.12), as the kernel does without sched_debug.
std::vector<int> sched_numa_distances(const MachineSpec& spec, bool whole_table);

SchedDomainTopology sched_domain_topology(const MachineSpec& spec, KernelVersion era,
                                          const BuildOptions& opts);

// tl->mask(cpu): the level's arch mask, all CPUs of the machine.
CpuMask topology_level_mask(const MachineSpec& spec, const TopologyLevel& tl, int cpu);

}  // namespace sbm
