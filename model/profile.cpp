#include "model/profile.h"

namespace sbm {

namespace {

// v2.6.20, kernel/sched.c: scheduler_tick() raises SCHED_SOFTIRQ
// when time_after_eq(jiffies, rq->next_balance); run_rebalance_domains() holds the whole
// loop inline. (In -mm the first step of this series was a tasklet; no release shipped it.)
Profile v2_6_20() {
  Profile p;
  p.name = "v2.6.20";
  p.version = {2, 6, 20};
  p.description =
      "first rq->next_balance + SCHED_SOFTIRQ (vec 6), global 'balancing' trylock, no NOHZ";
  p.names = {"scheduler_tick",
             "scheduler_tick",
             "run_rebalance_domains",
             "run_rebalance_domains",
             "load_balance",
             "idle_balance",
             "",
             "balancing"};
  p.config_no_hz = false;
  p.sched_softirq_vec = 6;
  p.idle_type_order = IdleTypeOrder::IdleNotIdleNewly;
  p.schedstat_version = 14;
  p.idle_sampling = IdleSampling::InSoftirq;
  p.trigger_checks_null_domain = false;
  p.trigger_checks_cpu_active = false;
  p.skip_domain_without_load_balance = true;
  p.continue_check = ContinueCheck::BottomBreak;
  p.need_decay = NeedDecay::None;
  p.sched_idle_cpu_is_idle = false;
  p.idle_after_pull = IdleAfterPull::NotIdle;
  p.recompute_interval_after_balance = false;
  p.next_balance_write = NextBalanceWrite::Always;
  p.pass_folds_nohz_next_balance = false;
  p.interval_cap = IntervalCap::None;
  p.busy_interval_minus_one = false;
  p.serialize_token = SerializeToken::BalancingSpinlock;
  p.serialize_placement = SerializePlacement::BeforeDueTest;
  p.serialize_newidle = false;
  p.serialize_levels = SerializeLevels::NodeInitMacros;
  p.backoff_skips_newidle = true;
  p.backoff_skips_misfit = false;
  p.active_balance_doubles_interval = true;
  p.active_balance_forces_failed = true;
  p.should_we_balance = ShouldWeBalance::FirstIdleOfLocalGroup;
  p.move_locking = MoveLocking::BothRqLocks;
  p.lock_order = LockOrder::RqAddress;
  p.busiest_group_rule = BusiestGroupRule::AvgLoad2620;
  p.lb_cpus_init = LbCpusInit::AllCpus;
  p.detach_scan = DetachScan::TailBackward;
  p.enqueue_position = EnqueuePosition::Tail;
  p.detach_load_rule = DetachLoadRule::WeightOverRem;
  p.detach_limit = DetachLimit::NrRunningMinusOne;
  p.need_active_rule = NeedActiveRule::FailedOnly;
  p.affinity_flags = false;
  p.dst_grpmask_is_balance_mask = false;
  p.all_pinned_before_nr_running_test = false;
  p.detach_clears_all_pinned_on_single = false;
  p.curr_pinned_sets_all_pinned = true;
  p.out_balanced_keeps_imbalance_if_all_pinned = false;
  p.smt_returns_minus_one = true;
  p.separate_newidle = true;
  p.task_hot_smt_exempt = false;
  p.hot_gained_at_detach = false;
  p.active_lb_flag = false;
  p.active_via_stopper = false;
  p.active_sd_needs_load_balance_flag = true;
  p.nohz_model = NohzModel::None;
  p.nohz_pass_before_local = false;
  p.nohz_kick_next_balance = NohzKickNextBalance::None;
  p.ilb_walk = IlbWalk::None;
  p.newidle_next_balance_horizon_hz = 60;
  return p;
}

// v2.6.32, kernel/sched.c (v2.6.32.60): trigger_load_balance() with the
// nohz.load_balancer owner branches, rebalance_domains(cpu, idle) with the HZ*NR_CPUS/10
// cap and update_next_balance, run_rebalance_domains() reading rq->idle_at_tick.
Profile v2_6_32() {
  Profile p = v2_6_20();
  p.name = "v2.6.32";
  p.version = {2, 6, 32};
  p.description =
      "CFS era: idle_at_tick, HZ*NR_CPUS/10 cap, update_next_balance, nohz.load_balancer owner";
  p.names = {"scheduler_tick", "trigger_load_balance", "run_rebalance_domains", "rebalance_domains",
             "load_balance",   "idle_balance",         "idle_at_tick",          "balancing"};
  p.config_no_hz = true;
  p.sched_softirq_vec = 7;
  p.schedstat_version = 15;
  p.idle_sampling = IdleSampling::AtTick;
  p.trigger_checks_null_domain = true;
  p.next_balance_write = NextBalanceWrite::IfUpdated;
  p.interval_cap = IntervalCap::NrCpus;
  p.busiest_group_rule = BusiestGroupRule::AvgLoad2632;
  p.lb_cpus_init = LbCpusInit::ActiveCpus;
  p.detach_scan = DetachScan::HeadForward;
  p.enqueue_position = EnqueuePosition::Head;
  p.detach_load_rule = DetachLoadRule::HalfWeightOverRem;
  p.detach_limit = DetachLimit::NrMigratePlusOne;
  p.nohz_model = NohzModel::OwnerLoadBalancer;
  p.nohz_pass_before_local = false;
  p.ilb_walk = IlbWalk::OwnerMaskSkipSelf;
  p.newidle_next_balance_horizon_hz = 1;
  return p;
}

// v4.19, kernel/sched/fair.c: rebalance_domains(rq, idle)
// with sticky need_decay, interval recompute, idle re-evaluated after a pull, the
// nohz.next_balance fold; run_rebalance_domains() runs nohz_idle_balance() first.
Profile v4_19() {
  Profile p = v2_6_32();
  p.name = "v4.19";
  p.version = {4, 19, 0};
  p.description =
      "continue_balancing + sticky need_decay, max_load_balance_interval, ILB kick before the "
      "local pass";
  p.names = {"scheduler_tick", "trigger_load_balance", "run_rebalance_domains", "rebalance_domains",
             "load_balance",   "idle_balance",         "idle_balance",          "balancing"};
  p.continue_check = ContinueCheck::TopBreakUnlessDecay;
  p.need_decay = NeedDecay::Sticky;
  p.idle_after_pull = IdleAfterPull::ReEvaluate;
  p.recompute_interval_after_balance = true;
  p.pass_folds_nohz_next_balance = true;
  p.interval_cap = IntervalCap::OnlineCpus;
  p.serialize_levels = SerializeLevels::EveryNumaLevel;
  p.backoff_skips_newidle = false;
  p.should_we_balance = ShouldWeBalance::FirstIdleOfBalanceMask;
  p.move_locking = MoveLocking::DetachAttachOneLock;
  p.busiest_group_rule = BusiestGroupRule::AvgLoad419;
  p.lb_cpus_init = LbCpusInit::SpanAndActive;
  p.detach_scan = DetachScan::TailRotate;
  p.detach_limit = DetachLimit::LoopMax;
  p.need_active_rule = NeedActiveRule::V419;
  p.affinity_flags = true;
  p.smt_returns_minus_one = false;
  p.separate_newidle = false;
  p.active_via_stopper = true;
  p.nohz_model = NohzModel::KickIdleLoadBalancer;
  p.nohz_pass_before_local = true;
  p.nohz_kick_next_balance = NohzKickNextBalance::Increment;
  p.ilb_walk = IlbWalk::AscendingSelfLast;
  p.ilb_select = IlbSelect::FirstOfMaskIfIdle;
  p.ilb_delivery = IlbDelivery::ReschedIpi;
  p.nohz_needs_update = false;
  return p;
}

// v6.17, kernel/sched/fair.c: sched_balance_domains(),
// sched_balance_trigger() with !cpu_active, busy interval - 1, per-iteration need_decay,
// sched_balance_running cmpxchg before the due test.
Profile v6_17() {
  Profile p = v4_19();
  p.name = "v6.17";
  p.version = {6, 17, 0};
  p.description =
      "sched_balance_* names, atomic sched_balance_running before the due test, busy interval - 1";
  p.names = {"sched_tick",
             "sched_balance_trigger",
             "sched_balance_softirq",
             "sched_balance_domains",
             "sched_balance_rq",
             "sched_balance_newidle",
             "idle_balance",
             "sched_balance_running"};
  p.idle_type_order = IdleTypeOrder::NotIdleIdleNewly;
  p.schedstat_version = 17;
  p.trigger_checks_cpu_active = true;
  p.skip_domain_without_load_balance = false;
  p.need_decay = NeedDecay::PerIteration;
  p.sched_idle_cpu_is_idle = true;
  p.pass_folds_nohz_next_balance = false;
  p.busy_interval_minus_one = true;
  p.serialize_token = SerializeToken::SchedBalanceRunning;
  p.backoff_skips_newidle = true;
  p.backoff_skips_misfit = true;
  p.active_balance_doubles_interval = false;
  p.active_balance_forces_failed = false;
  p.should_we_balance = ShouldWeBalance::IdleCoreFirst;
  p.lock_order = LockOrder::RqOrderLess;
  p.busiest_group_rule = BusiestGroupRule::GroupType55;
  p.detach_load_rule = DetachLoadRule::ShrBound;
  p.need_active_rule = NeedActiveRule::V6;
  p.dst_grpmask_is_balance_mask = true;
  p.all_pinned_before_nr_running_test = true;
  p.detach_clears_all_pinned_on_single = true;
  p.curr_pinned_sets_all_pinned = false;
  p.out_balanced_keeps_imbalance_if_all_pinned = true;
  p.task_hot_smt_exempt = true;
  p.hot_gained_at_detach = true;
  p.active_lb_flag = true;
  p.active_sd_needs_load_balance_flag = false;
  p.nohz_kick_next_balance = NohzKickNextBalance::JiffiesPlusOneOnBalance;
  p.ilb_walk = IlbWalk::WrapFromNext;
  p.ilb_select = IlbSelect::FirstIdleOtherThanSelf;
  p.ilb_delivery = IlbDelivery::NohzCsd;
  p.nohz_needs_update = true;
  return p;
}

// v6.19 (also 6.18.y stable): 3324b2180c17 moves the token into sched_balance_rq() after
// should_we_balance(), only when due; 522fb20fbdbe applies it to NEWLY_IDLE too.
Profile v6_19() {
  Profile p = v6_17();
  p.name = "v6.19";
  p.version = {6, 19, 0};
  p.description = "sched_balance_running taken in sched_balance_rq() when due, NEWLY_IDLE included";
  p.serialize_placement = SerializePlacement::InSchedBalanceRq;
  p.serialize_newidle = true;
  return p;
}

const std::vector<Profile>& builtin_profiles() {
  static const std::vector<Profile> all = {v2_6_20(), v2_6_32(), v4_19(), v6_17(), v6_19()};
  return all;
}

}  // namespace

Profile era_profile(const Profile& p) {
  ProfileLookup era = find_profile(p.name, ProfileOptions{p.hz, p.jiffies_bits, p.nr_cpus});
  if (!era.profile) {  // not a built-in name: p as it is, without its mutant
    Profile q = p;
    q.mutant = Mutant::None;
    return q;
  }
  return *era.profile;
}

ProfileLookup find_profile(std::string_view name, const ProfileOptions& options) {
  ProfileLookup r;
  std::string_view bare = name;
  if (!bare.empty() && (bare.front() == 'v' || bare.front() == 'V')) bare.remove_prefix(1);
  for (const Profile& p : builtin_profiles()) {
    if (std::string_view(p.name).substr(1) != bare) continue;
    Profile chosen = p;
    if (options.hz) {
      if (*options.hz == 0 || *options.hz > 10000) {
        r.error = "HZ must be between 1 and 10000, found " + std::to_string(*options.hz);
        return r;
      }
      chosen.hz = *options.hz;
    }
    if (options.jiffies_bits) {
      if (*options.jiffies_bits != 32 && *options.jiffies_bits != 64) {
        r.error = "jiffies width must be 32 or 64, found " + std::to_string(*options.jiffies_bits);
        return r;
      }
      chosen.jiffies_bits = *options.jiffies_bits;
    }
    if (options.nr_cpus) {
      if (*options.nr_cpus == 0) {
        r.error = "NR_CPUS must be at least 1";
        return r;
      }
      chosen.nr_cpus = *options.nr_cpus;
    }
    r.profile = std::move(chosen);
    return r;
  }
  std::string known;
  for (const std::string& n : profile_names()) known += (known.empty() ? "" : ", ") + n;
  r.error = "unknown profile '" + std::string(name) + "' (known: " + known + ")";
  return r;
}

std::vector<std::string> profile_names() {
  std::vector<std::string> names;
  for (const Profile& p : builtin_profiles()) names.push_back(p.name);
  return names;
}

std::optional<std::string> profile_for_release(KernelVersion release) {
  std::optional<std::string> chosen;
  for (const Profile& p : builtin_profiles())  // oldest first
    if (p.version <= release) chosen = p.name;
  return chosen;
}

}  // namespace sbm
