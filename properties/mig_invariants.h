// MIG-*: what a migration by load balancing must preserve (spec/invariants.md, section 5).
//
//   MIG-1  no task lost or duplicated: every task is on exactly one rq, and a balance leaves
//          the same set of tasks as it found (compared by pid).
//   MIG-2  affinity respected: a task only lands on a CPU in its cpus_allowed.
//   MIG-3  a migration by a balance of domain d (or by the active balance run for d) moves a
//          task between two CPUs of d's span.
//   MIG-4  the per-pass migration limit: in each round of one balance (between the kernel's
//          env->loop resets) the tasks examined stay within loop_max = min(sysctl_sched_
//          nr_migrate, nr_running) (3.x+; nr_migrate + 1 in v2.6.32) and the tasks moved
//          within that bound (nr_running - 1 in v2.6.20), the bound computed from the busiest
//          rq's nr_running when the round began.
//
// The state checks take the machine before and after one step (a balance, a stopper run);
// the event checks take the events that step emitted.
#pragma once

#include <vector>

#include "model/balance_event.h"
#include "model/profile.h"
#include "model/rq.h"
#include "properties/violation.h"

namespace sbm {

// MIG-1 on one state: each pid appears on exactly one rq.
std::vector<Violation> check_mig1_unique(const MachineState& m);
// MIG-1 across a step: the pids before and after are the same set, each once.
std::vector<Violation> check_mig1_conserved(const MachineState& before, const MachineState& after);
// MIG-2 across a step: a task whose rq changed is allowed on its new CPU.
std::vector<Violation> check_mig2_affinity(const MachineState& before, const MachineState& after);
// MIG-2 on events: each TaskMigrateEvent's to_cpu is in the cpus_allowed it carries.
std::vector<Violation> check_mig2_events(const std::vector<BalanceEvent>& events);
// MIG-3: from_cpu and to_cpu lie in the span of rq(cpu).sd[level] of the event.
// Hotplug moves (TaskMigrateEvent::hotplug) balance no domain and are skipped.
std::vector<Violation> check_mig3_domain_span(const MachineState& m,
                                              const std::vector<BalanceEvent>& events);
// MIG-4: DetachPassEvents within the profile's bound.
std::vector<Violation> check_mig4_migration_limit(const Profile& p,
                                                  const std::vector<BalanceEvent>& events);

// All of the above for one step.
std::vector<Violation> check_mig_invariants(const MachineState& before, const MachineState& after,
                                            const std::vector<BalanceEvent>& events);

}  // namespace sbm
