// load_balance() / sched_balance_rq(this_cpu, this_rq, sd, idle, &continue_balancing): the
// balance of one domain, for every modelled era (spec/load-balance.md walks through it).
//
//   lb_count[idle]++; env->cpus = the era's first set (Profile::lb_cpus_init)
//   redo:  should_we_balance() or clear continue_balancing -> out_balanced
//          [v6.19] SD_SERIALIZE token (sched_balance_serialize.h) or -> out_balanced
//          find_src_group() or lb_nobusyg -> out_balanced; find_src_rq() or lb_nobusyq
//          LBF_ALL_PINNED; if busiest has > 1 task: loop_max, then
//   more_balance: detach under the busiest lock and attach under the dst lock (both rq
//          locks at once in 2.6.x); LBF_NEED_BREAK -> more_balance; LBF_DST_PINNED ->
//          new dst, more_balance; LBF_SOME_PINNED -> parent group imbalance; LBF_ALL_PINNED
//          -> drop busiest from env->cpus and redo, or out_all_pinned (out_balanced <= 4.12)
//   nothing moved: lb_failed++, nr_balance_failed++ (not NEWLY_IDLE), active balance
//          (active_balance.h); moved: nr_balance_failed = 0; balance_interval reset (or
//          doubled after an active-balance kick, <= 5.11)
//   out_balanced: clear the parent's group imbalance; out_all_pinned: lb_balanced++,
//          nr_balance_failed = 0; out_one_pinned: the back-off of balance_interval.h
//   out:   [v6.19] release the token; return the tasks moved (2.6.32: 1 when any load
//          moved; 2.6.x: -1 on a busy SMT domain that moved nothing)
#pragma once

#include "model/balance/lb_env.h"
#include "model/balance/sched_balance_domains.h"
#include "model/balance_event.h"
#include "model/profile.h"
#include "model/rq.h"

namespace sbm {

BalanceOutcome sched_balance_rq(MachineState& m, LbState& s, const Profile& era,
                                const BalanceCall& call, bool& continue_balancing,
                                BalanceEventSink& sink);

// The model's load_balance(), for the periodic pass (sched_balance_domains.h) and the NOHZ
// idle balancer. Holds the state balancing keeps across calls; run_stopper_work() of
// active_balance.h takes the same state for the queued active balances.
class LoadBalancer final : public SchedBalanceRq {
 public:
  explicit LoadBalancer(const MachineState& m) : state(make_lb_state(m)) {}

  BalanceOutcome balance(MachineState& m, const BalanceCall& call, bool& continue_balancing,
                         BalanceEventSink& sink) override {
    return sched_balance_rq(m, state, m.profile, call, continue_balancing, sink);
  }

  LbState state;
};

}  // namespace sbm
