// The 3.3+ kick model of NOHZ idle balancing, as in v4.19 (0x88888888/linux-4.19-comments)
// and v6.17 (nhatz11/linux-6.17) kernel/sched/fair.c: nohz_balance_enter_idle(),
// nohz_balance_exit_idle(), nohz_balancer_kick(), kick_ilb(), nohz_idle_balance(),
// _nohz_idle_balance(); the IPI side is scheduler_ipi()/got_nohz_idle_kick() (v4.19) and
// nohz_csd_func() (v6.17) in kernel/sched/core.c.
#include "model/balance_interval.h"
#include "model/jiffies.h"
#include "model/nohz_era.h"

namespace sbm::nohz_era {

void nohz_balance_enter_idle(MachineState& m, int cpu, BalanceEventSink& sink) {
  if (!m.active.test(cpu)) return;  // going down
  Rq& rq = m.rq(cpu);
  if (!rq.nohz_tick_stopped) {
    if (on_null_domain(rq)) return;  // isolated CPUs do not play
    rq.nohz_tick_stopped = true;
    m.nohz.idle_cpus_mask.set(cpu);
    // efd984c481ab (5.16): the next kick must refresh nohz.next_balance (bugs.md #12).
    if (m.profile.nohz_needs_update) m.nohz.needs_update = true;
    emit_idle_change(m, cpu, true, sink);
  }
  m.nohz.has_blocked = true;  // "each time a cpu enter idle, we assume that it has blocked load"
}

void nohz_balance_exit_idle(MachineState& m, int cpu, BalanceEventSink& sink) {
  Rq& rq = m.rq(cpu);
  if (!rq.nohz_tick_stopped) return;
  rq.nohz_tick_stopped = false;
  m.nohz.idle_cpus_mask.clear(cpu);
  emit_idle_change(m, cpu, false, sink);
}

// nohz_balancer_kick(rq). Kick reasons modelled: nr_running >= 2 and the LLC's
// nr_busy_cpus > 1 (v4.19 tests the LLC before check_cpu_capacity, v6.17 after; with no
// capacity reasons in the model the order does not matter).
void nohz_balancer_kick(MachineState& m, int cpu, BalanceEventSink& sink) {
  const Profile& p = m.profile;
  const WrapOps& o = m.ops;
  Rq& rq = m.rq(cpu);
  if (rq.idle_balance) return;
  nohz_balance_exit_idle(m, cpu, sink);  // first busy tick after tickless idle
  if (m.nohz.idle_cpus_mask.empty()) return;  // atomic_read(&nohz.nr_cpus) == 0

  const uint64_t now = m.jiffies;
  unsigned flags = 0;
  if (m.nohz.has_blocked && time_after(o, now, m.nohz.next_blocked)) flags = kNohzStatsKick;
  if (!time_before(o, now, m.nohz.next_balance) &&
      (rq.nr_running() >= 2 || llc_nr_busy_cpus(m, cpu) > 1))
    flags = kNohzStatsKick | kNohzBalanceKick;
  if (p.nohz_needs_update && m.nohz.needs_update) flags |= kNohzNextKick;
  if (flags) kick_ilb(m, cpu, flags, sink);
}

bool kick_ipi(MachineState& m, int cpu, BalanceEventSink& sink) {
  Rq& rq = m.rq(cpu);
  // Mutant nohz-kick-never-cleared (model/mutants.h; bugs.md #13, 873b4c65b519 undone): a
  // CPU that got a task before the kick arrived drops the kick but keeps its NOHZ_*_KICK
  // bits, so kick_ilb() finds them set and sends it no further IPI.
  if (is_mutant(m.profile, Mutant::NohzKickNeverCleared) && !idle_cpu(rq)) return false;
  if (m.profile.ilb_delivery == IlbDelivery::NohzCsd) {
    // nohz_csd_func(): release the CSD by taking the kick bits.
    const unsigned flags = rq.nohz_flags & kNohzKickMask;
    rq.nohz_flags &= ~kNohzKickMask;
    rq.idle_balance = idle_cpu(rq);
    if (!rq.idle_balance) return false;
    rq.nohz_idle_balance = flags;
  } else {
    // scheduler_ipi(): got_nohz_idle_kick() drops the kick when the CPU got work.
    if (!(rq.nohz_flags & kNohzKickMask)) return false;
    if (!idle_cpu(rq)) {
      rq.nohz_flags &= ~kNohzKickMask;
      return false;
    }
    rq.idle_balance = true;
  }
  raise_sched_softirq(m, cpu, sink);
  return true;
}

namespace {

// _nohz_idle_balance(this_rq, flags) on this_cpu (v4.19 also passed idle == CPU_IDLE).
void ilb_walk(MachineState& m, int this_cpu, unsigned flags, SchedBalanceRq& balancer,
              BalanceEventSink& sink) {
  const Profile& p = m.profile;
  const WrapOps& o = m.ops;
  const uint64_t now = m.jiffies;
  // 3ea2f097b17e (2020): write nohz.next_balance only after a complete walk that also
  // covered this CPU; v4.19 wrote the others' minimum even after an abort.
  const bool fixed = p.nohz_kick_next_balance == NohzKickNextBalance::JiffiesPlusOneOnBalance;
  NextBalanceMin<WrapOps> next{o.add(now, o.lit(uint64_t{p.next_balance_horizon_s} * p.hz)), false};
  bool has_blocked_load = false;
  IlbPassEndEvent end{this_cpu, flags, true, now, m.nohz.idle_cpus_mask, {}, {},
                      m.nohz.next_balance, 0};

  // v4.19 kicks always carry STATS (NOHZ_KICK_MASK or STATS alone), so testing the bit
  // reproduces its unconditional clear too.
  if (flags & kNohzStatsKick) m.nohz.has_blocked = false;
  if (flags & kNohzNextKick) m.nohz.needs_update = false;

  // v4.19: for_each_cpu() skipping this_cpu, which balances itself after the loop;
  // v6.17: for_each_cpu_wrap() from this_cpu+1, so this_cpu comes last.
  std::vector<int> order;
  if (p.ilb_walk == IlbWalk::AscendingSelfLast) {
    for (int c : m.nohz.idle_cpus_mask.cpus())
      if (c != this_cpu) order.push_back(c);
  } else {
    order = m.nohz.idle_cpus_mask.cpus_wrap(this_cpu + 1);
  }

  for (int balance_cpu : order) {
    if (!idle_cpu(m.rq(balance_cpu))) {
      end.skipped_busy.set(balance_cpu);
      continue;
    }
    // "If this CPU gets work to do, stop the load balancing work being done for other
    // CPUs" (need_resched(); v6.17 also requires !idle_cpu(this_cpu)).
    if (!idle_cpu(m.rq(this_cpu))) {
      if (flags & kNohzStatsKick) has_blocked_load = true;
      if (flags & kNohzNextKick) m.nohz.needs_update = true;
      end.complete = false;
      break;
    }
    // STATS: update_nohz_stats(); without PELT nothing stays blocked.
    if (time_after_eq(o, m.jiffies, m.rq(balance_cpu).next_balance) && (flags & kNohzBalanceKick))
      ilb_balance(m, this_cpu, balance_cpu, balancer, sink);
    // Mutant nohz-ilb-own-not-folded (model/mutants.h; bugs.md #10, c5afb6a87f23 undone):
    // the ILB balances itself last but leaves its own rq->next_balance out of the minimum.
    if (balance_cpu == this_cpu && is_mutant(p, Mutant::NohzIlbOwnNotFolded)) continue;
    const uint64_t nb = m.rq(balance_cpu).next_balance;
    next = next_balance_min_update(o, next, nb);
    end.folded.emplace_back(balance_cpu, nb);
  }

  if (end.complete && p.ilb_walk == IlbWalk::AscendingSelfLast) {
    // v4.19: rebalance_domains(this_rq, CPU_IDLE) unconditionally, whose end folds this
    // CPU into nohz.next_balance (Profile::pass_folds_nohz_next_balance)...
    if (flags & kNohzBalanceKick) ilb_balance(m, this_cpu, this_cpu, balancer, sink);
    if (m.nohz.idle_cpus_mask.test(this_cpu))
      end.folded.emplace_back(this_cpu, m.rq(this_cpu).next_balance);
  }
  if (end.complete && (flags & kNohzStatsKick))
    m.nohz.next_blocked = o.add(now, msecs_to_jiffies(o, o.lit(kLoadAvgPeriodMs), p.hz));
  // ...and then this write, of the others' minimum only, overwrites it (bugs.md #11).
  if (next.updated && (end.complete || !fixed)) m.nohz.next_balance = next.value;
  if (has_blocked_load) m.nohz.has_blocked = true;

  end.after = m.nohz.next_balance;
  sink.emit(end);
}

}  // namespace

// nohz_idle_balance(this_rq, idle): 6.x takes the flags nohz_csd_func() stored, 4.19
// takes the kick bits from nohz_flags(this_cpu); a CPU that is not CPU_IDLE drops them
// and runs its normal pass.
bool nohz_idle_balance(MachineState& m, int cpu, CpuIdleType idle, SchedBalanceRq& balancer,
                       BalanceEventSink& sink) {
  Rq& rq = m.rq(cpu);
  unsigned flags = 0;
  if (m.profile.ilb_delivery == IlbDelivery::NohzCsd) {
    flags = rq.nohz_idle_balance;
    rq.nohz_idle_balance = 0;
  } else {
    flags = rq.nohz_flags & kNohzKickMask;
    rq.nohz_flags &= ~kNohzKickMask;
  }
  if (!flags || idle != CpuIdleType::Idle) return false;
  ilb_walk(m, cpu, flags, balancer, sink);
  return true;
}

}  // namespace sbm::nohz_era

