// The sched groups load balancing walks, and the per-group facts it reads: capacity, flags,
// balance CPU, number of cores, and the SMT siblings of a CPU.
//
// A topology from the builder or a dump carries its groups (SchedDomain::groups). A
// hand-made topology without groups gets the groups build_sched_groups() would make
// (kernel/sched/topology.c, v6.17): walking the span from the CPU itself with wrap, each
// uncovered CPU's child-domain span is a group (a single CPU at the base level), so
// groups[0] is the local group, as sd->groups is in the kernel.
#pragma once

#include <vector>

#include "model/rq.h"

namespace sbm {

// sd->groups .. as a list, local group first. Each group's flags and capacity are filled
// in: flags from the topology, else the child domain's flags (sg->flags = child->flags,
// 5.16+); capacity from the topology, else SCHED_CAPACITY_SCALE per CPU of the span
// (init_sched_groups_capacity() with capacity_of() == 1024), at least 1.
std::vector<SchedGroup> sched_groups_of(const MachineState& m, int cpu, int level);

// sd->groups->span alone: the local group's span, without copying the group list (the
// balancer asks for the parent's local group on every pass).
CpuMask local_group_span(const MachineState& m, int cpu, int level);

// group_balance_cpu(): the first CPU of the group's balance mask.
int group_balance_cpu(const SchedGroup& g);

// cpu_smt_mask(cpu): the span of the CPU's lowest SD_SHARE_CPUCAPACITY domain, or the CPU
// alone (CONFIG_SCHED_SMT without siblings).
CpuMask cpu_smt_mask(const MachineState& m, int cpu);

// is_core_idle(cpu) (kernel/sched/fair.c, v6.17): every SMT sibling other than cpu is idle.
bool is_core_idle(const MachineState& m, int cpu);

// sg->cores (init_sched_groups_capacity(), v6.6+): the number of SMT cores in the span.
int group_cores(const MachineState& m, const SchedGroup& g);

}  // namespace sbm
