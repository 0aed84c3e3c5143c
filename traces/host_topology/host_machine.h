// The machine a sysfs tree describes (sysfs_read.h), as a MachineSpec with explicit arch
// masks: the masks v6.18's arch code hands to the scheduler, computed from the files the way
// arch/x86/kernel/smpboot.c (x86) or drivers/base/arch_topology.c (aarch64) computes them.
// spec/topology-builder.md, section 8, gives the rules.
#pragma once

#include <optional>
#include <string>

#include "model/topology/topology_spec.h"
#include "traces/host_topology/sysfs_read.h"

namespace sbm {

struct HostMachine {
  std::optional<MachineSpec> spec;
  std::string error;  // when !spec: the masks break a rule of validate_machine_spec()
};

// CPUs 0..the highest online one; offline CPUs get masks of their own on the first node
// (outside the cpu_map, the builder never reads them). `text` names the machine in the
// built Topology's source.
HostMachine host_machine_spec(const SysfsTopology& t, std::string text);

}  // namespace sbm
