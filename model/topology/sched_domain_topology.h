// struct sched_domain_topology_level for a machine and era: default_topology[] (SMT, CLS, MC,
// PKG) followed by what sched_init_numa() appends (NODE, then one NUMA level per further
// distinct distance), or before v3.5 the NODE and ALLNODES levels of the 2.6.x builder
// (BuildOptions::sched_domain_node_span). Builder and sd_init() read it; Topology's
// SchedDomain::topology_level indexes it.
#pragma once

#include <string>
#include <vector>

#include "model/cpumask.h"
#include "model/kernel_version.h"
#include "model/sd_flags.h"
#include "model/topology/build_options.h"
#include "model/topology/topology_spec.h"

namespace sbm {

enum class LevelKind { Smt, Cls, Mc, Pkg, Node, Numa, AllNodes };

// SD_NODES_PER_DOMAIN (kernel/sched.c, v2.6.20 and v2.6.32): how many nodes, the CPU's own
// included, a 2.6.x NODE domain spans; ALLNODES is built when the cpu_map has more than this
// many times the CPUs of the CPU's node.
inline constexpr int kSdNodesPerDomain = 16;

struct TopologyLevel {
  LevelKind kind = LevelKind::Smt;
  std::string name;          // sd->name in that era: "SMT" ("SIBLING" < v3.16), "CLS", "MC",
                             // "PKG" ("DIE" v3.16-v6.6, "CPU" < v3.16), "NODE", "NUMA",
                             // "ALLNODES" (< v3.5)
  SdFlags sd_flags;          // tl->sd_flags(): cpu_smt_flags(), cpu_core_flags(), cpu_numa_flags()
  int numa_distance = 0;     // sched_domains_numa_distance[tl->numa_level]; NODE and NUMA only
  int nodes_per_domain = 0;  // NODE before v3.5: kSdNodesPerDomain (sched_domain_node_span())
};

struct SchedDomainTopology {
  std::vector<TopologyLevel> levels;  // bottom-up
  std::vector<int> numa_distances;    // sched_domains_numa_distance[], ascending; empty < v3.5
};

// sched_init_numa(): the distinct distances, ascending. With whole_table false only node 0's
// row is read (before v5.12), as the kernel does without sched_debug.
std::vector<int> sched_numa_distances(const MachineSpec& spec, bool whole_table);

SchedDomainTopology sched_domain_topology(const MachineSpec& spec, const BuildOptions& opts);

// sched_domain_node_span() (kernel/sched.c, v2.6.20, v2.6.32): `node` and then, up to
// `nodes_per_domain` nodes in all, the nearest node not yet taken (find_next_best_node():
// nodes with online CPUs only, smallest node_distance(), ties to the first met walking from
// `node` upwards with wrap); all CPUs of those nodes.
CpuMask sched_domain_node_span(const MachineSpec& spec, int node, int nodes_per_domain);

// tl->mask(cpu): the level's arch mask, all CPUs of the machine.
CpuMask topology_level_mask(const MachineSpec& spec, const TopologyLevel& tl, int cpu);

}  // namespace sbm
