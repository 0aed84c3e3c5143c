// struct lb_env (kernel/sched/fair.c, v4.19 and v6.17) and the state load balancing keeps
// beyond MachineState: the rq locks, sched_group_capacity::imbalance, and the queued
// active-balance work. The 2.6.x functions passed the same facts as arguments (this_cpu,
// busiest, imbalance, cpus, all_pinned); the model uses one env for every era.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "model/balance/rq_lock.h"
#include "model/balance_event.h"
#include "model/cpumask.h"
#include "model/profile.h"
#include "model/rq.h"

namespace sbm {

// LBF_* (kernel/sched/fair.c, v6.17; v2.6.x kept all_pinned in a local).
inline constexpr unsigned kLbfAllPinned = 0x01;
inline constexpr unsigned kLbfNeedBreak = 0x02;
inline constexpr unsigned kLbfDstPinned = 0x04;
inline constexpr unsigned kLbfSomePinned = 0x08;
inline constexpr unsigned kLbfActiveLb = 0x10;

// enum migration_type (v5.5+). Earlier eras move weighted load only (Load).
enum class MigrationType { Load, Util, Task, Misfit };
const char* migration_type_name(MigrationType t);

struct LbEnv {
  int this_cpu = -1;  // whose domain is balanced; sd = rq(this_cpu).sd[level]
  int level = 0;
  int executing_cpu = -1;  // the CPU running the code (this_cpu, or a NOHZ ILB for it)
  int dst_cpu = -1;        // where tasks go; LBF_DST_PINNED may move it to new_dst_cpu
  int src_cpu = -1;        // the busiest rq
  CpuMask dst_grpmask;
  int new_dst_cpu = -1;
  CpuIdleType idle = CpuIdleType::NotIdle;
  long imbalance = 0;
  CpuMask cpus;  // the CPUs still considered as busiest
  unsigned flags = 0;
  unsigned loop = 0;
  unsigned loop_break = 0;
  unsigned loop_max = 0;
  MigrationType migration_type = MigrationType::Load;
  std::vector<Task> tasks;  // detached, waiting for attach_tasks(); front = list head
  bool sd_idle = false;     // v2.6.x: the SMT domain counts as idle (load_balance -1 rule)
  bool active = false;      // the env of active_load_balance_cpu_stop()

  // Bookkeeping for DetachPassEvent (MIG-4).
  uint64_t balance_seq = 0;
  int round = 0;
  unsigned round_nr_running = 0;
  unsigned examined = 0;  // tasks given to can_migrate_task() this round (env->loop also
                          // counts the increments that end a pass)
};

// env->sd.
inline const RqDomain& env_domain(const MachineState& m, const LbEnv& env) {
  return m.rq(env.this_cpu).sd.at(static_cast<size_t>(env.level));
}
inline RqDomain& env_domain(MachineState& m, const LbEnv& env) {
  return m.rq(env.this_cpu).sd.at(static_cast<size_t>(env.level));
}

// sd->parent->groups->sgc->imbalance, keyed by the parent's level and its local group span:
// every CPU whose parent level has a local group with that span shares one
// sched_group_capacity, as the kernel's sgc is shared by identical groups.
using SgcKey = std::pair<int, CpuMask>;

struct LbState {
  RqLocks locks;
  std::map<SgcKey, bool> sgc_imbalance;
  std::vector<int> stopper_work;  // CPUs with queued active-balance work, oldest first
  uint64_t balance_seq = 0;       // counts sched_balance_rq() calls and stopper runs
};

// LbState for a machine: the default lock layout, nothing queued, no group imbalance.
LbState make_lb_state(const MachineState& m);

// sg_imbalanced(group) for the group of domain `level` with span `span`.
bool sgc_imbalanced(const LbState& s, int level, const CpuMask& span);

}  // namespace sbm
