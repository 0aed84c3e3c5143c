#include "model/balance/detach_tasks.h"

#include <algorithm>

#include "model/balance/lb_load.h"

namespace sbm {

namespace {

// Priorities as the O(1) scheduler saw them (v2.6.20): every task is nice 0 (prio 120), an
// rq running nothing has the idle task's MAX_PRIO (140).
constexpr int kNice0Prio = 120;
constexpr int kIdlePrio = 140;

int stat_index(CpuIdleType t) { return SdStats::index(t); }

// shr_bound(val, shift): val >> min(shift, bits - 1).
uint64_t shr_bound(uint64_t val, unsigned shift) { return val >> std::min(shift, 63u); }

// The load / util test of one candidate (returns false to skip it), and the imbalance
// decrement when it is taken.
bool take_by_imbalance(const Profile& era, LbEnv& env, const Task& p, unsigned nr_balance_failed) {
  switch (env.migration_type) {
    case MigrationType::Load: {
      const uint64_t load = std::max<uint64_t>(p.load_weight, 1);  // task_h_load(), >= 1
      const uint64_t test = era.detach_load_rule == DetachLoadRule::ShrBound
                                ? shr_bound(load, nr_balance_failed)
                                : load / 2;
      if (env.imbalance < 0 || test > static_cast<uint64_t>(env.imbalance)) return false;
      env.imbalance -= static_cast<int64_t>(load);
      return true;
    }
    case MigrationType::Util: {
      const uint64_t util = p.util;  // task_util_est()
      if (env.imbalance < 0 ||
          shr_bound(util, nr_balance_failed) > static_cast<uint64_t>(env.imbalance))
        return false;
      env.imbalance -= static_cast<int64_t>(util);
      return true;
    }
    case MigrationType::Task:
      env.imbalance--;
      return true;
    case MigrationType::Misfit:
      return false;  // no task is misfit in the model
  }
  return false;
}

void count_hot_gained(MachineState& m, const LbEnv& env) {
  env_domain(m, env).stats.lb_hot_gained[stat_index(env.idle)]++;
}

void emit_pass(const LbEnv& env, unsigned limit, unsigned examined, unsigned detached,
               BalanceEventSink& sink) {
  sink.emit(DetachPassEvent{env.this_cpu, env.level, env.src_cpu, env.dst_cpu, env.balance_seq,
                            env.round, env.round_nr_running, limit, examined, detached});
}

// v3.x+ detach_tasks() (v4.19, v6.17).
unsigned detach_tasks_v3(MachineState& m, const Profile& era, LbEnv& env, BalanceEventSink& sink) {
  std::vector<Task>& tasks = m.rq(env.src_cpu).tasks;
  const unsigned failed = env_domain(m, env).sd.nr_balance_failed;
  unsigned detached = 0;
  // "Source run queue has been emptied by another CPU": no task is tested (v6.17).
  if (era.detach_clears_all_pinned_on_single && tasks.size() <= 1) {
    env.flags &= ~kLbfAllPinned;
  } else if (env.imbalance > 0) {
    while (!tasks.empty()) {
      // Don't steal the last task of the source when balancing for an idle dst.
      if (env.idle != CpuIdleType::NotIdle && tasks.size() <= 1) break;
      env.loop++;
      // Mutant detach-limit-ignored (model/mutants.h; spec/bugs.md #18, b0defa7ae03e, reverted by
      // 2feab2492deb): while every task seen was pinned, loop_max does not end the scan;
      // only the breather does, and load_balance() goes on after it while env->loop <
      // busiest->nr_running (that commit's other half, kept here with the scan).
      const bool past_loop_max =
          is_mutant(m.profile, Mutant::DetachLimitIgnored) && (env.flags & kLbfAllPinned);
      if (env.loop > env.loop_max && !past_loop_max) break;  // we've more or less seen every task
      if (env.loop > env.loop_break) {  // take a breather every nr_migrate_break tasks
        if (past_loop_max && env.loop >= tasks.size()) break;  // tried every running task
        env.loop_break += era.nr_migrate_break;
        env.flags |= kLbfNeedBreak;
        break;
      }
      const Task p = tasks.back();
      env.examined++;
      const MigrateVerdict v = can_migrate_task(m, era, env, p);
      if (v.can && v.hot && !era.hot_gained_at_detach) count_hot_gained(m, env);
      if (!v.can || !take_by_imbalance(era, env, p, failed)) {
        // list_move(&p->se.group_node, tasks): rejected tasks go to the head.
        std::rotate(tasks.begin(), tasks.end() - 1, tasks.end());
        continue;
      }
      if (v.hot && era.hot_gained_at_detach) count_hot_gained(m, env);
      tasks.pop_back();
      env.tasks.insert(env.tasks.begin(), p);  // list_add(&p->se.group_node, &env->tasks)
      detached++;
      // NEWIDLE balancing is a source of latency (CONFIG_PREEMPTION).
      if (era.config_preempt && env.idle == CpuIdleType::NewlyIdle) break;
      if (env.imbalance <= 0) break;
    }
  }
  env_domain(m, env).stats.lb_gained[stat_index(env.idle)] += detached;
  emit_pass(env, env.loop_max, env.examined, detached, sink);
  return detached;
}

// The skip rule of one candidate before can_migrate_task(), for v2.6.x: the kernel tests
// the load first and calls can_migrate_task() only when the load test passes, so a task
// skipped for load never clears all_pinned.
// v2.6.32 balance_tasks(): weight >> 1 > rem_load_move.
// v2.6.20 move_tasks(): weight > rem_load_move, overridden when the task would become the
// highest-priority task of the dst (idx < this_best_prio) and the busiest's running task has
// the best priority (best_prio_seen).
struct Scan26 {
  int64_t rem_load_move = 0;
  int this_best_prio = kIdlePrio;
  bool best_prio_seen = false;
};

bool skip_for_load_26(const Profile& era, const Scan26& s, const Task& p) {
  if (era.detach_load_rule == DetachLoadRule::HalfWeightOverRem)
    return static_cast<int64_t>(p.load_weight >> 1) > s.rem_load_move;
  bool skip = static_cast<int64_t>(p.load_weight) > s.rem_load_move;
  if (skip && kNice0Prio < s.this_best_prio) skip = !s.best_prio_seen;
  return skip;
}

// v2.6.20 move_tasks() and v2.6.32 balance_tasks(), with max_load_move = env.imbalance.
// Pulled tasks go to env.tasks (the caller attaches them under the same locks). The
// "pinned" local of the kernel is LBF_ALL_PINNED: set when there is something to move,
// cleared by can_migrate_task() for a task allowed on dst, left in *all_pinned at out.
unsigned move_tasks_26(MachineState& m, const Profile& era, LbEnv& env, unsigned max_nr_move,
                       BalanceEventSink& sink) {
  std::vector<Task>& tasks = m.rq(env.src_cpu).tasks;
  unsigned pulled = 0;
  unsigned& examined = env.examined;
  Scan26 s;
  s.rem_load_move = env.imbalance;
  env.flags &= ~kLbfAllPinned;
  if (max_nr_move > 0 && env.imbalance > 0) {
    env.flags |= kLbfAllPinned;
    s.this_best_prio = m.rq(env.dst_cpu).nr_running() > 0 ? kNice0Prio : kIdlePrio;
    s.best_prio_seen = m.rq(env.src_cpu).curr() != nullptr;
    const bool backward = era.detach_scan == DetachScan::TailBackward;
    // The next candidate; pulled tasks leave the list, skipped ones stay where they are.
    size_t pos = backward ? tasks.size() : 0;
    while (backward ? pos > 0 : pos < tasks.size()) {
      // v2.6.32: "if (!p || loops++ > sysctl_sched_nr_migrate) goto out".
      if (era.detach_limit == DetachLimit::NrMigratePlusOne &&
          examined > era.sysctl_sched_nr_migrate)
        break;
      examined++;
      const size_t i = backward ? pos - 1 : pos;
      const Task p = tasks[i];
      bool skip = skip_for_load_26(era, s, p);
      if (!skip) {
        const MigrateVerdict v = can_migrate_task(m, era, env, p);
        if (v.can && v.hot) count_hot_gained(m, env);
        skip = !v.can;
      }
      if (skip) {
        s.best_prio_seen = true;  // best_prio_seen |= idx == best_prio (one priority level)
        if (backward)
          --pos;
        else
          ++pos;
        continue;
      }
      tasks.erase(tasks.begin() + static_cast<std::ptrdiff_t>(i));
      if (backward) --pos;
      env.tasks.push_back(p);
      pulled++;
      s.rem_load_move -= static_cast<int64_t>(p.load_weight);
      if (era.config_preempt && env.idle == CpuIdleType::NewlyIdle) break;
      if (pulled >= max_nr_move || s.rem_load_move <= 0) break;
      s.this_best_prio = std::min(s.this_best_prio, kNice0Prio);
    }
  }
  env.imbalance = s.rem_load_move;
  env_domain(m, env).stats.lb_gained[stat_index(env.idle)] += pulled;
  emit_pass(env, detach_limit(era, env.round_nr_running), examined, pulled, sink);
  return pulled;
}

}  // namespace

bool task_hot(const MachineState& m, const Profile& era, const LbEnv& env, const Task& p) {
  if (p.sched_idle) return false;  // task_has_idle_policy()
  if (era.task_hot_smt_exempt && env_domain(m, env).flags().has(SdFlag::ShareCpucapacity))
    return false;  // SMT siblings share cache
  const uint64_t cost = m.sysctl_sched_migration_cost_ns;
  if (cost == ~uint64_t{0}) return true;  // sysctl_sched_migration_cost == -1
  if (cost == 0) return false;
  const int64_t delta = static_cast<int64_t>(rq_clock_task_ns(m) - p.exec_start_ns);
  return delta < static_cast<int64_t>(cost);
}

MigrateVerdict can_migrate_task(const MachineState& m, const Profile& era, LbEnv& env,
                                const Task& p) {
  // Mutant affinity-ignored (model/mutants.h): the cpus_allowed test is left out.
  if (!p.cpus_allowed.test(env.dst_cpu) && !is_mutant(m.profile, Mutant::AffinityIgnored)) {
    if (!era.affinity_flags) return {};
    env.flags |= kLbfSomePinned;
    // Remember another CPU of our group this task could go to (not for NEWLY_IDLE, nor
    // once one is chosen, nor for active balance).
    if (env.idle == CpuIdleType::NewlyIdle || (env.flags & kLbfDstPinned) ||
        (env.flags & kLbfActiveLb))
      return {};
    const int cpu = (env.dst_grpmask & env.cpus & p.cpus_allowed).first();
    if (cpu >= 0) {
      env.flags |= kLbfDstPinned;
      env.new_dst_cpu = cpu;
    }
    return {};
  }
  env.flags &= ~kLbfAllPinned;  // at least one task could run on dst
  if (p.running) return {};
  if (env.flags & kLbfActiveLb) return {true, false};
  const bool hot = task_hot(m, era, env, p);
  const RqDomain& d = env_domain(m, env);
  if (!hot || d.sd.nr_balance_failed > d.cache_nice_tries) return {true, hot};
  return {};
}

unsigned detach_limit(const Profile& era, unsigned src_nr_running) {
  switch (era.detach_limit) {
    case DetachLimit::NrRunningMinusOne:
      return src_nr_running > 0 ? src_nr_running - 1 : 0;
    case DetachLimit::NrMigratePlusOne:
      return era.sysctl_sched_nr_migrate + 1;
    case DetachLimit::LoopMax:
      return std::min(era.sysctl_sched_nr_migrate, src_nr_running);
  }
  return 0;
}

unsigned detach_tasks(MachineState& m, const Profile& era, LbEnv& env, BalanceEventSink& sink) {
  switch (era.detach_limit) {
    case DetachLimit::LoopMax:
      return detach_tasks_v3(m, era, env, sink);
    case DetachLimit::NrRunningMinusOne:
      return move_tasks_26(m, era, env, detach_limit(era, env.round_nr_running), sink);
    case DetachLimit::NrMigratePlusOne:
      return move_tasks_26(m, era, env, ~0u, sink);  // balance_tasks() has no task count
  }
  return 0;
}

void attach_tasks(MachineState& m, const Profile& era, LbEnv& env, BalanceEventSink& sink) {
  std::vector<Task>& dst = m.rq(env.dst_cpu).tasks;
  // Mutant migration-loses-task (model/mutants.h): the list head of env->tasks is taken off
  // the list and never enqueued anywhere.
  if (is_mutant(m.profile, Mutant::MigrationLosesTask) && !env.tasks.empty())
    env.tasks.erase(env.tasks.begin());
  for (Task& p : env.tasks) {
    sink.emit(TaskMigrateEvent{p.pid, env.src_cpu, env.dst_cpu, env.this_cpu, env.level,
                               env.executing_cpu, p.cpus_allowed, env.balance_seq, env.active});
    p.running = false;  // queued on the dst; the dst's schedule() is not modelled
    if (era.enqueue_position == EnqueuePosition::Tail)
      dst.push_back(p);
    else
      dst.insert(dst.begin(), p);
  }
  env.tasks.clear();
}

bool detach_one_task(MachineState& m, const Profile& era, LbEnv& env) {
  std::vector<Task>& tasks = m.rq(env.src_cpu).tasks;
  const bool from_head = era.detach_scan == DetachScan::HeadForward;
  for (size_t k = 0; k < tasks.size(); ++k) {
    const size_t i = from_head ? k : tasks.size() - 1 - k;
    const MigrateVerdict v = can_migrate_task(m, era, env, tasks[i]);
    if (!v.can) continue;
    if (v.hot) count_hot_gained(m, env);
    env.tasks.push_back(tasks[i]);
    tasks.erase(tasks.begin() + static_cast<std::ptrdiff_t>(i));
    env_domain(m, env).stats.lb_gained[stat_index(env.idle)]++;
    return true;
  }
  return false;
}

}  // namespace sbm
