// The kernel-era switches of load_balance() / sched_balance_rq() that Profile (profile.h)
// does not carry yet, derived from the profile's version. Profile already has the ones the
// periodic pass shares (should_we_balance, move_locking, lock_order, the balance_interval
// back-off, active balance doubling and forced failure); this struct adds the ones only the
// balance of one domain reads. Each field names the kernel trees it was read in
// (spec/load-balance.md, "Per-era behaviour"): v2.6.20, v2.6.32 (v2.6.32.60), v4.19 and
// v6.17. Boundaries between those trees carry a commit id where one is known;
// otherwise the switch only promises the behaviour of the trees named.
#pragma once

#include "model/profile.h"

namespace sbm {

// How the busiest group is chosen and the imbalance computed.
enum class BusiestGroupRule {
  AvgLoad2620,  // v2.6.20 find_busiest_group(): max avg_load among groups with
                // sum_nr_running > cpu_power/SCHED_LOAD_SCALE, small_imbalance
  AvgLoad2632,  // v2.6.32 update_sd_lb_stats()/find_busiest_group(): sd_lb_stats,
                // group_imb from max-min CPU load, load_above_capacity, fix_small_imbalance
  AvgLoad419,   // v4.19: group_type {other, imbalanced, overloaded}, avg_load comparison,
                // fix_small_imbalance
  GroupType55,  // v5.5 (0b0695f2b34a) rework, as in v6.17: group_type has_spare ..
                // overloaded, migration_type load/util/task/misfit
};

// The first value of env->cpus (the CPUs a busiest rq may be taken from).
enum class LbCpusInit {
  AllCpus,        // v2.6.20: cpumask_t cpus = CPU_MASK_ALL
  ActiveCpus,     // v2.6.32 .. v4.12: cpu_active_mask (spec/bugs.md #17)
  SpanAndActive,  // v4.13 (65a4433aebe3): sched_domain_span(sd) & cpu_active_mask
};

// The order in which candidate tasks on the busiest rq are examined.
enum class DetachScan {
  TailBackward,  // v2.6.20 move_tasks(): from the tail of the priority queue backwards
  HeadForward,   // v2.6.32 balance_tasks(): the CFS iterator from the head of cfs_rq->tasks
  TailRotate,    // v3.x+ detach_tasks(): list_last_entry(cfs_tasks), rejected tasks moved to
                 // the head (list_move), so the tail is examined each time
};

// Where enqueue puts a task on the rq's list (attach_task / pull_task).
enum class EnqueuePosition {
  Tail,  // v2.6.20 enqueue_task(): list_add_tail on the priority queue
  Head,  // v2.6.32+ account_entity_enqueue(): list_add(&se->group_node, ...)
};

// The per-task load test that skips a task that would move too much.
enum class DetachLoadRule {
  WeightOverRem,      // v2.6.20: load_weight > rem_load_move, unless the task would be the
                      // highest-priority task on an idle dst (see detach_tasks.cpp)
  HalfWeightOverRem,  // v2.6.32 (weight >> 1 > rem), v4.19 (load / 2 > imbalance)
  ShrBound,           // v5.10+: shr_bound(load, nr_balance_failed) > imbalance
};

// How many tasks one detach pass may examine.
enum class DetachLimit {
  NrRunningMinusOne,  // v2.6.20: max_nr_move = busiest->nr_running - 1 (tasks moved)
  NrMigratePlusOne,   // v2.6.32: "loops++ > sysctl_sched_nr_migrate": 33 examined
  LoopMax,            // v3.x+: loop_max = min(sysctl_sched_nr_migrate, nr_running) examined,
                      // with loop_break / LBF_NEED_BREAK every SCHED_NR_MIGRATE_BREAK
};

// need_active_balance().
enum class NeedActiveRule {
  FailedOnly,  // v2.6.20, v2.6.32: nr_balance_failed > cache_nice_tries + 2
  V419,        // v4.19: NEWLY_IDLE asym packing; idle dst and a src with one CFS task on
               // reduced capacity; nr_balance_failed > cache_nice_tries + 2
  V6,          // v6.17: asym; migrate_task && failed > tries + 2; idle dst and reduced src
               // capacity; migrate_misfit
};

struct LbEra {
  BusiestGroupRule busiest_group = BusiestGroupRule::GroupType55;
  LbCpusInit cpus_init = LbCpusInit::SpanAndActive;
  DetachScan scan = DetachScan::TailRotate;
  EnqueuePosition enqueue = EnqueuePosition::Head;
  DetachLoadRule load_rule = DetachLoadRule::ShrBound;
  DetachLimit limit = DetachLimit::LoopMax;
  NeedActiveRule need_active = NeedActiveRule::V6;

