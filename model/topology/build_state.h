// Internal to the builder (build_sched_domains.cpp, sched_groups.cpp, overlap_groups.cpp,
// cpu_attach_domain.cpp): the per-CPU domain chains while they are being built, before
// cpu_attach_domain() trims them into a Topology.
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "model/topology.h"
#include "model/topology/build_options.h"
#include "model/topology/sched_domain_topology.h"
#include "model/topology/topology_spec.h"

namespace sbm::build {

// A sched_domain of one CPU at one topology level, as build_sched_domain() leaves it.
struct Domain {
  int tl = 0;  // index into SchedDomainTopology::levels; the chain holds levels 0..depth-1
  CpuMask span;
  SdFlags flags;
  SdTunables tunables;
  unsigned balance_interval = 0;
  std::vector<SchedGroup> groups;  // groups[0] is sd->groups
  // Non-overlap groups are shared objects (sdd->sg of the first CPU of the child span), so
  // cpu_attach_domain() writing one CPU's copy writes every CPU's: that slot, or -1 for the
  // private groups of overlap domains.
  std::vector<int> group_slots;
};

struct State {
  const MachineSpec& spec;
  KernelVersion era;
  BuildOptions opts;
  SchedDomainTopology topo;
  CpuMask cpu_map;
  std::vector<unsigned long> capacity;      // arch_scale_cpu_capacity(), by CPU id
  std::vector<std::vector<Domain>> chains;  // by CPU id, base first; empty outside cpu_map

  // Built once and reused, as the kernel shares them: get_group()'s sdd->sg by (level,
  // slot); overlap balance masks by (level, group span); before 73bb059f9b8a the group mask
  // the first reference to sdd->sgc of (level, CPU) computed.
  std::map<std::pair<int, int>, SchedGroup> shared_groups;
  std::map<std::pair<int, CpuMask>, CpuMask> balance_masks;
  std::map<std::pair<int, int>, CpuMask> legacy_group_masks;

  // *per_cpu_ptr(sdd->sd, cpu) at level tl: nullptr when that CPU's chain stopped lower.
  const Domain* sd(int cpu, int tl) const {
    const auto& chain = chains[static_cast<size_t>(cpu)];
    return static_cast<size_t>(tl) < chain.size() ? &chain[static_cast<size_t>(tl)] : nullptr;
  }
  unsigned long capacity_of(const CpuMask& span) const;  // sum over the span
};

// Calls fn(i) for the CPUs of `mask` from `start` upwards, then from 0 (for_each_cpu_wrap).
template <typename Fn>
void for_each_cpu_wrap(const CpuMask& mask, int start, Fn&& fn) {
  for (int i = mask.next(start - 1); i >= 0; i = mask.next(i)) fn(i);
  for (int i = mask.first(); i >= 0 && i < start; i = mask.next(i)) fn(i);
}

// Before v4.13 the group list of a domain starts at the CPU's own group: the first group
// holding `cpu`, unless a later group's balance CPU is `cpu` (build_overlap_sched_groups()
// and build_sched_groups() before 0372dd2736e0).
void rotate_to_cpu_group(Domain& sd, int cpu);

// build_sched_groups() and build_overlap_sched_groups() for every domain of every CPU, in
// the kernel's order (CPUs ascending, each chain base first).
void build_all_groups(State& st);
void build_sched_groups(State& st, int cpu, Domain& sd);
void build_overlap_sched_groups(State& st, int cpu, Domain& sd);
// The 2.6.x NODE and ALLNODES levels (node_groups.cpp).
void build_node_sched_groups(State& st, int cpu, Domain& sd);

// cpu_attach_domain() for every CPU of the cpu_map, then the Topology.
Topology attach_domains(State& st, unsigned long jiffies);

}  // namespace sbm::build
