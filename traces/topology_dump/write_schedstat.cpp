// show_schedstat(), kernel/sched/stats.c. Counters are not modelled: all printed as 0.
#include "traces/topology_dump/dump_style.h"
#include "traces/topology_dump/write.h"

namespace sbm {

namespace {

std::string zeros(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += " 0";
  return out;
}

}  // namespace

std::string write_schedstat(const Topology& topo, KernelVersion era) {
  const int version = dump_style(era).schedstat_version;
  std::string out = "version " + std::to_string(version) + "\ntimestamp 0\n";
  for (const auto& [cpu, chain] : topo.cpus) {
    out += "cpu" + std::to_string(cpu) + zeros(9) + "\n";
    for (size_t i = 0; i < chain.domains.size(); ++i) {
      const SchedDomain& sd = chain.domains[i];
      out += "domain" + std::to_string(i) + " ";
      if (version >= 17) out += sd.name + " ";  // "domain%d %s %*pb"
      out += (sd.span ? *sd.span : CpuMask{}).to_hex(topo.nr_cpu_ids);
      out += zeros(version >= 17 ? 45 : 36) + "\n";
    }
  }
  return out;
}

}  // namespace sbm