  unsigned sysctl_sched_nr_migrate = 32;  // 2.6.24+ (unused by v2.6.20)
  unsigned nr_migrate_break = 32;         // sched_nr_migrate_break (v4.19),
                                          // SCHED_NR_MIGRATE_BREAK (6.1+, 8 on PREEMPT_RT)

  // LBF_SOME_PINNED / LBF_DST_PINNED / new_dst_cpu and sd_parent->groups->sgc->imbalance
  // (group_imbalanced): present in v4.19 and v6.17, absent in v2.6.x.
  bool affinity_flags = true;
  // env->dst_grpmask: group_balance_mask(sd->groups) in v6.17, sched_group_span() in v4.19.
  bool dst_grpmask_is_balance_mask = true;
  // v6.17 sets LBF_ALL_PINNED before "if (busiest->nr_running > 1)"; v4.19 inside it.
  bool all_pinned_before_nr_running_test = true;
  // v6.17 detach_tasks(): "src nr_running <= 1 -> clear LBF_ALL_PINNED, return 0"; not v4.19.
  bool detach_clears_all_pinned_on_single = true;
  // active-balance kick refused because busiest->curr is pinned: v2.6.x and v4.19 set
  // all_pinned before out_one_pinned; v6.17 does not.
  bool curr_pinned_sets_all_pinned = false;
  // out_balanced: v6.17 clears the parent's group imbalance only "if !(LBF_ALL_PINNED)";
  // v4.19 clears it unconditionally.
  bool out_balanced_keeps_imbalance_if_all_pinned = true;
  // v2.6.x: load_balance() returns -1 when nothing moved on an SD_SHARE_CPUPOWER domain that
  // is not sd_idle (the SMT "pretend we are busy" rule).
  bool smt_returns_minus_one = false;
  // v2.6.x: CPU_NEWLY_IDLE is balanced by load_balance_newidle(), a separate function: no
  // active balance, no balance_interval back-off, -1 on failure (v2.6.32 always, v2.6.20 on
  // a busy SMT domain), and v2.6.20 retries another busiest whenever nothing moved.
  bool separate_newidle = false;
  // v6.17 task_hot(): "SMT siblings share cache" -> not hot on SD_SHARE_CPUCAPACITY domains;
  // v4.19 has no such test.
  bool task_hot_smt_exempt = true;
  // lb_hot_gained counted in detach_task() (v6.17; schedstat v17 counts hot tasks actually
  // detached); v2.6.x and v4.19 count it in can_migrate_task().
  bool hot_gained_at_detach = true;
  // active_load_balance_cpu_stop() marks its env LBF_ACTIVE_LB (v5.13+), so can_migrate_task
  // skips the cache-hot test; v4.19 lies with LBF_DST_PINNED and still tests hotness.
  bool active_lb_flag = true;
  // Active balance goes through the cpu stopper (stop_one_cpu_nowait +
  // active_load_balance_cpu_stop, about 2.6.35) instead of waking migration_thread (2.6.x).
  bool active_via_stopper = true;
  // active_load_balance() of 2.6.x / v4.19 only takes a domain with SD_LOAD_BALANCE.
  bool active_sd_needs_load_balance_flag = false;
  // CONFIG_PREEMPTION: detach_tasks() stops after one task for NEWLY_IDLE, and
  // double_lock_balance() always drops this_rq. Off by default (a server kernel).
  bool config_preempt = false;
};

// The switches for a profile (by its version; see the field comments for the trees).
LbEra lb_era(const Profile& p);

}  // namespace sbm
