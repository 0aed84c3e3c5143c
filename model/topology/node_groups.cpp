// The groups of the 2.6.x NODE and ALLNODES domains (BuildOptions::sched_domain_node_span),
// kernel/sched.c read at v2.6.20 (build_sched_domains()) and v2.6.32
// (build_numa_sched_groups(), build_sched_groups(SD_LV_ALLNODES)): one group per node, the
// node's CPUs of the cpu_map.
//   NODE: for each node a list of its own: the node first, then the nodes after it by node
//         number with wrap whose CPUs are in the domain span.
//   ALLNODES: one list for the cpu_map, init_sched_build_groups() walking the CPUs upwards
//         (so by each node's first CPU), sd->groups = the CPU's own node
//         (cpu_to_allnodes_group()).
// The capacity is the sum of the CPUs' (init_numa_sched_groups_power() adds the physical
// packages' cpu_power), the balance mask the span. The kernel builds the ALLNODES groups
// only if the last CPU of the cpu_map (v2.6.32; v2.6.20: any CPU) has an ALLNODES domain,
// leaving the others' sd->groups unset; the model builds them for every CPU that has one.
#include <algorithm>

#include "model/topology/build_state.h"

namespace sbm::build {

void build_node_sched_groups(State& st, int cpu, Domain& sd) {
  const int own = cpu_place(st.spec, cpu).node;
  const bool allnodes = st.topo.levels[static_cast<size_t>(sd.tl)].kind == LevelKind::AllNodes;
  const int own_first = (node_mask(st.spec, own) & st.cpu_map).first();
  const int nr = st.spec.nr_cpus();
  std::vector<std::pair<int, CpuMask>> nodes;  // (order key, node & cpu_map)
  for (int j = 0; j < st.spec.nodes; ++j) {
    const int n = (own + j) % st.spec.nodes;
    CpuMask span = node_mask(st.spec, n) & st.cpu_map & sd.span;
    if (span.empty()) continue;
    const int key = allnodes ? (span.first() - own_first + nr) % nr : j;
    nodes.emplace_back(key, std::move(span));
  }
  std::sort(nodes.begin(), nodes.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [key, span] : nodes) {
    SchedGroup sg;
    sg.span = std::move(span);
    sg.balance_mask = sg.span;
    sg.capacity = st.capacity_of(sg.span);
    sd.groups.push_back(std::move(sg));
    sd.group_slots.push_back(-1);  // no sched_group::flags before v5.16: nothing to share
  }
}

}  // namespace sbm::build
