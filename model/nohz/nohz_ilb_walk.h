// The fold of the idle load balancer's walk, _nohz_idle_balance() (kernel/sched/fair.c, v4.19
// and v6.17): the order it visits
// nohz.idle_cpus_mask in, the CPUs it passes over as busy, the abort when the ILB gets work,
// the time_after-minimum of the visited CPUs' rq->next_balance, and the write of
// nohz.next_balance at the end. Written once over an Ops policy (model/jiffies.h), so the
// model's ilb_walk() (model/nohz/nohz_kick.cpp, WrapOps) and the nohz-next-balance query
// (properties/query_nohz_next_balance.cpp, Z3Ops) run the same code: a proof about it is a
// proof about the walk the simulator runs (design.md, "One model, many uses").
//
// What a walk does to the machine (balancing a due CPU, reading idle_cpu()) is the Walker's:
//   bool idle(int cpu)            idle_cpu(cpu) when the walk reaches it
//   bool ilb_has_work()           the ILB must stop for others (need_resched(); v6.17 also
//                                 !idle_cpu(this_cpu)), asked before each CPU it would visit
//   Value visit(int cpu)          balance `cpu` if it is due, then its rq->next_balance
//   Value balance_self()          v4.19 only: the ILB's own pass after the loop, then its
//                                 rq->next_balance
// Those answers are concrete (a walk's busy/abort pattern); the next_balance values and
// jiffies may be symbolic.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "model/balance/balance_interval.h"
#include "model/balance_event.h"
#include "model/cpumask.h"
#include "model/jiffies.h"
#include "model/profile.h"

namespace sbm {

// The era's walk, as plain data (Profile fields and the code-site mutant).
struct IlbWalkRule {
  IlbWalk walk = IlbWalk::WrapFromNext;
  // v4.19 writes the minimum even after an abort; 3ea2f097b17e (v5.10) writes it only after
  // a complete walk, which then also covered this CPU.
  bool write_after_abort = false;
  // Mutant nohz-ilb-own-not-folded (model/mutants.h; spec/bugs.md #10, c5afb6a87f23 undone).
  bool own_not_folded = false;
  // The walk's starting minimum is now + 60*HZ (Profile::next_balance_horizon_s).
  uint64_t horizon = 0;
};

// The rule of profile p; defined in model/nohz/nohz_kick.cpp, where the mutant's switch is read.
IlbWalkRule ilb_walk_rule(const Profile& p);

// The order the walk visits nohz.idle_cpus_mask in. v4.19: for_each_cpu() skipping this_cpu,
// which balances itself after the loop; v6.17: for_each_cpu_wrap() from this_cpu+1, so
// this_cpu comes last.
inline std::vector<int> ilb_walk_order(IlbWalk walk, const CpuMask& idle_cpus, int this_cpu) {
  if (walk != IlbWalk::AscendingSelfLast) return idle_cpus.cpus_wrap(this_cpu + 1);
  std::vector<int> order;
  for (int c : idle_cpus.cpus())
    if (c != this_cpu) order.push_back(c);
  return order;
}

// The walk's local next_balance / update_next_balance, and what the IlbPassEndEvent reports.
template <class Ops>
struct IlbWalkFold {
  NextBalanceMin<Ops> next;
  bool complete = true;
  CpuMask skipped_busy;
  std::vector<std::pair<int, typename Ops::Value>> folded;  // (cpu, rq->next_balance) reported
};

// The loop of _nohz_idle_balance() on this_cpu over `idle_cpus` at jiffies `now`.
template <class Ops, class Walker>
IlbWalkFold<Ops> ilb_walk_fold(const Ops& o, const IlbWalkRule& r, const CpuMask& idle_cpus,
                               int this_cpu, typename Ops::Value now, Walker& w) {
  IlbWalkFold<Ops> f{{o.add(now, o.lit(r.horizon)), o.truth(false)}, true, {}, {}};
  for (int balance_cpu : ilb_walk_order(r.walk, idle_cpus, this_cpu)) {
    if (!w.idle(balance_cpu)) {
      f.skipped_busy.set(balance_cpu);
      continue;
    }
    // "If this CPU gets work to do, stop the load balancing work being done for other CPUs."
    if (w.ilb_has_work()) {
      f.complete = false;
      break;
    }
    const auto nb = w.visit(balance_cpu);
    // Mutant nohz-ilb-own-not-folded: the ILB balances itself last but leaves its own
    // rq->next_balance out of the minimum.
    if (balance_cpu == this_cpu && r.own_not_folded) continue;
    f.next = next_balance_min_update(o, f.next, nb);
    f.folded.emplace_back(balance_cpu, nb);
  }
  if (f.complete && r.walk == IlbWalk::AscendingSelfLast) {
    // v4.19: rebalance_domains(this_rq, CPU_IDLE) after the loop, whose end folds this CPU
    // into nohz.next_balance (Profile::pass_folds_nohz_next_balance); the write below then
    // overwrites that with the others' minimum (spec/bugs.md #11). Reported as folded, since the
    // pass did fold it; the loop's minimum never saw it.
    const auto nb = w.balance_self();
    if (idle_cpus.test(this_cpu)) f.folded.emplace_back(this_cpu, nb);
  }
  return f;
}

// nohz.next_balance after the walk: "if (likely(update_next_balance)) nohz.next_balance =
// next_balance", reached after an abort only before 3ea2f097b17e. `current` is its value
// when the walk ends (v4.19's own pass may have moved it).
template <class Ops>
typename Ops::Value nohz_next_balance_after_walk(const Ops& o, const IlbWalkRule& r,
                                                 const IlbWalkFold<Ops>& f,
                                                 typename Ops::Value current) {
  return o.select(o.land(f.next.updated, o.truth(f.complete || r.write_after_abort)), f.next.value,
                  current);
}

// The event a walk ends with (machine integers).
inline IlbPassEndEvent ilb_pass_end_event(int this_cpu, unsigned flags, uint64_t now,
                                          const CpuMask& idle_cpus, const IlbWalkFold<WrapOps>& f,
                                          uint64_t before, uint64_t after) {
  return IlbPassEndEvent{this_cpu,       flags,    f.complete, now,  idle_cpus,
                         f.skipped_busy, f.folded, before,     after};
}

}  // namespace sbm
