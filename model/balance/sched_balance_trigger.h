// The tick's part in periodic balancing: sched_tick()/scheduler_tick() samples the idle
// state, then sched_balance_trigger()/trigger_load_balance() raises SCHED_SOFTIRQ when
// rq->next_balance is due (spec/kernel-facts.md §3).
//
//   v2.6.20 scheduler_tick():   raise iff time_after_eq(jiffies, rq->next_balance); no
//                               on_null_domain() test, idle is sampled later, in the softirq
//   v2.6.32 trigger_load_balance(rq, cpu): NOHZ owner branches (NohzHooks::trigger_defers),
//                               then raise iff due && !on_null_domain(cpu)
//   v4.19 trigger_load_balance(rq): return if on_null_domain; raise iff due;
//                               nohz_balancer_kick(rq)
//   v6.x sched_balance_trigger(rq): return if on_null_domain || !cpu_active (5.12,
//                               e0b257c3b71b); raise iff due; nohz_balancer_kick(rq)
// The callers sched_tick()/scheduler_tick() first store rq->idle_balance = idle_cpu(cpu)
// (rq->idle_at_tick in 2.6.21-3.x).
#pragma once

#include "model/balance/sched_balance_domains.h"
#include "model/balance_event.h"
#include "model/rq.h"

namespace sbm {

enum class TriggerReason {
  Raised,      // SCHED_SOFTIRQ raised
  NotDue,      // time_before(jiffies, rq->next_balance)
  NullDomain,  // on_null_domain()
  Inactive,    // !cpu_active() (5.12+)
  NohzDefers,  // 2.6.21-3.2 owner model: an idle CPU whose balancing the owner does
};

struct TriggerResult {
  bool raised = false;
  TriggerReason reason = TriggerReason::NotDue;
};

// rq->idle_balance = idle_cpu(cpu) (2.6.21+); nothing in v2.6.20.
void sched_tick_sample_idle(MachineState& m, int cpu);

// sched_balance_trigger()/trigger_load_balance() for the machine's profile. Emits a
// TickEvent, a SoftirqRaiseEvent when it raises, and sets rq->sched_softirq_pending.
TriggerResult sched_balance_trigger(MachineState& m, int cpu, NohzHooks& nohz,
                                    BalanceEventSink& sink);

// The balancing part of one tick on `cpu`: sample the idle state, then the trigger.
TriggerResult sched_tick_balance(MachineState& m, int cpu, NohzHooks& nohz, BalanceEventSink& sink);

}  // namespace sbm
