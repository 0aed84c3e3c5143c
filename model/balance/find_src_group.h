// find_busiest_group() / sched_balance_find_src_group(): the statistics of each group of the
// domain (update_sg_lb_stats, update_sd_lb_stats), the group classification, the choice of
// the busiest group and the imbalance to move (calculate_imbalance, fix_small_imbalance),
// for each era's rule (Profile::busiest_group_rule), one file per rule:
// find_busiest_group_v2_6_20.cpp, _v2_6_32.cpp, _v4_19.cpp and _v5_5.cpp; the dispatcher and
// the helpers they share are in find_src_group.cpp. Load, util, runnable and capacity are the
// stand-ins of lb_load.h. Not modelled: SD_ASYM_PACKING, SD_ASYM_CPUCAPACITY and misfit
// tasks, EAS (rd->pd), NUMA balancing (fbq_type), the power-savings balance of 2.6.x, and
// adjust_numa_imbalance() (equivalent to imb_numa_nr = 0, which never allows an imbalance).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/balance/lb_env.h"
#include "model/profile.h"
#include "model/rq.h"

namespace sbm {

// enum group_type. v4.19 uses Other < Imbalanced < Overloaded; v5.5+ uses HasSpare ..
// Overloaded. One enum keeps both orders (Other is only used by v4.19).
enum class GroupType {
  Other,
  HasSpare,
  FullyBusy,
  Misfit,
  SmtBalance,
  AsymPacking,
  Imbalanced,
  Overloaded
};
const char* group_type_name(GroupType t);

// struct sg_lb_stats: the union of what each era computes.
struct SgLbStats {
  uint64_t avg_load = 0;
  uint64_t group_load = 0;
  uint64_t group_capacity = 0;
  uint64_t group_util = 0;
  uint64_t group_runnable = 0;
  uint64_t sum_weighted_load = 0;  // 2.6.x, v4.19
  uint64_t load_per_task = 0;      // v4.19
  unsigned sum_nr_running = 0;
  unsigned sum_h_nr_running = 0;
  unsigned idle_cpus = 0;
  unsigned group_weight = 0;
  uint64_t group_capacity_nr = 0;  // 2.6.x group_capacity in tasks (cpu_power / SCALE)
  GroupType group_type = GroupType::Other;
  bool group_no_capacity = false;   // v4.19
  bool group_has_capacity = false;  // v2.6.32
  bool group_imb = false;           // v2.6.32 (max - min CPU load > 2 * avg load per task)
  bool group_smt_balance = false;   // v6.x
  int cores = 0;                    // v6.x sg->cores
};

struct SrcGroupResult {
  int local = -1;    // index of the local group in the list
  int busiest = -1;  // index of the busiest group; -1: balanced (no group)
  int64_t imbalance = 0;
  MigrationType migration_type = MigrationType::Load;
  std::vector<SgLbStats> stats;  // per group, same order as the list
  std::string decision;          // the branch that decided, in the kernel's words
};

// sched_balance_find_src_group(env) for the era; `groups` is sched_groups_of(this_cpu,
// level). Sets env.imbalance and env.migration_type as the kernel does. For 2.6.x it also
// clears env.sd_idle when a CPU it looks at is busy.
SrcGroupResult find_src_group(const MachineState& m, const LbState& s, const Profile& era,
                              LbEnv& env, const std::vector<SchedGroup>& groups);

// The 2.6.x sd_idle update for the CPUs find_busiest_group() scanned: v2.6.20 clears it on
// a CPU that is not idle_cpu(), v2.6.32 on a CPU with nr_running. When should_we_balance()
// said no, only the local group was scanned.
void update_sd_idle(const MachineState& m, const Profile& era, LbEnv& env, const CpuMask& scanned);

// Per-era entry points (find_src_group() dispatches to them).
SrcGroupResult find_busiest_group_2620(const MachineState& m, LbEnv& env,
                                       const std::vector<SchedGroup>& groups);
SrcGroupResult find_busiest_group_2632(const MachineState& m, LbEnv& env,
                                       const std::vector<SchedGroup>& groups);
SrcGroupResult find_busiest_group_419(const MachineState& m, const LbState& s, LbEnv& env,
                                      const std::vector<SchedGroup>& groups);
SrcGroupResult find_src_group_v6(const MachineState& m, const LbState& s, LbEnv& env,
                                 const std::vector<SchedGroup>& groups);

// Shared helpers.
int local_group_index(const LbEnv& env, const std::vector<SchedGroup>& groups);
// Sum of cpu_load() over span & env->cpus (the group's load, every era).
uint64_t group_cpu_load(const MachineState& m, const CpuMask& span, const CpuMask& cpus);

// Shared by the rules before the v5.5 rework. Arithmetic is unsigned long (64-bit) as in the
// kernel, wrap-arounds included.
// SCHED_LOAD_SCALE: 1024 in every era here (the model's nice-0 weight).
inline constexpr uint64_t kSchedLoadScale = kSchedCapacityScale;
// Sum of nr_running over span & env->cpus.
uint64_t sum_nr_running(const MachineState& m, const CpuMask& span, const CpuMask& cpus);
// cpu_avg_load_per_task(cpu): the rq's load per running task, 0 when empty.
uint64_t cpu_avg_load_per_task(const Rq& rq);
// The power/capacity half of fix_small_imbalance() (v2.6.20 small_imbalance, v2.6.32 and
// v4.19 fix_small_imbalance()): moving one busiest task is worth it when the capacity
// used afterwards ("pwr_move", "capa_move") exceeds the capacity used now.
bool moving_one_task_gains(uint64_t busiest_power, uint64_t busiest_avg, uint64_t busiest_lpt,
                           uint64_t this_power, uint64_t this_avg, uint64_t this_lpt);
// "out_balanced": no busiest group, nothing to move, `why` as the decision.
SrcGroupResult balanced(SrcGroupResult r, LbEnv& env, const char* why);

}  // namespace sbm
