#include "model/topology/sched_domain_topology.h"

#include <climits>
#include <set>

namespace sbm {

namespace {

TopologyLevel level(LevelKind kind, std::string name, SdFlags flags, int distance = 0) {
  return TopologyLevel{kind, std::move(name), flags, distance};
}

}  // namespace

std::vector<int> sched_numa_distances(const MachineSpec& spec, bool whole_table) {
  std::set<int> distinct;
  const int rows = whole_table ? spec.nodes : 1;
  for (int a = 0; a < rows; ++a)
    for (int b = 0; b < spec.nodes; ++b) distinct.insert(node_distance(spec, a, b));
  return {distinct.begin(), distinct.end()};
}

// default_topology[] (kernel/sched/topology.c, v3.16+; before v3.16 the sd_init_SIBLING/MC/CPU
// table in kernel/sched/core.c) plus sched_init_numa()'s levels.
SchedDomainTopology sched_domain_topology(const MachineSpec& spec, const BuildOptions& opts) {
  SchedDomainTopology t;
  // cpu_smt_flags() and cpu_core_flags() (include/linux/sched/topology.h); the pre-v3.16
  // SD_SIBLING_INIT / SD_MC_INIT carried the same two topology flags.
  t.levels.push_back(level(LevelKind::Smt,
                           opts.level_names == LevelNames::SiblingMcCpu ? "SIBLING" : "SMT",
                           {SdFlag::ShareCpucapacity, SdFlag::ShareLlc}));
  if (opts.cluster_level) {
    // cpu_cluster_flags(): SD_SHARE_PKG_RESOURCES, plus SD_CLUSTER from v6.7 (b95303e0aeaf).
    SdFlags cls{SdFlag::ShareLlc};
    if (opts.cluster_flag) cls.set(SdFlag::Cluster);
    t.levels.push_back(level(LevelKind::Cls, "CLS", cls));
  }
  t.levels.push_back(level(LevelKind::Mc, "MC", {SdFlag::ShareLlc}));
  const char* pkg = opts.level_names == LevelNames::SiblingMcCpu ? "CPU"
                    : opts.level_names == LevelNames::SmtMcDie   ? "DIE"
                                                                 : "PKG";
  t.levels.push_back(level(LevelKind::Pkg, pkg, {}));

  if (opts.sched_domain_node_span) {
    // build_sched_domains() (v2.6.20) / __build_numa_sched_domains() (v2.6.32): NODE, then
    // ALLNODES above it, each CPU's chain built to the top.
    TopologyLevel node = level(LevelKind::Node, "NODE", {});
    node.nodes_per_domain = kSdNodesPerDomain;
    t.levels.push_back(std::move(node));
    t.levels.push_back(level(LevelKind::AllNodes, "ALLNODES", {}));
    return t;
  }

  t.numa_distances = sched_numa_distances(spec, opts.numa_distances_whole_table);
  // Before v4.14 the distance list started at the nearest remote distance and every entry
  // became a NUMA level; from v4.14 entry 0 (LOCAL_DISTANCE) is the NODE level.
  for (size_t i = 0; i < t.numa_distances.size(); ++i) {
    const int d = t.numa_distances[i];
    if (i == 0 && opts.numa_node_level)
      t.levels.push_back(level(LevelKind::Node, "NODE", {}, d));
    else if (i > 0)
      t.levels.push_back(level(LevelKind::Numa, "NUMA", {SdFlag::Numa}, d));
  }
  return t;
}

CpuMask sched_domain_node_span(const MachineSpec& spec, int node, int nodes_per_domain) {
  // nr_cpus_node(): cpumask_of_node() holds the node's online CPUs (section 2 of
  // spec/topology-builder.md).
  const CpuMask online = online_cpus(spec);
  std::vector<bool> used(static_cast<size_t>(spec.nodes));
  CpuMask span = node_mask(spec, node);
  used[static_cast<size_t>(node)] = true;
  for (int i = 1; i < nodes_per_domain; ++i) {
    // find_next_best_node(): with every node taken it returns node 0 again.
    int best = 0, min_val = INT_MAX;
    for (int k = 0; k < spec.nodes; ++k) {
      const int n = (node + k) % spec.nodes;
      if (used[static_cast<size_t>(n)] || !node_mask(spec, n).intersects(online)) continue;
      if (const int val = node_distance(spec, node, n); val < min_val) {
        min_val = val;
        best = n;
      }
    }
    used[static_cast<size_t>(best)] = true;
    span |= node_mask(spec, best);
  }
  return span;
}

CpuMask topology_level_mask(const MachineSpec& spec, const TopologyLevel& tl, int cpu) {
  const int node = cpu_place(spec, cpu).node;
  switch (tl.kind) {
    case LevelKind::Smt:
      return smt_mask(spec, cpu);
    case LevelKind::Cls:
      return cluster_mask(spec, cpu);
    case LevelKind::Mc:
      return coregroup_mask(spec, cpu);
    case LevelKind::Pkg:  // cpu_cpu_mask() = cpumask_of_node(cpu_to_node(cpu))
      return node_mask(spec, node);
    case LevelKind::Node:  // sd_numa_mask() at numa_level 0; before v3.5 the nearest nodes
      return tl.nodes_per_domain > 0 ? sched_domain_node_span(spec, node, tl.nodes_per_domain)
                                     : node_mask(spec, node);
    case LevelKind::AllNodes:  // the cpu_map
      return CpuMask::range(0, spec.nr_cpus() - 1);
    case LevelKind::Numa: {
      // sched_domains_numa_masks[level][node]: the nodes within the level's distance.
      CpuMask m;
      for (int k = 0; k < spec.nodes; ++k)
        if (node_distance(spec, node, k) <= tl.numa_distance) m |= node_mask(spec, k);
      return m;
    }
  }
  return {};
}

}  // namespace sbm
