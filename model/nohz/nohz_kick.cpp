// The 3.3+ kick model of NOHZ idle balancing, as in kernel/sched/fair.c of v4.19
// and v6.17: nohz_balance_enter_idle(),
// nohz_balance_exit_idle(), nohz_balancer_kick(), kick_ilb(), nohz_idle_balance(),
// _nohz_idle_balance(); the IPI side is scheduler_ipi()/got_nohz_idle_kick() (v4.19) and
// nohz_csd_func() (v6.17) in kernel/sched/core.c.
#include "model/jiffies.h"
#include "model/nohz/nohz_era.h"
#include "model/nohz/nohz_ilb_walk.h"

namespace sbm::nohz_era {

void nohz_balance_enter_idle(MachineState& m, int cpu, BalanceEventSink& sink) {
  if (!m.active.test(cpu)) return;  // going down
  Rq& rq = m.rq(cpu);
  if (!rq.nohz_tick_stopped) {
    if (on_null_domain(rq)) return;  // isolated CPUs do not play
    rq.nohz_tick_stopped = true;
    m.nohz.idle_cpus_mask.set(cpu);
    // set_cpu_sd_state_idle(): once per domain build, the LLC loses one busy CPU.
    if (RqDomain* llc = sd_llc(rq)) llc->nohz_idle = true;
    // efd984c481ab (5.16): the next kick must refresh nohz.next_balance (spec/bugs.md #12).
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
  // set_cpu_sd_state_busy(): gives the busy CPU back only if this domain took it.
  if (RqDomain* llc = sd_llc(rq)) llc->nohz_idle = false;
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
  nohz_balance_exit_idle(m, cpu, sink);       // first busy tick after tickless idle
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
  // Mutant nohz-kick-never-cleared (model/mutants.h; spec/bugs.md #13, 873b4c65b519 undone): a
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

// What the walk of ilb_walk_fold() (model/nohz/nohz_ilb_walk.h) does on the machine: idle_cpu()
// as the walk reaches a CPU, the ILB's own idle_cpu() for the abort (the model's stand-in for
// need_resched(); the walk is one atomic step, so it does not change during the walk), and
// sched_balance_domains(rq, CPU_IDLE) for a due CPU when the kick asked for BALANCE.
struct MachineIlbWalker {
  MachineState& m;
  int this_cpu;
  unsigned flags;
  SchedBalanceRq& balancer;
  BalanceEventSink& sink;

  bool idle(int cpu) const { return idle_cpu(m.rq(cpu)); }
  bool ilb_has_work() const { return !idle_cpu(m.rq(this_cpu)); }
  uint64_t visit(int cpu) {
    // STATS: update_nohz_stats(); without PELT nothing stays blocked.
    if (time_after_eq(m.ops, m.jiffies, m.rq(cpu).next_balance) && (flags & kNohzBalanceKick))
      ilb_balance(m, this_cpu, cpu, balancer, sink);
    return m.rq(cpu).next_balance;
  }
  // v4.19: rebalance_domains(this_rq, CPU_IDLE) when the kick asked for BALANCE.
  uint64_t balance_self() {
    if (flags & kNohzBalanceKick) ilb_balance(m, this_cpu, this_cpu, balancer, sink);
    return m.rq(this_cpu).next_balance;
  }
};

// _nohz_idle_balance(this_rq, flags) on this_cpu (v4.19 also passed idle == CPU_IDLE): the
// fold is ilb_walk_fold(), shared with the nohz-next-balance query.
void ilb_walk(MachineState& m, int this_cpu, unsigned flags, SchedBalanceRq& balancer,
              BalanceEventSink& sink) {
  const Profile& p = m.profile;
  const WrapOps& o = m.ops;
  const uint64_t now = m.jiffies;
  const uint64_t before = m.nohz.next_balance;
  const CpuMask idle_cpus = m.nohz.idle_cpus_mask;

  // v4.19 kicks always carry STATS (NOHZ_KICK_MASK or STATS alone), so testing the bit
  // reproduces its unconditional clear too.
  if (flags & kNohzStatsKick) m.nohz.has_blocked = false;
  if (flags & kNohzNextKick) m.nohz.needs_update = false;

  MachineIlbWalker walker{m, this_cpu, flags, balancer, sink};
  const IlbWalkRule rule = ilb_walk_rule(p);
  const IlbWalkFold<WrapOps> fold = ilb_walk_fold(o, rule, idle_cpus, this_cpu, now, walker);

  // The abort path: the blocked load and the refresh are left to the next ILB.
  const bool has_blocked_load = !fold.complete && (flags & kNohzStatsKick);
  if (!fold.complete && (flags & kNohzNextKick)) m.nohz.needs_update = true;
  if (fold.complete && (flags & kNohzStatsKick))
    m.nohz.next_blocked = o.add(now, msecs_to_jiffies(o, o.lit(kLoadAvgPeriodMs), p.hz));
  m.nohz.next_balance = nohz_next_balance_after_walk(o, rule, fold, m.nohz.next_balance);
  if (has_blocked_load) m.nohz.has_blocked = true;

  sink.emit(ilb_pass_end_event(this_cpu, flags, now, idle_cpus, fold, before, m.nohz.next_balance));
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

IlbWalkRule ilb_walk_rule(const Profile& p) {
  IlbWalkRule r;
  r.walk = p.ilb_walk;
  r.write_after_abort = p.nohz_kick_next_balance != NohzKickNextBalance::JiffiesPlusOneOnBalance;
  // Mutant nohz-ilb-own-not-folded (model/mutants.h; spec/bugs.md #10, c5afb6a87f23 undone): its
  // one site; ilb_walk_fold() leaves the ILB's own next_balance out of the minimum.
  r.own_not_folded = is_mutant(p, Mutant::NohzIlbOwnNotFolded);
  r.horizon = uint64_t{p.next_balance_horizon_s} * p.hz;
  return r;
}

// kick_ilb(flags) on this_cpu. v6.17 returns early when the target already has every
// requested bit; v4.19 goes on to atomic_fetch_or(), finds a kick bit set and returns
// too, so one path serves both.
void kick_ilb(MachineState& m, int this_cpu, unsigned flags, BalanceEventSink& sink) {
  NohzKickEvent e{this_cpu, -1, flags, m.jiffies, m.nohz.next_balance, 0, m.nohz.needs_update,
                  false};
  switch (m.profile.nohz_kick_next_balance) {
    case NohzKickNextBalance::None:
      break;
    case NohzKickNextBalance::Increment:  // v4.19: nohz.next_balance++ (spec/bugs.md #11)
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
