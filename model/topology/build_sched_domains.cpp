// build_sched_domains(): the domain chains (build_sched_domain() per CPU and level), then the
// groups (sched_groups.cpp, overlap_groups.cpp), then cpu_attach_domain()
// (cpu_attach_domain.cpp).
#include "model/topology/build_sched_domains.h"

#include <map>
#include <stdexcept>

#include "model/topology/build_state.h"
#include "model/topology/sd_init.h"

namespace sbm {

namespace build {
namespace {

// asym_cpu_capacity_classify(), v5.14+: how many distinct CPU capacities the span sees
// (asym_cap_list holds one entry per capacity value over every CPU, and is empty when all
// are equal); FULL when no capacity present in the cpu_map is missing from the span.
SdFlags asym_cpu_capacity_classify(const State& st, const std::map<unsigned long, CpuMask>& caps,
                                   const CpuMask& span) {
  if (caps.size() < 2) return {};
  int count = 0, miss = 0;
  for (const auto& [cap, cpus] : caps) {
    if (cpus.intersects(span))
      ++count;
    else if (cpus.intersects(st.cpu_map))
      ++miss;
  }
  if (count < 2) return {};
  if (miss > 0) return {SdFlag::AsymCpucapacity};
  return {SdFlag::AsymCpucapacity, SdFlag::AsymCpucapacityFull};
}

// A key that is equal for two CPUs exactly when tl->mask() is, so each mask is built once.
// Explicit masks (ArchMasks) partition the CPUs, so their first CPU is such a key.
int mask_key(const MachineSpec& spec, LevelKind kind, int cpu) {
  const CpuPlace p = cpu_place(spec, cpu);
  switch (kind) {
    case LevelKind::Smt:
      return spec.masks ? smt_mask(spec, cpu).first() : p.core;
    case LevelKind::Cls:
      return spec.masks ? cluster_mask(spec, cpu).first() : spec.clusters == 1 ? p.core : p.cluster;
    case LevelKind::Mc:
      return spec.masks ? coregroup_mask(spec, cpu).first() : p.die * spec.nodes + p.node;
    case LevelKind::Pkg:
    case LevelKind::Node:
    case LevelKind::Numa:
      return p.node;
    case LevelKind::AllNodes:
      return 0;
  }
  return cpu;
}

// Before v3.5 a CPU gets ALLNODES when the cpu_map has more than SD_NODES_PER_DOMAIN times
// the CPUs of its node (build_sched_domains() v2.6.20, __build_numa_sched_domains() v2.6.32).
bool has_allnodes(const State& st, int cpu) {
  const CpuMask nodemask = node_mask(st.spec, cpu_place(st.spec, cpu).node) & st.cpu_map;
  return st.cpu_map.weight() > kSdNodesPerDomain * nodemask.weight();
}

// The build_sched_domain() loop: sd_init() per level, stopping at the level that spans the
// whole cpu_map (the 2.6.x builder has no such stop: every CPU gets every level). A
// MachineSpec's masks nest (topology_spec.h), so the "arch topology borken" fix-up and
// topology_span_sane() cannot trigger and are not modelled.
void build_domains(State& st) {
  std::map<unsigned long, CpuMask> caps;  // asym_cap_list
  for (int cpu = 0; cpu < st.spec.nr_cpus(); ++cpu)
    caps[st.capacity[static_cast<size_t>(cpu)]].set(cpu);
  std::map<std::pair<int, int>, CpuMask> spans;  // (level, mask_key) -> mask & cpu_map
  for (int cpu : st.cpu_map.cpus()) {
    auto& chain = st.chains[static_cast<size_t>(cpu)];
    for (int tl = 0; tl < static_cast<int>(st.topo.levels.size()); ++tl) {
      const TopologyLevel& level = st.topo.levels[static_cast<size_t>(tl)];
      if (level.kind == LevelKind::AllNodes && !has_allnodes(st, cpu)) break;
      auto [it, fresh] = spans.try_emplace({tl, mask_key(st.spec, level.kind, cpu)});
      if (fresh) it->second = topology_level_mask(st.spec, level, cpu) & st.cpu_map;
      // sd_weight is the weight of tl->mask(), which holds online CPUs only: the span's.
      const SdInit init = sd_init(level, it->second.weight(), st.era, st.opts);
      Domain d{tl, it->second, init.flags, init.tunables, init.balance_interval, {}, {}};
      if (st.opts.asym_capacity_flags) {
        for (SdFlag f : asym_cpu_capacity_classify(st, caps, d.span).list()) d.flags.set(f);
        d.flags = sd_flags_in_era(d.flags, st.era);
        // Don't attempt to spread across CPUs of different capacities.
        if (d.flags.has(SdFlag::AsymCpucapacity) && !chain.empty())
          chain.back().flags.clear(SdFlag::PreferSibling);
      }
      chain.push_back(std::move(d));
      if (!st.opts.sched_domain_node_span && chain.back().span == st.cpu_map) break;
    }
  }
}

}  // namespace
}  // namespace build

Topology build_sched_domains(const MachineSpec& spec, KernelVersion era, unsigned long jiffies) {
  return build_sched_domains(spec, era, jiffies, build_options_for(era));
}

Topology build_sched_domains(const MachineSpec& spec, KernelVersion era, unsigned long jiffies,
                             const BuildOptions& opts) {
  if (std::string e = validate_machine_spec(spec); !e.empty())
    throw std::invalid_argument("invalid MachineSpec: " + e);
  build::State st{spec,
                  era,
                  opts,
                  sched_domain_topology(spec, opts),
                  online_cpus(spec),
                  {},
                  std::vector<std::vector<build::Domain>>(static_cast<size_t>(spec.nr_cpus())),
                  {},
                  {},
                  {}};
  for (int cpu = 0; cpu < spec.nr_cpus(); ++cpu) st.capacity.push_back(cpu_capacity(spec, cpu));
  build::build_domains(st);
  build::build_all_groups(st);
  return build::attach_domains(st, jiffies);
}

}  // namespace sbm
