// Moving tasks: task_hot(), can_migrate_task(), detach_tasks() (v3.x+) and its ancestors
// move_tasks() (v2.6.20) and balance_tasks() (v2.6.32), attach_tasks(), detach_one_task().
//
// Rq::tasks is rq->cfs_tasks in list order, front = list head. Enqueue puts a task at the
// head (list_add, v2.6.32+) or at the tail of its priority queue (v2.6.20); the scans start
// where the era's did (Profile::detach_scan). Every task has nice-0 priority in the model, so
// v2.6.20's priority rules reduce to "an idle dst takes its first task whatever its weight".
//
// Not modelled in can_migrate_task(): delayed dequeue, throttled cfs_rq pairs, ineligible
// tasks (PLACE_LAG), per-CPU kthreads, proxy execution, NUMA locality, the cache-hot buddy
// and core-cookie tests of task_hot(): the model's tasks have none of those attributes.
#pragma once

#include <optional>

#include "model/balance/lb_env.h"
#include "model/profile.h"
#include "model/rq.h"

namespace sbm {

// task_hot(): se.exec_start within sysctl_sched_migration_cost of rq_clock_task() (-1: always
// hot, 0: never); not hot for SCHED_IDLE tasks, nor (v6.17) on SD_SHARE_CPUCAPACITY domains.
// v2.6.20 compared against sd->cache_hot_time; the model uses the migration cost there too.
bool task_hot(const MachineState& m, const Profile& era, const LbEnv& env, const Task& p);

struct MigrateVerdict {
  bool can = false;
  bool hot = false;  // cache-hot but forced by nr_balance_failed > cache_nice_tries
};

// can_migrate_task(p, env): affinity (LBF_SOME_PINNED, LBF_DST_PINNED + new_dst_cpu from
// dst_grpmask & env->cpus & p->cpus_ptr, unless NEWLY_IDLE / already DST_PINNED / active),
// clears LBF_ALL_PINNED for a task allowed on dst, refuses the running task, migrates an
// LBF_ACTIVE_LB task at once, else when cold or nr_balance_failed > cache_nice_tries.
MigrateVerdict can_migrate_task(const MachineState& m, const Profile& era, LbEnv& env,
                                const Task& p);

// The per-round bound MIG-4 checks: loop_max = min(sysctl_sched_nr_migrate, nr_running)
// tasks examined (3.x+), sysctl_sched_nr_migrate + 1 examined (v2.6.32's "loops++ >"),
// nr_running - 1 tasks moved (v2.6.20's max_nr_move).
unsigned detach_limit(const Profile& era, unsigned src_nr_running);

// One detach pass from env.src_cpu's rq into env.tasks (moving up to env.imbalance of
// load / util / tasks), with env.loop, loop_break, LBF_NEED_BREAK and LBF_ALL_PINNED kept
// as the era does; lb_gained and lb_hot_gained counted. Emits a DetachPassEvent. Returns the
// number of tasks detached.
unsigned detach_tasks(MachineState& m, const Profile& era, LbEnv& env, BalanceEventSink& sink);

// attach_tasks(): env.tasks onto env.dst_cpu's rq in list order, one TaskMigrateEvent each.
void attach_tasks(MachineState& m, const Profile& era, LbEnv& env, BalanceEventSink& sink);

// detach_one_task() (active balance): the first movable task from the tail (v2.6.20 and
// v3.x+) or the head (v2.6.32), counted in lb_gained; it is left in env.tasks.
bool detach_one_task(MachineState& m, const Profile& era, LbEnv& env);

}  // namespace sbm
