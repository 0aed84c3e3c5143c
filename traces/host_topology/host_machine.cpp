#include "traces/host_topology/host_machine.h"

#include "model/topology.h"

namespace sbm {

namespace {

// cpu_coregroup_mask() and cpu_clustergroup_mask() for one online CPU, v6.18.
struct CpuGroups {
  CpuMask cluster;
  CpuMask coregroup;
};

// x86 (arch/x86/kernel/smpboot.c): the cluster is cpu_l2c_shared_mask(), which sysfs prints
// as cluster_cpus_list; the coregroup is cpu_llc_shared_mask(), the LLC's sharers that
// match_llc() accepts: none across nodes (topology_sane(), the SNC rule), and none but the CPU
// when there is no LLC id (no cacheinfo leaves: BAD_APICID).
CpuGroups x86_groups(int cpu, const SysfsCpu& c, const CpuMask& node) {
  return {c.cluster_cpus, c.llc ? *c.llc & node : CpuMask::single(cpu)};
}

// drivers/base/arch_topology.c: cpu_coregroup_mask() takes the smallest of node, package
// and LLC that nest, then widens to the cluster when it lies inside it (CONFIG_SCHED_CLUSTER);
// cpu_clustergroup_mask() is the SMT mask when the cluster spans the whole coregroup.
CpuGroups arch_topology_groups(const SysfsCpu& c, const CpuMask& node) {
  CpuMask core = node;
  if (c.core_siblings.subset_of(core)) core = c.core_siblings;
  if (c.llc && c.llc->subset_of(core)) core = *c.llc;
  if (core.subset_of(c.cluster_cpus)) core = c.cluster_cpus;
  return {core.subset_of(c.cluster_cpus) ? c.thread_siblings : c.cluster_cpus, core};
}

}  // namespace

HostMachine host_machine_spec(const SysfsTopology& t, std::string text) {
  const int nr_cpus = t.online.last() + 1;
  MachineSpec spec;
  spec.cores = nr_cpus;
  spec.nodes = static_cast<int>(t.node_cpus.size());
  spec.distance = t.distance;
  spec.online = t.online;
  spec.text = std::move(text);
  ArchMasks a;
  for (int cpu = 0; cpu < nr_cpus; ++cpu) {
    const CpuMask self = CpuMask::single(cpu);
    int node = 0;
    for (size_t n = 0; n < t.node_cpus.size(); ++n)
      if (t.node_cpus[n].test(cpu)) node = static_cast<int>(n);
    const auto it = t.cpus.find(cpu);
    if (it == t.cpus.end()) {  // offline
      a.smt.push_back(self);
      a.cluster.push_back(self);
      a.coregroup.push_back(self);
      a.node.push_back(node);
      continue;
    }
    const SysfsCpu& c = it->second;
    const CpuMask& node_cpus = t.node_cpus[static_cast<size_t>(node)];
    const CpuGroups g =
        t.arch == "x86" ? x86_groups(cpu, c, node_cpus) : arch_topology_groups(c, node_cpus);
    a.smt.push_back(c.thread_siblings);
    a.cluster.push_back(g.cluster);
    a.coregroup.push_back(g.coregroup);
    a.node.push_back(node);
    if (c.capacity) {
      spec.capacity.resize(static_cast<size_t>(nr_cpus), kSchedCapacityScale);
      spec.capacity[static_cast<size_t>(cpu)] = *c.capacity;
    }
  }
  spec.masks = std::move(a);
  if (std::string e = validate_machine_spec(spec); !e.empty()) return {std::nullopt, e};
  return {std::move(spec), {}};
}

}  // namespace sbm
