// The 2.6.21-3.2 owner model of NOHZ idle balancing, as in v2.6.32 kernel/sched.c
// (v2.6.32.60): select_nohz_load_balancer(), the CONFIG_NO_HZ branches
// of trigger_load_balance() and of run_rebalance_domains(). Power-savings balancing
// (sched_mc/smt_power_savings) is off, so find_new_ilb() is cpumask_first(nohz.cpu_mask).
#include "model/nohz/nohz_era.h"

namespace sbm::nohz_era {

namespace {

// resched_cpu(target) used to nominate an owner: the target goes round its idle loop,
// which stops its tick again (owner_resched_ipi below). Reported as a kick with no flags.
void resched_cpu(MachineState& m, int cpu, int target, BalanceEventSink& sink) {
  m.nohz.ipi_pending.set(target);
  const uint64_t nb = m.nohz.next_balance;
  sink.emit(NohzKickEvent{cpu, target, 0, m.jiffies, nb, nb, false, true});
}

}  // namespace

// select_nohz_load_balancer(stop_tick), v2.6.32. Returns 1 when this CPU is (or became)
// the owner, whose tick keeps running; tick_nohz_stop_sched_tick() then does not stop it.
bool select_nohz_load_balancer(MachineState& m, int cpu, bool stop_tick, BalanceEventSink& sink) {
  Rq& rq = m.rq(cpu);
  NohzGlobal& nohz = m.nohz;
  if (!stop_tick) {
    if (!nohz.idle_cpus_mask.test(cpu)) return false;
    nohz.idle_cpus_mask.clear(cpu);
    if (nohz.load_balancer == cpu) nohz.load_balancer = -1;
    rq.nohz_tick_stopped = false;
    emit_idle_change(m, cpu, false, sink);
    return false;
  }
  rq.in_nohz_recently = true;
  bool keep_tick = false;
  if (!m.active.test(cpu)) {
    // Going offline: give up ownership, never join the mask.
    if (nohz.load_balancer == cpu) nohz.load_balancer = -1;
  } else {
    nohz.idle_cpus_mask.set(cpu);
    if (nohz.idle_cpus_mask.weight() == m.active.weight()) {
      // "time for ilb owner also to sleep": every active CPU is tickless.
      if (nohz.load_balancer == cpu) nohz.load_balancer = -1;
    } else if (nohz.load_balancer == -1) {
      nohz.load_balancer = cpu;  // atomic_cmpxchg(-1, cpu): the model runs it atomically
      keep_tick = true;
    } else {
      keep_tick = nohz.load_balancer == cpu;
    }
    emit_idle_change(m, cpu, true, sink);
  }
  rq.nohz_tick_stopped = !keep_tick;
  return keep_tick;
}

// The CONFIG_NO_HZ part of trigger_load_balance(rq, cpu), v2.6.32, with
// rq->idle_at_tick = rq.idle_balance (sampled by the tick just before).
bool owner_trigger_defers(MachineState& m, int cpu, BalanceEventSink& sink) {
  Rq& rq = m.rq(cpu);
  NohzGlobal& nohz = m.nohz;
  const bool idle_at_tick = rq.idle_balance;
  // Busy again after being tickless: hand ownership on, nominate a new owner.
  if (rq.in_nohz_recently && !idle_at_tick) {
    rq.in_nohz_recently = false;
    if (nohz.load_balancer == cpu) {
      nohz.idle_cpus_mask.clear(cpu);
      nohz.load_balancer = -1;
      emit_idle_change(m, cpu, false, sink);
    }
    if (nohz.load_balancer == -1) {
      const int ilb = find_new_ilb(m, cpu);
      if (ilb >= 0) resched_cpu(m, cpu, ilb, sink);
    }
  }
  // An idle owner with every online CPU tickless stops being the owner.
  if (idle_at_tick && nohz.load_balancer == cpu &&
      nohz.idle_cpus_mask.weight() == m.online.weight()) {
    resched_cpu(m, cpu, cpu, sink);
    return true;
  }
  // Idle and someone else balances for us: no SCHED_SOFTIRQ.
  return idle_at_tick && nohz.load_balancer != cpu && nohz.idle_cpus_mask.test(cpu);
}

// run_rebalance_domains(), v2.6.32, after rebalance_domains(this_cpu, idle): the owner
// balances every other CPU of nohz.cpu_mask (whatever their next_balance), stopping when
// it gets work itself (need_resched(), here !idle_cpu()), and pulls its own
// rq->next_balance down to theirs.
void owner_balance_others(MachineState& m, int cpu, CpuIdleType idle, SchedBalanceRq& balancer,
                          BalanceEventSink& sink) {
  if (idle != CpuIdleType::Idle || m.nohz.load_balancer != cpu) return;
  IlbPassEndEvent end{
      cpu, 0, true, m.jiffies, m.nohz.idle_cpus_mask, {}, {}, m.rq(cpu).next_balance, 0};
  end.candidates.clear(cpu);
  for (int balance_cpu : m.nohz.idle_cpus_mask.cpus()) {
    if (balance_cpu == cpu) continue;
    if (!idle_cpu(m.rq(cpu))) {
      end.complete = false;
      break;
    }
    ilb_balance(m, cpu, balance_cpu, balancer, sink);
    const uint64_t nb = m.rq(balance_cpu).next_balance;
    if (time_after(m.ops, m.rq(cpu).next_balance, nb)) m.rq(cpu).next_balance = nb;
    end.folded.emplace_back(balance_cpu, nb);
  }
  end.after = m.rq(cpu).next_balance;
  sink.emit(end);
}

// The nominated CPU, idle, re-runs its idle loop and tries to stop its tick again.
void owner_resched_ipi(MachineState& m, int cpu, BalanceEventSink& sink) {
  if (idle_cpu(m.rq(cpu))) select_nohz_load_balancer(m, cpu, true, sink);
}

}  // namespace sbm::nohz_era
