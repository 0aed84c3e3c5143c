#include "model/balance/sched_balance_trigger.h"

namespace sbm {

void sched_tick_sample_idle(MachineState& m, int cpu) {
  if (m.profile.idle_sampling == IdleSampling::AtTick) m.rq(cpu).idle_balance = idle_cpu(m.rq(cpu));
}

TriggerResult sched_balance_trigger(MachineState& m, int cpu, NohzHooks& nohz,
                                    BalanceEventSink& sink) {
  const Profile& p = m.profile;
  const bool nohz_on = p.config_no_hz && p.nohz_model != NohzModel::None;
  const bool attached = !on_null_domain(m.rq(cpu));
  const bool active = m.active.test(cpu);
  // 2.6.21-3.2: the owner branches come first in trigger_load_balance().
  const bool defers =
      nohz_on && p.nohz_model == NohzModel::OwnerLoadBalancer && nohz.trigger_defers(m, cpu, sink);

  Rq& rq = m.rq(cpu);
  const bool idle = p.idle_sampling == IdleSampling::AtTick ? rq.idle_balance : idle_cpu(rq);
  sink.emit(TickEvent{cpu, m.jiffies, idle, rq.next_balance, attached, active, defers});

  TriggerResult r;
  if (p.trigger_checks_null_domain && !attached) {
    r.reason = TriggerReason::NullDomain;
    return r;
  }
  if (p.trigger_checks_cpu_active && !active) {
    r.reason = TriggerReason::Inactive;
    return r;
  }
  if (defers) {
    r.reason = TriggerReason::NohzDefers;
    return r;
  }
  if (time_after_eq(m.ops, m.jiffies, rq.next_balance)) {
    rq.sched_softirq_pending = true;
    sink.emit(SoftirqRaiseEvent{cpu, p.sched_softirq_vec});
    r = {true, TriggerReason::Raised};
  }
  // 3.3+: nohz_balancer_kick(rq) on every tick that got this far.
  if (nohz_on && p.nohz_model == NohzModel::KickIdleLoadBalancer) nohz.balancer_kick(m, cpu, sink);
  return r;
}

TriggerResult sched_tick_balance(MachineState& m, int cpu, NohzHooks& nohz,
                                 BalanceEventSink& sink) {
  sched_tick_sample_idle(m, cpu);
  return sched_balance_trigger(m, cpu, nohz, sink);
}

}  // namespace sbm
