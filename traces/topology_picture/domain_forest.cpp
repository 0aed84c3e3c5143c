#include "traces/topology_picture/domain_forest.h"

namespace sbm {

namespace {

std::string node_key(int cpu, size_t level, const SchedDomain& sd) {
  // Without a span the input gives no way to merge views: keep one node per CPU and level.
  if (!sd.span) return "cpu" + std::to_string(cpu) + "/" + std::to_string(level);
  // Old kernels print no level names; their levels may share one span (SMT, MC and CPU of a
  // 2.6.24 quad core all span 0-3) and are still distinct domains: the level tells them apart.
  if (sd.name.empty()) return "#" + std::to_string(level) + "|" + sd.span->to_cpulist();
  return sd.name + "|" + sd.span->to_cpulist();
}

}  // namespace

DomainForest build_domain_forest(const Topology& topo) {
  DomainForest f;
  std::map<std::string, int> ids;
  for (const auto& [cpu, chain] : topo.cpus) {
    if (chain.domains.empty()) {
      f.null_cpus.push_back(cpu);
      continue;
    }
    int child = -1;
    for (size_t level = 0; level < chain.domains.size(); ++level) {
      const SchedDomain& sd = chain.domains[level];
      const std::string key = node_key(cpu, level, sd);
      auto [it, inserted] = ids.emplace(key, static_cast<int>(f.nodes.size()));
      if (inserted) {
        DomainNode n;
        n.label = (sd.name.empty() ? std::string("domain") : sd.name) +
                  (sd.span ? " span=" + sd.span->to_cpulist() + " (" +
                                 std::to_string(sd.span->weight()) + " CPUs)"
                           : " (CPU" + std::to_string(cpu) + " domain-" + std::to_string(level) +
                                 ", span not in the input)");
        n.sample = &sd;
        n.sample_cpu = cpu;
        f.nodes.push_back(std::move(n));
      }
      DomainNode& node = f.nodes[static_cast<size_t>(it->second)];
      if (level == 0) node.base_of.set(cpu);
      node.held_by.set(cpu);
      node.levels.insert(static_cast<int>(level));
      f.node_of[{cpu, static_cast<int>(level)}] = it->second;
      if (child >= 0) node.children.insert(child);
      if (level + 1 == chain.domains.size()) node.is_top = true;
      child = it->second;
    }
  }
  for (size_t i = 0; i < f.nodes.size(); ++i)
    if (f.nodes[i].is_top) f.roots.push_back(static_cast<int>(i));
  return f;
}

}  // namespace sbm
