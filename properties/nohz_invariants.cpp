#include "properties/nohz_invariants.h"

#include <string>

#include "model/balance/balance_interval.h"
#include "model/jiffies.h"
#include "model/nohz/nohz.h"

namespace sbm {

const std::vector<InvariantInfo>& nohz_invariants() {
  static const std::vector<InvariantInfo> all = {
      {"NOHZ-1", "the CPU that balances on behalf of NOHZ idle CPUs is idle whenever it does so",
       "_nohz_idle_balance() need_resched() abort, kernel/sched/fair.c (v4.19, v6.17); "
       "run_rebalance_domains(), kernel/sched.c (v2.6.32)"},
      {"NOHZ-2",
       "nohz.next_balance is the time_after-minimum of the idle CPUs' rq->next_balance after a "
       "complete ILB walk, a kick never moves it later than its old value and jiffies+1, and a "
       "CPU entering NOHZ idle earlier than it gets folded in (per profile)",
       "kick_ilb(), _nohz_idle_balance(), nohz_balance_enter_idle(), kernel/sched/fair.c "
       "(v6.17; 3ea2f097b17e, efd984c481ab); run_rebalance_domains(), kernel/sched.c (v2.6.32)"},
  };
  return all;
}

NohzRules nohz_rules(const Profile& p) {
  NohzRules r;
  if (!p.config_no_hz) return r;
  switch (p.nohz_model) {
    case NohzModel::None:
      break;
    case NohzModel::OwnerLoadBalancer:
      r.walk = NohzWalkRule::OwnerFold;
      break;
    case NohzModel::KickIdleLoadBalancer:
      if (p.nohz_kick_next_balance == NohzKickNextBalance::JiffiesPlusOneOnBalance) {
        r.walk = NohzWalkRule::CompleteMinimum;
        r.kick_not_later = true;
      }
      r.enter_idle_folds = p.nohz_needs_update;
      break;
  }
  return r;
}

namespace {

std::string num(uint64_t v) { return std::to_string(v); }

// NOHZ-2(a) at the end of one walk.
void check_walk(const Profile& p, NohzWalkRule rule, const IlbPassEndEvent& e, int line,
                std::vector<Violation>& out) {
  const WrapOps o{p.jiffies_bits};
  CpuMask folded;
  for (const auto& [cpu, next_balance] : e.folded) folded.set(cpu);
  if (rule == NohzWalkRule::OwnerFold) {
    uint64_t expected = e.before;
    for (const auto& [cpu, next_balance] : e.folded)
      if (time_after(o, expected, next_balance)) expected = next_balance;
    if (e.after != expected)
      out.push_back(
          make_violation("NOHZ-2", e.ilb_cpu, -1, line, num(expected), num(e.after),
                         "the owner's rq->next_balance must be pulled down to the earliest "
                         "next_balance of the CPUs it balanced (2.6.21-3.2)"));
    if (e.complete && !(folded == e.candidates))
      out.push_back(
          make_violation("NOHZ-2", e.ilb_cpu, -1, line, "balanced " + e.candidates.to_cpulist(),
                         "balanced " + folded.to_cpulist(),
                         "a complete owner walk balances every other CPU of nohz.cpu_mask"));
    return;
  }
  if (!e.complete) {
    if (e.after != e.before)
      out.push_back(make_violation("NOHZ-2", e.ilb_cpu, -1, line, "kept " + num(e.before),
                                   num(e.after),
                                   "an aborted ILB walk must leave nohz.next_balance alone "
                                   "(3ea2f097b17e)"));
    return;
  }
  const CpuMask idle = e.candidates.andnot(e.skipped_busy);
  if (!(folded == idle) || !e.skipped_busy.subset_of(e.candidates))
    out.push_back(make_violation("NOHZ-2", e.ilb_cpu, -1, line, "folded " + idle.to_cpulist(),
                                 "folded " + folded.to_cpulist(),
                                 "a complete ILB walk folds every idle CPU of nohz.idle_cpus_mask, "
                                 "itself included"));
  NextBalanceMin<WrapOps> min{o.add(e.jiffies, o.lit(uint64_t{p.next_balance_horizon_s} * p.hz)),
                              false};
  for (const auto& [cpu, next_balance] : e.folded)
    min = next_balance_min_update(o, min, next_balance);
  const uint64_t expected = min.updated ? min.value : e.before;
  if (e.after != expected)
    out.push_back(
        make_violation("NOHZ-2", e.ilb_cpu, -1, line, num(expected), num(e.after),
                       "after a complete ILB walk nohz.next_balance must be the time_after-"
                       "minimum of the idle CPUs' rq->next_balance (spec/bugs.md #10, #11)"));
}

}  // namespace

std::vector<Violation> check_nohz1(const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  for (size_t i = 0; i < events.size(); ++i) {
    // On behalf of others only: v4.19 balances itself after the walk without asking
    // need_resched() again.
    const auto* b = std::get_if<IlbBalanceEvent>(&events[i]);
    if (b && b->cpu != b->ilb_cpu && !b->ilb_idle)
      out.push_back(
          make_violation("NOHZ-1", b->ilb_cpu, -1, static_cast<int>(i) + 1,
                         "CPU" + std::to_string(b->ilb_cpu) + " idle",
                         "busy while balancing CPU" + std::to_string(b->cpu),
                         "the idle load balancer must stop balancing for others once it has "
                         "work of its own (need_resched())"));
  }
  return out;
}

std::vector<Violation> check_nohz2(const Profile& p, const NohzRules& rules,
                                   const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  const WrapOps o{p.jiffies_bits};
  for (size_t i = 0; i < events.size(); ++i) {
    const int line = static_cast<int>(i) + 1;
    const BalanceEvent& ev = events[i];
    if (const auto* e = std::get_if<IlbPassEndEvent>(&ev)) {
      if (rules.walk != NohzWalkRule::None) check_walk(p, rules.walk, *e, line, out);
    } else if (const auto* k = std::get_if<NohzKickEvent>(&ev)) {
      if (rules.kick_not_later) {
        const uint64_t next_tick = o.add(k->jiffies, 1);
        const uint64_t bound =
            time_after(o, next_tick, k->next_balance_before) ? next_tick : k->next_balance_before;
        if (time_after(o, k->next_balance_after, bound))
          out.push_back(make_violation(
              "NOHZ-2", k->cpu, -1, line, "at most " + num(bound),
              num(k->next_balance_after) + " (" + nohz_flags_name(k->flags) + " kick)",
              "a kick must not push nohz.next_balance past both its old value and "
              "the next tick (spec/bugs.md #11)"));
      }
      if (rules.enter_idle_folds && k->needs_update && !(k->flags & kNohzNextKick))
        out.push_back(make_violation(
            "NOHZ-2", k->cpu, -1, line, "NEXT in the kick flags", nohz_flags_name(k->flags),
            "while nohz.needs_update is set every kick must ask for a "
            "nohz.next_balance refresh (NOHZ_NEXT_KICK, spec/bugs.md #12)"));
    } else if (const auto* n = std::get_if<NohzIdleEvent>(&ev)) {
      if (rules.enter_idle_folds && n->enter && !n->needs_update &&
          time_before(o, n->rq_next_balance, n->nohz_next_balance))
        out.push_back(
            make_violation("NOHZ-2", n->cpu, -1, line, "nohz.needs_update set",
                           "not set; rq->next_balance " + num(n->rq_next_balance) +
                               " before nohz.next_balance " + num(n->nohz_next_balance),
                           "a CPU entering NOHZ idle with an earlier next_balance must get "
                           "folded into nohz.next_balance (spec/bugs.md #12)"));
    }
  }
  return out;
}

std::vector<Violation> check_nohz2(const Profile& p, const std::vector<BalanceEvent>& events) {
  return check_nohz2(p, nohz_rules(p), events);
}

}  // namespace sbm
