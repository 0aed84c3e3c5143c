// find_busiest_queue() / sched_balance_find_src_rq(): the busiest rq of the busiest group,
// among group span & env->cpus. Ties keep the first CPU (strict ">" everywhere).
//   v2.6.20  max raw_weighted_load; skip a CPU with one task heavier than the imbalance
//   v2.6.32  max weighted_cpuload * SCALE / cpu_power; same skip (when capacity >= 1)
//   v4.19    max weighted_cpuload / capacity by cross-multiplication; same skip unless
//            check_cpu_capacity()
//   v6.17    by env->migration_type: load as v4.19 (CPUs without CFS tasks skipped),
//            util: max cpu_util among CPUs with >= 2 tasks, task: max nr_running
#pragma once

#include "model/balance/lb_env.h"
#include "model/profile.h"
#include "model/rq.h"

namespace sbm {

// Returns the busiest CPU, or -1 when none qualifies (lb_nobusyq).
int find_src_rq(const MachineState& m, const Profile& era, const LbEnv& env,
                const SchedGroup& group);

}  // namespace sbm
