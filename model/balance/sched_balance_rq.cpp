#include "model/balance/sched_balance_rq.h"

#include <algorithm>

#include "model/balance/active_balance.h"
#include "model/balance/balance_interval.h"
#include "model/balance/detach_tasks.h"
#include "model/balance/find_src_group.h"
#include "model/balance/find_src_rq.h"
#include "model/balance/lb_groups.h"
#include "model/balance/rq_lock.h"
#include "model/balance/sched_balance_serialize.h"
#include "model/balance/should_we_balance.h"

namespace sbm {

namespace {

// Where the redo loop left: the unbalanced tail ("nothing moved" / "moved"), or one of the
// balanced labels.
enum class Exit { Unbalanced, OutBalanced, OutAllPinned };

// The locals of one sched_balance_rq() call.
struct Balance {
  MachineState& m;
  LbState& s;
  const Profile& era;
  BalanceEventSink& sink;
  LbEnv env;
  std::vector<SchedGroup> groups;
  int local = -1;
  int64_t ld_moved = 0;
  bool active_balance = false;
  bool need_unlock = false;  // v6.19: holds sched_balance_running
  bool serialize_busy = false;
  bool not_designated = false;  // should_we_balance() said another CPU balances

  const Profile& p() const { return m.profile; }
  RqDomain& sd() { return env_domain(m, env); }
  bool has_parent() const {
    return static_cast<size_t>(env.level + 1) < m.rq(env.this_cpu).sd.size();
  }
  int stat() const { return SdStats::index(env.idle); }
};

// env->cpus at the start (Profile::lb_cpus_init).
CpuMask initial_cpus(const MachineState& m, const Profile& era, const CpuMask& span) {
  switch (era.lb_cpus_init) {
    case LbCpusInit::AllCpus:
      return CpuMask::range(0, m.nr_cpu_ids() - 1);
    case LbCpusInit::ActiveCpus:
      return m.active;
    case LbCpusInit::SpanAndActive:
      return span & m.active;
  }
  return span & m.active;
}

// sd_parent->groups->sgc: the parent's local group.
SgcKey parent_group_key(const Balance& b) {
  return {b.env.level + 1, local_group_span(b.m, b.env.this_cpu, b.env.level + 1)};
}

// v2.6.x: "!sd_idle && sd->flags & SD_SHARE_CPUPOWER && !test_sd_parent(sd,
// SD_POWERSAVINGS_BALANCE)": a busy SMT domain pretends it moved nothing (-1).
bool smt_busy(Balance& b) {
  if (!b.era.smt_returns_minus_one || b.env.sd_idle) return false;
  if (!b.sd().flags().has(SdFlag::ShareCpucapacity)) return false;
  if (b.has_parent()) {
    const RqDomain& parent = b.m.rq(b.env.this_cpu).sd[static_cast<size_t>(b.env.level + 1)];
    if (parent.flags().has(SdFlag::PowersavingsBalance)) return false;
  }
  return true;
}

// One detach + attach round of more_balance, with the era's locking. Returns the tasks moved.
unsigned move_round(Balance& b) {
  LbEnv& env = b.env;
  RqLocks& locks = b.s.locks;
  const int cpu = env.executing_cpu;
  const LockOrder order = b.p().lock_order;
  const std::string site = b.p().names.balance;
  unsigned moved = 0;
  if (b.p().move_locking == MoveLocking::BothRqLocks) {
    if (env.idle == CpuIdleType::NewlyIdle) {
      // load_balance_newidle(): schedule() holds this_rq; double_lock_balance() takes busiest.
      locks.lock(cpu, env.dst_cpu, "schedule", b.sink);
      double_lock_balance(order, b.era.config_preempt, locks, cpu, env.dst_cpu, env.src_cpu,
                          b.sink);
      moved = detach_tasks(b.m, b.era, env, b.sink);
      attach_tasks(b.m, b.era, env, b.sink);
      double_unlock_balance(locks, cpu, env.dst_cpu, env.src_cpu, b.sink);
      locks.unlock(cpu, env.dst_cpu, "schedule", b.sink);
    } else {
      double_rq_lock(order, locks, cpu, env.dst_cpu, env.src_cpu, b.sink);
      moved = detach_tasks(b.m, b.era, env, b.sink);  // pull_task() under both locks
      attach_tasks(b.m, b.era, env, b.sink);
      double_rq_unlock(locks, cpu, env.dst_cpu, env.src_cpu, b.sink);
    }
    return moved;
  }
  // ~3.18+: detach under the busiest lock (TASK_ON_RQ_MIGRATING), attach under the dst lock.
  locks.lock(cpu, env.src_cpu, "detach_tasks", b.sink);
  moved = detach_tasks(b.m, b.era, env, b.sink);
  locks.unlock(cpu, env.src_cpu, "detach_tasks", b.sink);
  if (moved) {
    locks.lock(cpu, env.dst_cpu, "attach_tasks", b.sink);
    attach_tasks(b.m, b.era, env, b.sink);
    locks.unlock(cpu, env.dst_cpu, "attach_tasks", b.sink);
  }
  return moved;
}

// The moves from one busiest rq: more_balance with LBF_NEED_BREAK and LBF_DST_PINNED.
void more_balance(Balance& b) {
  LbEnv& env = b.env;
  for (;;) {
    const unsigned cur = move_round(b);
    // v2.6.32 move_tasks() returns "total_load_moved > 0"; the others count tasks.
    b.ld_moved +=
        b.era.busiest_group_rule == BusiestGroupRule::AvgLoad2632 ? (cur > 0 ? 1 : 0) : cur;
    if (env.flags & kLbfNeedBreak) {  // take a breather, then go on with the same loop
      env.flags &= ~kLbfNeedBreak;
      continue;
    }
    if ((env.flags & kLbfDstPinned) && env.imbalance > 0) {
      // Move the affine tasks to another CPU of our group that they may run on.
      env.cpus.clear(env.dst_cpu);
      env.dst_cpu = env.new_dst_cpu;
      env.flags &= ~kLbfDstPinned;
      env.loop = 0;
      env.loop_break = b.era.nr_migrate_break;
      env.round++;
      env.examined = 0;
      continue;
    }
    return;
  }
}

// redo: ... up to the point where the kernel leaves for the tail or a balanced label.
Exit pull(Balance& b) {
  LbEnv& env = b.env;
  const MachineState& m = b.m;
  const SdFlags sd_flags = b.sd().flags();
  const bool newidle_26 = env.idle == CpuIdleType::NewlyIdle && b.era.separate_newidle;
  for (;;) {  // redo
    const SchedGroup& local = b.groups[static_cast<size_t>(b.local)];
    if (!should_we_balance(m, env, local, sd_flags)) {
      // 2.6.x left find_busiest_group() here, having scanned the local group only.
      if (b.era.smt_returns_minus_one) update_sd_idle(m, b.era, env, local.span & env.cpus);
      b.not_designated = true;
      return Exit::OutBalanced;
    }
    if (sched_balance_rq_serialize(b.p(), b.m.sched_balance_running, sd_flags, env.idle,
                                   env.executing_cpu, env.this_cpu, env.level, b.need_unlock,
                                   b.sink) == SerializeTry::Busy) {
      b.serialize_busy = true;
      return Exit::OutBalanced;
    }
    if (b.era.smt_returns_minus_one) update_sd_idle(m, b.era, env, b.sd().span() & env.cpus);
    const SrcGroupResult g = find_src_group(m, b.s, b.era, env, b.groups);
    if (g.busiest < 0) {
      b.sd().stats.lb_nobusyg[b.stat()]++;
      return Exit::OutBalanced;
    }
    const int busiest = find_src_rq(m, b.era, env, b.groups[static_cast<size_t>(g.busiest)]);
    if (busiest < 0) {
      b.sd().stats.lb_nobusyq[b.stat()]++;
      return Exit::OutBalanced;
    }
    SdStats& st = b.sd().stats;
    const auto imb = static_cast<unsigned long>(std::max<int64_t>(env.imbalance, 0));
    switch (env.migration_type) {  // update_lb_imbalance_stat(); one sum before v17 (6.14)
      case MigrationType::Load:
        st.lb_imbalance_load[b.stat()] += imb;
        break;
      case MigrationType::Util:
        st.lb_imbalance_util[b.stat()] += imb;
        break;
      case MigrationType::Task:
        st.lb_imbalance_task[b.stat()] += imb;
        break;
      case MigrationType::Misfit:
        st.lb_imbalance_misfit[b.stat()] += imb;
        break;
    }
    env.src_cpu = busiest;
    b.ld_moved = 0;
    if (b.era.all_pinned_before_nr_running_test) env.flags |= kLbfAllPinned;
    const unsigned nr = m.rq(busiest).nr_running();
    if (nr <= 1) return Exit::Unbalanced;
    if (b.era.affinity_flags && !b.era.all_pinned_before_nr_running_test)
      env.flags |= kLbfAllPinned;
    env.loop_max = std::min(b.era.sysctl_sched_nr_migrate, nr);
    env.round++;
    env.round_nr_running = nr;
    env.examined = 0;
    more_balance(b);
    if (b.era.affinity_flags && b.has_parent() && (env.flags & kLbfSomePinned) && env.imbalance > 0)
      b.s.sgc_imbalance[parent_group_key(b)] =
          true;  // we failed to reach balance because of affinity
    // v2.6.20 load_balance_newidle() redoes whenever nothing moved, not only when all pinned.
    const bool redo_newidle_2620 =
        newidle_26 && b.era.busiest_group_rule == BusiestGroupRule::AvgLoad2620 && b.ld_moved == 0;
    if (!(env.flags & kLbfAllPinned) && !redo_newidle_2620) return Exit::Unbalanced;
    env.cpus.clear(busiest);
    if (b.era.lb_cpus_init == LbCpusInit::SpanAndActive) {
      // Only worth it if CPUs outside the destination group remain (65a4433aebe3).
      if (env.cpus.subset_of(env.dst_grpmask)) return Exit::OutAllPinned;
    } else if (env.cpus.empty()) {
      return newidle_26 ? Exit::Unbalanced : Exit::OutBalanced;
    }
    env.loop = 0;
    env.loop_break = b.era.nr_migrate_break;
  }
}

// The tail when the redo loop did not end balanced: done, or on to out_one_pinned (the
// back-off without lb_balanced) when the active-balance kick found the running task pinned.
enum class Tail { Done, OutOnePinned };

Tail unbalanced_tail(Balance& b) {
  LbEnv& env = b.env;
  RqDomain& sd = b.sd();
  const Profile& p = b.p();
  const bool newidle_26 = env.idle == CpuIdleType::NewlyIdle && b.era.separate_newidle;
  if (b.ld_moved == 0) {
    sd.stats.lb_failed[b.stat()]++;
    // Only periodic balance counts failures (newidle would pollute the counter).
    if (env.idle != CpuIdleType::NewlyIdle && env.migration_type != MigrationType::Misfit)
      sd.sd.nr_balance_failed++;
    if (newidle_26) {
      // load_balance_newidle(): no active balance; v2.6.32 returns -1 on every failure
      // (sched_mc_power_savings < POWERSAVINGS_BALANCE_WAKEUP), v2.6.20 on a busy SMT domain.
      if (b.era.busiest_group_rule == BusiestGroupRule::AvgLoad2632 || smt_busy(b)) b.ld_moved = -1;
      return Tail::Done;
    }
    if (need_active_balance(b.m, b.era, env)) {
      const ActiveKick kick = kick_active_balance(b.m, b.s, b.era, env, b.sink);
      if (kick == ActiveKick::CurrPinned) return Tail::OutOnePinned;
      b.active_balance = kick == ActiveKick::Queued;  // this call queued the work
      if (p.active_balance_forces_failed) sd.sd.nr_balance_failed = sd.cache_nice_tries + 1;
    }
  } else {
    sd.sd.nr_balance_failed = 0;
    if (newidle_26) return Tail::Done;
  }
  if (p.active_balance_doubles_interval) {
    // <= 5.11: "If we've begun active balancing, start to back off".
    if (!b.active_balance)
      sd.sd.balance_interval = sd.min_interval;
    else if (sd.sd.balance_interval < sd.max_interval)
      sd.sd.balance_interval *= 2;
  } else if (!b.active_balance || need_active_balance(b.m, b.era, env)) {
    sd.sd.balance_interval = sd.min_interval;  // we were unbalanced
  }
  if (b.ld_moved == 0 && smt_busy(b)) b.ld_moved = -1;
  return Tail::Done;
}

// out_balanced / out_all_pinned / out_one_pinned.
void balanced_tail(Balance& b, Exit from, bool one_pinned) {
  LbEnv& env = b.env;
  RqDomain& sd = b.sd();
  const bool newidle_26 = env.idle == CpuIdleType::NewlyIdle && b.era.separate_newidle;
  if (!one_pinned) {
    if (from == Exit::OutBalanced && b.era.affinity_flags && b.has_parent() &&
        !(b.era.out_balanced_keeps_imbalance_if_all_pinned && (env.flags & kLbfAllPinned)))
      b.s.sgc_imbalance.erase(parent_group_key(b));  // others had a chance to fix it
    sd.stats.lb_balanced[b.stat()]++;
    if (newidle_26 && smt_busy(b)) {  // load_balance_newidle() returns -1 before the reset
      b.ld_moved = -1;
      return;
    }
    sd.sd.nr_balance_failed = 0;
  }
  b.ld_moved = 0;
  if (balance_interval_backoff_applies(b.p(), env.idle,
                                       env.migration_type == MigrationType::Misfit)) {
    sd.sd.balance_interval = static_cast<unsigned>(balance_interval_backoff(
        WrapOps{32}, sd.sd.balance_interval, sd.max_interval, (env.flags & kLbfAllPinned) != 0,
        b.p().max_pinned_interval, b.p().mutant));
  }
  if (!newidle_26 && smt_busy(b)) b.ld_moved = -1;
}

}  // namespace

BalanceOutcome sched_balance_rq(MachineState& m, LbState& s, const Profile& era,
                                const BalanceCall& call, bool& continue_balancing,
                                BalanceEventSink& sink) {
  Balance b{m, s, era, sink, LbEnv{}, {}, -1, 0, false, false, false, false};
  LbEnv& env = b.env;
  env.this_cpu = call.cpu;
  env.level = call.level;
  env.executing_cpu = call.executing_cpu;
  env.dst_cpu = call.cpu;
  env.idle = call.idle;
  env.balance_seq = ++s.balance_seq;
  env.loop_break = era.nr_migrate_break;
  RqDomain& sd = b.sd();
  b.groups = sched_groups_of(m, call.cpu, call.level);
  b.local = local_group_index(env, b.groups);
  env.cpus = initial_cpus(m, era, sd.span());
  if (b.local >= 0) {
    const SchedGroup& local = b.groups[static_cast<size_t>(b.local)];
    env.dst_grpmask = era.dst_grpmask_is_balance_mask ? local.effective_balance_mask() : local.span;
  }
  // 2.6.x: an idle sibling of an SMT domain percolates up as idle.
  env.sd_idle = era.smt_returns_minus_one && env.idle != CpuIdleType::NotIdle &&
                sd.flags().has(SdFlag::ShareCpucapacity);

  sd.stats.lb_count[b.stat()]++;  // before should_we_balance(): spec/kernel-facts.md §0.6

  // A domain whose groups do not hold this CPU cannot be balanced from it (an inconsistent
  // input, never a kernel state): it ends balanced.
  const Exit exit = b.local >= 0 ? pull(b) : Exit::OutBalanced;
  if (b.not_designated) continue_balancing = false;
  if (exit == Exit::Unbalanced) {
    if (unbalanced_tail(b) == Tail::OutOnePinned) balanced_tail(b, exit, true);
  } else {
    balanced_tail(b, exit, false);
  }
  sched_balance_rq_unserialize(m.sched_balance_running, env.executing_cpu, env.this_cpu, env.level,
                               b.need_unlock, sink);
  BalanceOutcome out;
  out.moved = static_cast<int>(b.ld_moved);
  out.serialize_busy = b.serialize_busy;
  return out;
}

}  // namespace sbm
