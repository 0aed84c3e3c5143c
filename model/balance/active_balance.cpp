#include "model/balance/active_balance.h"

#include <optional>

#include "model/balance/detach_tasks.h"
#include "model/balance/rq_lock.h"

namespace sbm {

bool need_active_balance(const MachineState& m, const Profile& era, const LbEnv& env) {
  const RqDomain& d = env_domain(m, env);
  const bool failed_enough = d.sd.nr_balance_failed > d.cache_nice_tries + 2;
  switch (era.need_active_rule) {
    case NeedActiveRule::FailedOnly:
    case NeedActiveRule::V419:
      return failed_enough;
    case NeedActiveRule::V6:
      // imbalanced_active_balance(): "the imbalanced case includes the case of pinned tasks
      // preventing a fair distribution of the load".
      return env.migration_type == MigrationType::Task && failed_enough;
  }
  return false;
}

ActiveKick kick_active_balance(MachineState& m, LbState& s, const Profile& era, LbEnv& env,
                               BalanceEventSink& sink) {
  const int busiest = env.src_cpu;
  const std::string site = m.profile.names.balance;
  s.locks.lock(env.executing_cpu, busiest, site, sink);
  Rq& rq = m.rq(busiest);
  // busiest->curr; the idle task (no running task in the model) is pinned to its CPU.
  const Task* curr = rq.curr();
  if (!curr || !curr->cpus_allowed.test(env.this_cpu)) {
    s.locks.unlock(env.executing_cpu, busiest, site, sink);
    if (era.curr_pinned_sets_all_pinned) env.flags |= kLbfAllPinned;
    return ActiveKick::CurrPinned;
  }
  env.flags &= ~kLbfAllPinned;  // a task that could run on this_cpu
  ActiveKick kick = ActiveKick::AlreadyActive;
  if (!rq.active_balance) {
    rq.active_balance = true;
    rq.push_cpu = env.this_cpu;
    kick = ActiveKick::Queued;
  }
  s.locks.unlock(env.executing_cpu, busiest, site, sink);
  if (kick == ActiveKick::Queued) {
    s.stopper_work.push_back(busiest);
    sink.emit(ActiveBalanceEvent{busiest, env.this_cpu, ActiveBalanceAction::Kick, 0});
  }
  return kick;
}

namespace {

// The lowest domain of target spanning busiest (for_each_domain(target_cpu, sd)); v2.6.x
// and v4.19 also require SD_LOAD_BALANCE. -1 when none.
int active_domain_level(const MachineState& m, const Profile& era, int target, int busiest) {
  const Rq& t = m.rq(target);
  for (size_t level = 0; level < t.sd.size(); ++level) {
    const RqDomain& d = t.sd[level];
    if (era.active_sd_needs_load_balance_flag && !d.flags().has(SdFlag::LoadBalance)) continue;
    if (d.span().test(busiest)) return static_cast<int>(level);
  }
  return -1;
}

// alb_count, detach_one_task(), alb_pushed / alb_failed, for the domain found. Returns
// the pid moved into env.tasks, 0 when none.
int push_one_task(MachineState& m, const Profile& era, LbEnv& env) {
  RqDomain& d = env_domain(m, env);
  d.stats.alb_count++;
  if (!detach_one_task(m, era, env)) {
    d.stats.alb_failed++;
    return 0;
  }
  d.stats.alb_pushed++;
  // "Active balancing done, reset the failure counter" (v4.19, v6.17; not in v2.6.x).
  if (era.active_via_stopper) d.sd.nr_balance_failed = 0;
  return env.tasks.front().pid;
}

}  // namespace

ActiveBalanceRun active_load_balance_cpu_stop(MachineState& m, LbState& s, const Profile& era,
                                              int busiest_cpu, BalanceEventSink& sink) {
  ActiveBalanceRun run;
  run.ran = true;
  Rq& busiest = m.rq(busiest_cpu);
  const int target = busiest.push_cpu;
  const int cpu = busiest_cpu;  // the stopper / migration thread runs on the busiest CPU
  const std::string site =
      era.active_via_stopper ? "active_load_balance_cpu_stop" : "migration_thread";
  s.locks.lock(cpu, busiest_cpu, site, sink);
  // The stopper (the migration thread in 2.6.x) preempted busiest's running task: while it
  // runs it is rq->curr and counts in nr_running, and every CFS task is only queued.
  std::optional<int> preempted;
  for (Task& t : busiest.tasks)
    if (t.running) {
      preempted = t.pid;
      t.running = false;
    }
  const unsigned nr_running = busiest.nr_running() + 1;
  bool go = busiest.active_balance && target >= 0 && target != busiest_cpu && nr_running > 1;
  // "Between queueing the stop-work and running it is a hole in which CPUs can become
  // inactive" (stopper era).
  if (era.active_via_stopper && (!m.active.test(busiest_cpu) || !m.active.test(target))) go = false;
  const int level = go ? active_domain_level(m, era, target, busiest_cpu) : -1;
  LbEnv env;
  if (level >= 0) {
    env.this_cpu = target;
    env.level = level;
    env.executing_cpu = cpu;
    env.dst_cpu = target;
    env.src_cpu = busiest_cpu;
    env.idle = CpuIdleType::Idle;
    env.active = true;
    env.balance_seq = ++s.balance_seq;
    // v5.13+: LBF_ACTIVE_LB; v4.19 lies with LBF_DST_PINNED so no new_dst_cpu is sought.
    if (era.affinity_flags) env.flags = era.active_lb_flag ? kLbfActiveLb : kLbfDstPinned;
    if (era.active_via_stopper) {
      run.pid = push_one_task(m, era, env);
    } else {
      // v2.6.x active_load_balance(): double_lock_balance(busiest_rq, target_rq).
      double_lock_balance(m.profile.lock_order, era.config_preempt, s.locks, cpu, busiest_cpu,
                          target, sink);
      run.pid = push_one_task(m, era, env);
      attach_tasks(m, era, env, sink);
      double_unlock_balance(s.locks, cpu, busiest_cpu, target, sink);
    }
  }
  busiest.active_balance = false;
  for (Task& t : busiest.tasks) t.running = preempted && t.pid == *preempted;  // back to it
  s.locks.unlock(cpu, busiest_cpu, site, sink);
  if (!env.tasks.empty()) {  // attach_one_task(target_rq, p) under the target's lock
    s.locks.lock(cpu, target, "attach_one_task", sink);
    attach_tasks(m, era, env, sink);
    s.locks.unlock(cpu, target, "attach_one_task", sink);
  }
  sink.emit(ActiveBalanceEvent{busiest_cpu, target, ActiveBalanceAction::Run, run.pid});
  return run;
}

ActiveBalanceRun run_stopper_work(MachineState& m, LbState& s, const Profile& era,
                                  BalanceEventSink& sink) {
  if (s.stopper_work.empty()) return {};
  const int busiest = s.stopper_work.front();
  s.stopper_work.erase(s.stopper_work.begin());
  return active_load_balance_cpu_stop(m, s, era, busiest, sink);
}

}  // namespace sbm