namespace sbm {

// kick_ilb(flags) on this_cpu. v6.17 returns early when the target already has every
// requested bit; v4.19 goes on to atomic_fetch_or(), finds a kick bit set and returns
// too, so one path serves both.
void kick_ilb(MachineState& m, int this_cpu, unsigned flags, BalanceEventSink& sink) {
  NohzKickEvent e{this_cpu, -1, flags, m.jiffies, m.nohz.next_balance, 0, m.nohz.needs_update, false};
  switch (m.profile.nohz_kick_next_balance) {
    case NohzKickNextBalance::None: break;
    case NohzKickNextBalance::Increment:  // v4.19: nohz.next_balance++ (bugs.md #11)
      m.nohz.next_balance = m.ops.add(m.nohz.next_balance, 1);
      break;
    case NohzKickNextBalance::JiffiesPlusOneOnBalance:
      if (flags & kNohzBalanceKick) m.nohz.next_balance = m.ops.add(m.jiffies, 1);
      break;
  }
  e.next_balance_after = m.nohz.next_balance;
  e.target = find_new_ilb(m, this_cpu);
  if (e.target >= 0) {
    Rq& target = m.rq(e.target);
    const unsigned old = target.nohz_flags;
    target.nohz_flags |= flags;
    // "he who sets the first flag owns" the IPI / rq->nohz_csd.
    if (!(old & kNohzKickMask)) {
      m.nohz.ipi_pending.set(e.target);
      e.ipi = true;
    }
  }
  sink.emit(e);
}

}  // namespace sbm
