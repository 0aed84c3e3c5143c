// The machine data a MachineSpec stands for: CPU places, validation, and the arch masks.
#include "model/topology/topology_spec.h"

#include <algorithm>
#include <cstdint>

#include "model/topology.h"

namespace sbm {

namespace {

int cores_per_node(const MachineSpec& spec) { return spec.nr_cores() / spec.nodes; }

// CPUs of the cores [first, last), every thread.
CpuMask cores_mask(const MachineSpec& spec, int first, int last) {
  CpuMask m;
  for (int core = first; core < last; ++core)
    for (int t = 0; t < spec.threads; ++t) m.set(cpu_of(spec, core, t));
  return m;
}

std::string check_counts(const MachineSpec& spec) {
  const std::pair<const char*, int> counts[] = {{"sockets", spec.sockets},   {"dies", spec.dies},
                                                {"clusters", spec.clusters}, {"cores", spec.cores},
                                                {"threads", spec.threads},   {"nodes", spec.nodes}};
  int64_t cpus = 1;
  for (const auto& [key, n] : counts) {
    if (n < 1) return std::string(key) + " must be at least 1, found " + std::to_string(n);
    if (std::string_view(key) != "nodes") cpus *= n;
    if (cpus > kMaxCpus) return "the machine has more than " + std::to_string(kMaxCpus) + " CPUs";
  }
  return {};
}

std::string check_distance(const MachineSpec& spec) {
  const auto& d = spec.distance;
  if (d.empty()) return {};
  const auto n = static_cast<size_t>(spec.nodes);
  if (d.size() != n)
    return "distance table must be " + std::to_string(n) + " x " + std::to_string(n) +
           " (nodes=" + std::to_string(n) + "), found " + std::to_string(d.size()) + " rows";
  for (size_t i = 0; i < n; ++i) {
    if (d[i].size() != n)
      return "distance table must be " + std::to_string(n) + " x " + std::to_string(n) + ", row " +
             std::to_string(i) + " has " + std::to_string(d[i].size()) + " entries";
    for (size_t j = 0; j < n; ++j) {
      const std::string at = "(" + std::to_string(i) + "," + std::to_string(j) + ")";
      if (i == j && d[i][j] != kLocalDistance)
        return "distance " + at + " must be " + std::to_string(kLocalDistance) +
               " (LOCAL_DISTANCE), found " + std::to_string(d[i][j]);
      if (i != j && (d[i][j] <= kLocalDistance || d[i][j] > kMaxDistance))
        return "distance " + at + " must be in " + std::to_string(kLocalDistance + 1) + ".." +
               std::to_string(kMaxDistance) + ", found " + std::to_string(d[i][j]);
      if (d[i][j] != d[j][i])
        return "distance table must be symmetric, found " + std::to_string(d[i][j]) + " at " + at +
               " and " + std::to_string(d[j][i]) + " at (" + std::to_string(j) + "," +
               std::to_string(i) + ")";
    }
  }
  return {};
}

std::string cpu_mask_text(const char* what, int cpu, const CpuMask& m) {
  return std::string("the ") + what + " mask of CPU " + std::to_string(cpu) + " (" +
         m.to_cpulist() + ")";
}

// The rules of ArchMasks (topology_spec.h): a partition per level, nested in the next level,
// the last in the CPU's node. topology_span_sane() and build_sched_domain()'s "arch topology
// borken" check stand for the same rules in the kernel.
std::string check_masks(const MachineSpec& spec) {
  const ArchMasks& a = *spec.masks;
  if (spec.sockets != 1 || spec.dies != 1 || spec.clusters != 1 || spec.threads != 1)
    return "a machine with explicit masks has sockets, dies, clusters and threads 1";
  const auto n = static_cast<size_t>(spec.nr_cpus());
  if (a.smt.size() != n || a.cluster.size() != n || a.coregroup.size() != n || a.node.size() != n)
    return "explicit masks must be given for each of the " + std::to_string(n) + " CPUs";
  std::vector<CpuMask> nodes(static_cast<size_t>(spec.nodes));
  for (size_t cpu = 0; cpu < n; ++cpu) {
    if (a.node[cpu] < 0 || a.node[cpu] >= spec.nodes)
      return "CPU " + std::to_string(cpu) + " is on node " + std::to_string(a.node[cpu]) +
             ", beyond the machine's " + std::to_string(spec.nodes) + " nodes";
    nodes[static_cast<size_t>(a.node[cpu])].set(static_cast<int>(cpu));
  }
  for (int node = 0; node < spec.nodes; ++node)
    if (nodes[static_cast<size_t>(node)].empty())
      return "node " + std::to_string(node) + " has no CPU";
  const std::pair<const char*, const std::vector<CpuMask>*> levels[] = {
      {"smt", &a.smt}, {"cluster", &a.cluster}, {"coregroup", &a.coregroup}};
  for (size_t l = 0; l < std::size(levels); ++l) {
    const auto& [what, masks] = levels[l];
    for (size_t cpu = 0; cpu < n; ++cpu) {
      const int c = static_cast<int>(cpu);
      const CpuMask& m = (*masks)[cpu];
      if (!m.test(c)) return cpu_mask_text(what, c, m) + " does not hold the CPU";
      if (m.last() >= static_cast<int>(n))
        return cpu_mask_text(what, c, m) + " is beyond the machine's " + std::to_string(n) +
               " CPUs";
      for (int other : m.cpus())
        if ((*masks)[static_cast<size_t>(other)] != m)
          return cpu_mask_text(what, c, m) + " and " +
                 cpu_mask_text(what, other, (*masks)[static_cast<size_t>(other)]) + " overlap";
      const bool last = l + 1 == std::size(levels);
      const CpuMask& outer =
          last ? nodes[static_cast<size_t>(a.node[cpu])] : (*levels[l + 1].second)[cpu];
      if (!m.subset_of(outer))
        return cpu_mask_text(what, c, m) + " is not inside " +
               cpu_mask_text(last ? "node" : levels[l + 1].first, c, outer);
    }
  }
  return {};
}

}  // namespace

CpuPlace cpu_place(const MachineSpec& spec, int cpu) {
  CpuPlace p;
  if (spec.masks) {
    p.core = cpu;
    p.node = spec.masks->node[static_cast<size_t>(cpu)];
    return p;
  }
  if (spec.smt_numbering == SmtNumbering::Adjacent) {
    p.core = cpu / spec.threads;
    p.thread = cpu % spec.threads;
  } else {
    p.core = cpu % spec.nr_cores();
    p.thread = cpu / spec.nr_cores();
  }
  p.cluster = p.core / spec.cores;
  p.die = p.cluster / spec.clusters;
  p.socket = p.die / spec.dies;
  p.node = p.core / cores_per_node(spec);
  return p;
}

int cpu_of(const MachineSpec& spec, int core, int thread) {
  return spec.smt_numbering == SmtNumbering::Adjacent ? core * spec.threads + thread
                                                      : thread * spec.nr_cores() + core;
}

std::string validate_machine_spec(const MachineSpec& spec) {
  if (std::string e = check_counts(spec); !e.empty()) return e;
  if (spec.masks) {
    if (std::string e = check_masks(spec); !e.empty()) return e;
  } else if (spec.nr_cores() % spec.nodes != 0) {
    return "nodes (" + std::to_string(spec.nodes) + ") must divide the core count (" +
           std::to_string(spec.nr_cores()) + ")";
  } else if (spec.clusters > 1 && cores_per_node(spec) % spec.cores != 0) {
    // A cluster straddling two nodes would make CLS wider than MC (= die within the node).
    return "a cluster of " + std::to_string(spec.cores) + " cores must not span two nodes of " +
           std::to_string(cores_per_node(spec)) + " cores";
  }
  if (std::string e = check_distance(spec); !e.empty()) return e;
  if (spec.online) {
    if (spec.online->empty()) return "online must name at least one CPU";
    if (spec.online->last() >= spec.nr_cpus())
      return "online CPU " + std::to_string(spec.online->last()) + " is beyond the machine's " +
             std::to_string(spec.nr_cpus()) + " CPUs";
  }
  if (!spec.capacity.empty()) {
    if (spec.capacity.size() != static_cast<size_t>(spec.nr_cpus()))
      return "capacity must list " + std::to_string(spec.nr_cpus()) + " CPUs, found " +
             std::to_string(spec.capacity.size());
    for (size_t cpu = 0; cpu < spec.capacity.size(); ++cpu)
      if (spec.capacity[cpu] < 1 || spec.capacity[cpu] > kSchedCapacityScale)
        return "capacity of CPU " + std::to_string(cpu) + " must be in 1.." +
               std::to_string(kSchedCapacityScale) + ", found " +
               std::to_string(spec.capacity[cpu]);
  }
  return {};
}

CpuMask online_cpus(const MachineSpec& spec) {
  return spec.online ? *spec.online : CpuMask::range(0, spec.nr_cpus() - 1);
}

int node_distance(const MachineSpec& spec, int a, int b) {
  if (!spec.distance.empty()) return spec.distance[static_cast<size_t>(a)][static_cast<size_t>(b)];
  return a == b ? kLocalDistance : kRemoteDistance;
}

unsigned long cpu_capacity(const MachineSpec& spec, int cpu) {
  return spec.capacity.empty() ? kSchedCapacityScale : spec.capacity[static_cast<size_t>(cpu)];
}

std::vector<std::vector<int>> distance_table(const MachineSpec& spec) {
  std::vector<std::vector<int>> d(static_cast<size_t>(spec.nodes));
  for (int a = 0; a < spec.nodes; ++a)
    for (int b = 0; b < spec.nodes; ++b)
      d[static_cast<size_t>(a)].push_back(node_distance(spec, a, b));
  return d;
}

std::vector<int> cpu_to_node(const MachineSpec& spec) {
  std::vector<int> nodes(static_cast<size_t>(spec.nr_cpus()));
  for (int cpu = 0; cpu < spec.nr_cpus(); ++cpu)
    nodes[static_cast<size_t>(cpu)] = cpu_place(spec, cpu).node;
  return nodes;
}

CpuMask smt_mask(const MachineSpec& spec, int cpu) {
  if (spec.masks) return spec.masks->smt[static_cast<size_t>(cpu)];
  const int core = cpu_place(spec, cpu).core;
  return cores_mask(spec, core, core + 1);
}

// With one cluster per die there is no cluster of its own: like arm64's
// cpu_clustergroup_mask() (SMT mask when the cluster covers the coregroup) and x86's L2 mask
// on parts with a private L2, the level then spans the SMT siblings and degenerates away.
CpuMask cluster_mask(const MachineSpec& spec, int cpu) {
  if (spec.masks) return spec.masks->cluster[static_cast<size_t>(cpu)];
  if (spec.clusters == 1) return smt_mask(spec, cpu);
  const int first = cpu_place(spec, cpu).cluster * spec.cores;
  return cores_mask(spec, first, first + spec.cores);
}

// The last-level cache (die), clipped to the node: arm64 cpu_coregroup_mask() clips to
// cpumask_of_node(), x86 does not match LLCs across SNC nodes (match_llc()).
CpuMask coregroup_mask(const MachineSpec& spec, int cpu) {
  if (spec.masks) return spec.masks->coregroup[static_cast<size_t>(cpu)];
  const CpuPlace p = cpu_place(spec, cpu);
  const int cores_per_die = spec.clusters * spec.cores;
  const int first = std::max(p.die * cores_per_die, p.node * cores_per_node(spec));
  const int last = std::min((p.die + 1) * cores_per_die, (p.node + 1) * cores_per_node(spec));
  return cores_mask(spec, first, last);
}

CpuMask node_mask(const MachineSpec& spec, int node) {
  if (spec.masks) {
    CpuMask m;
    for (size_t cpu = 0; cpu < spec.masks->node.size(); ++cpu)
      if (spec.masks->node[cpu] == node) m.set(static_cast<int>(cpu));
    return m;
  }
  return cores_mask(spec, node * cores_per_node(spec), (node + 1) * cores_per_node(spec));
}

}  // namespace sbm
