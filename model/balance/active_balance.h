// Active balance: when load_balance() moved nothing and need_active_balance() says the
// running task itself should move, it queues work on the busiest CPU (the cpu stopper's
// active_load_balance_cpu_stop() via stop_one_cpu_nowait(), about 2.6.35+; waking
// migration_thread, which calls active_load_balance(), in 2.6.x). That work runs later, as
// its own step on the busiest CPU: run_stopper_work().
//
// Sources: v6.17 need_active_balance(), sched_balance_rq(), active_load_balance_cpu_stop()
// (kernel/sched/fair.c, v6.17); v4.19 the same functions (kernel/sched/fair.c, v4.19);
// v2.6.20 / v2.6.32 load_balance() and
// active_load_balance() (kernel/sched.c).
#pragma once

#include "model/balance/lb_env.h"
#include "model/balance_event.h"
#include "model/profile.h"
#include "model/rq.h"

namespace sbm {

// need_active_balance(env) for the era (Profile::need_active_rule). The model has no asymmetric
// packing, no reduced CPU capacity and no misfit task, so what remains is the
// nr_balance_failed > cache_nice_tries + 2 test (v6.17: only for migrate_task).
bool need_active_balance(const MachineState& m, const Profile& era, const LbEnv& env);

enum class ActiveKick {
  CurrPinned,     // busiest->curr may not run on this_cpu: out_one_pinned
  Queued,         // busiest->active_balance set, push_cpu = this_cpu, work queued
  AlreadyActive,  // work already queued on busiest; nothing new
};

// The kick, under busiest's rq lock (lock events emitted). Clears LBF_ALL_PINNED when the
// running task may move; sets it when not, where the era does
// (Profile::curr_pinned_sets_all_pinned).
ActiveKick kick_active_balance(MachineState& m, LbState& s, const Profile& era, LbEnv& env,
                               BalanceEventSink& sink);

struct ActiveBalanceRun {
  bool ran = false;  // some work was queued
  int pid = 0;       // the task pushed, 0 when none
};

// active_load_balance_cpu_stop(busiest_rq) / migration_thread + active_load_balance():
// aborts when a CPU went inactive (stopper era), the flag was cleared, or busiest has at
// most one task; otherwise detach_one_task() from busiest to push_cpu within the lowest
// domain of push_cpu spanning busiest; alb_count / alb_pushed / alb_failed; clears
// busiest->active_balance. Emits lock, migrate and ActiveBalanceEvent Run events.
ActiveBalanceRun active_load_balance_cpu_stop(MachineState& m, LbState& s, const Profile& era,
                                              int busiest_cpu, BalanceEventSink& sink);

// Runs the oldest queued active-balance work, if any.
ActiveBalanceRun run_stopper_work(MachineState& m, LbState& s, const Profile& era,
                                  BalanceEventSink& sink);

}  // namespace sbm
