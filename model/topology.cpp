#include "model/topology.h"

namespace sbm {

const CpuDomains* Topology::find(int cpu) const {
  const auto it = cpus.find(cpu);
  return it == cpus.end() ? nullptr : &it->second;
}

CpuMask Topology::all_cpus() const {
  CpuMask all;
  for (const auto& [cpu, chain] : cpus) {
    all.set(cpu);
    for (const SchedDomain& sd : chain.domains) {
      if (sd.span) all |= *sd.span;
      if (sd.groups)
        for (const SchedGroup& sg : *sd.groups) all |= sg.span;
    }
  }
  return all;
}

bool domain_has_overlapping_groups(const SchedDomain& sd) {
  if (sd.flags) return sd.flags->has(SdFlag::Overlap) || sd.flags->has(SdFlag::Numa);
  if (sd.name == "NUMA" || sd.name.rfind("NUMA", 0) == 0) return true;
  if (sd.groups)
    for (const SchedGroup& sg : *sd.groups)
      if (sg.balance_mask) return true;
  return false;
}

}  // namespace sbm
