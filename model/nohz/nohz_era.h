// The two NOHZ designs behind model/nohz/nohz.h, one file each: nohz_owner.cpp (2.6.21-3.2)
// and nohz_kick.cpp (3.3+). Internal to the model; callers use model/nohz/nohz.h.
#pragma once

#include "model/nohz/nohz.h"

namespace sbm::nohz_era {

// Shared by both eras.
void emit_idle_change(const MachineState& m, int cpu, bool enter, BalanceEventSink& sink);
// The ILB runs sched_balance_domains(rq(cpu), CPU_IDLE) on behalf of `cpu`.
void ilb_balance(MachineState& m, int ilb_cpu, int cpu, SchedBalanceRq& balancer,
                 BalanceEventSink& sink);
void raise_sched_softirq(MachineState& m, int cpu, BalanceEventSink& sink);

// 2.6.21-3.2 (v2.6.32 kernel/sched.c).
bool select_nohz_load_balancer(MachineState& m, int cpu, bool stop_tick, BalanceEventSink& sink);
bool owner_trigger_defers(MachineState& m, int cpu, BalanceEventSink& sink);
void owner_balance_others(MachineState& m, int cpu, CpuIdleType idle, SchedBalanceRq& balancer,
                          BalanceEventSink& sink);
void owner_resched_ipi(MachineState& m, int cpu, BalanceEventSink& sink);

// 3.3+ (v4.19, v6.17 kernel/sched/fair.c, kernel/sched/core.c).
void nohz_balance_enter_idle(MachineState& m, int cpu, BalanceEventSink& sink);
void nohz_balance_exit_idle(MachineState& m, int cpu, BalanceEventSink& sink);
void nohz_balancer_kick(MachineState& m, int cpu, BalanceEventSink& sink);
bool nohz_idle_balance(MachineState& m, int cpu, CpuIdleType idle, SchedBalanceRq& balancer,
                       BalanceEventSink& sink);
bool kick_ipi(MachineState& m, int cpu, BalanceEventSink& sink);

}  // namespace sbm::nohz_era
