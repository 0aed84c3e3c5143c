// Reads what the scheduler's arch masks are made of from a sysfs tree: /sys itself, or a copy
// rooted at a directory (ROOT/devices/system/cpu/..., ROOT/devices/system/node/...). Which
// file stands for which kernel mask is in spec/topology-builder.md, section 8;
// host_machine.h turns the result into a MachineSpec.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/cpumask.h"

namespace sbm {

// One online CPU's files. Every mask holds the CPU and is cut to the online CPUs (the kernel
// clears offline CPUs from them; a stale one is not an error).
struct SysfsCpu {
  CpuMask thread_siblings;     // topology/thread_siblings_list: topology_sibling_cpumask()
  CpuMask cluster_cpus;        // topology/cluster_cpus_list: topology_cluster_cpumask()
                               // (thread_siblings when the file is absent, before v5.16)
  CpuMask core_siblings;       // topology/core_siblings_list: topology_core_cpumask(), the package
  std::optional<CpuMask> llc;  // cache/indexK/shared_cpu_list of the highest-level data or
                               // unified cache; nullopt without a cache directory
  std::optional<unsigned long> capacity;  // cpu_capacity: arch_scale_cpu_capacity()
};

struct SysfsTopology {
  std::string arch;  // "x86" or "aarch64", from devices/system/cpu/modalias ("cpu:type:ARCH")
  CpuMask online;    // devices/system/cpu/online
  std::map<int, SysfsCpu> cpus;  // the online CPUs
  // NUMA nodes with an online CPU, in node-number order: node/nodeN/cpulist cut to the online
  // CPUs, node/nodeN/distance cut to those nodes (the model has no CPU-less nodes). One node
  // of every online CPU and no table when there is no devices/system/node (CONFIG_NUMA=n).
  std::vector<CpuMask> node_cpus;
  std::vector<int> node_ids;  // the N of each node's nodeN directory
  std::vector<std::vector<int>> distance;
};

struct SysfsRead {
  std::optional<SysfsTopology> topology;
  std::string file;   // when !topology: the file at fault (its path under the root given)
  std::string error;  // and what is wrong with it (its line 1)
};

SysfsRead read_sysfs_topology(const std::string& root);

}  // namespace sbm
