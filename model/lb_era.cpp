#include "model/lb_era.h"

namespace sbm {

LbEra lb_era(const Profile& p) {
  const KernelVersion v = p.version;
  LbEra e;  // the v6.17 defaults

  if (v < KernelVersion{5, 5, 0}) {
    // v4.19 kernel/sched/fair.c load_balance() and helpers.
    e.busiest_group = BusiestGroupRule::AvgLoad419;
    e.need_active = NeedActiveRule::V419;
    e.dst_grpmask_is_balance_mask = false;
    e.all_pinned_before_nr_running_test = false;
    e.detach_clears_all_pinned_on_single = false;
    e.curr_pinned_sets_all_pinned = true;
    e.out_balanced_keeps_imbalance_if_all_pinned = false;
    e.task_hot_smt_exempt = false;
    e.hot_gained_at_detach = false;
    e.active_lb_flag = false;
    e.active_sd_needs_load_balance_flag = true;
  }
  if (v < KernelVersion{5, 10, 0}) e.load_rule = DetachLoadRule::HalfWeightOverRem;  // shr_bound
  if (v < KernelVersion{4, 13, 0}) e.cpus_init = LbCpusInit::ActiveCpus;  // 65a4433aebe3
  if (v < KernelVersion{3, 0, 0}) {
    // kernel/sched.c, v2.6.32.60.
    e.busiest_group = BusiestGroupRule::AvgLoad2632;
    e.scan = DetachScan::HeadForward;
    e.limit = DetachLimit::NrMigratePlusOne;
    e.need_active = NeedActiveRule::FailedOnly;
    e.affinity_flags = false;
    e.smt_returns_minus_one = true;
    e.separate_newidle = true;
    e.active_via_stopper = false;
  }
  if (v < KernelVersion{2, 6, 23}) {
    // kernel/sched.c, v2.6.20: the O(1) scheduler.
    e.busiest_group = BusiestGroupRule::AvgLoad2620;
    e.cpus_init = LbCpusInit::AllCpus;
    e.scan = DetachScan::TailBackward;
    e.enqueue = EnqueuePosition::Tail;
    e.load_rule = DetachLoadRule::WeightOverRem;
    e.limit = DetachLimit::NrRunningMinusOne;
  }
  return e;
}

}  // namespace sbm
