// can_migrate_task(), task_hot(), detach_tasks() and their 2.6.x ancestors.
#include <gtest/gtest.h>

#include "model/balance/detach_tasks.h"
#include "model/balance/lb_groups.h"
#include "model/balance/lb_load.h"
#include "tests/support/load_balance_testing.h"

namespace sbm {
namespace {

using namespace testing;

// An env pulling from `src` to `dst` at `level`, as sched_balance_rq() sets it up.
LbEnv pull_env(const MachineState& m, const Profile& era, int src, int dst, int level,
               int64_t imbalance, MigrationType type = MigrationType::Load,
               CpuIdleType idle = CpuIdleType::Idle) {
  LbEnv env;
  env.this_cpu = env.dst_cpu = env.executing_cpu = dst;
  env.src_cpu = src;
  env.level = level;
  env.idle = idle;
  env.imbalance = imbalance;
  env.migration_type = type;
  env.cpus = m.rq(dst).sd[static_cast<size_t>(level)].span();
  env.dst_grpmask = sched_groups_of(m, dst, level).front().span;
  env.loop_break = era.nr_migrate_break;
  env.round_nr_running = m.rq(src).nr_running();
  env.loop_max = std::min(era.sysctl_sched_nr_migrate, env.round_nr_running);
  return env;
}

TEST(CanMigrateTask, AffinitySetsSomePinnedAndFindsANewDst) {
  MachineState m = lb_machine(smt_pkg_topology(4, 2), "v6.17");
  const Profile era = m.profile;
  place(m, 2, {task(1), pinned(task(2), CpuMask::single(1) | CpuMask::single(2))});
  LbEnv env = pull_env(m, era, 2, 0, 1, 1024);
  env.flags = kLbfAllPinned;
  const MigrateVerdict v = can_migrate_task(m, era, env, m.rq(2).tasks[1]);
  EXPECT_FALSE(v.can);
  EXPECT_TRUE(env.flags & kLbfSomePinned);
  EXPECT_TRUE(env.flags & kLbfDstPinned);
  EXPECT_EQ(env.new_dst_cpu, 1) << "first of dst_grpmask & cpus & allowed";
  EXPECT_TRUE(env.flags & kLbfAllPinned) << "a task not allowed on dst keeps ALL_PINNED";

  LbEnv newidle = pull_env(m, era, 2, 0, 1, 1024, MigrationType::Load, CpuIdleType::NewlyIdle);
  can_migrate_task(m, era, newidle, m.rq(2).tasks[1]);
  EXPECT_TRUE(newidle.flags & kLbfSomePinned);
  EXPECT_FALSE(newidle.flags & kLbfDstPinned) << "no new_dst_cpu for NEWLY_IDLE";
}

TEST(CanMigrateTask, RunningTaskClearsAllPinnedButStays) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(flat_topology(2), name);
    const Profile era = m.profile;
    place(m, 0, {task(1), task(2)});
    LbEnv env = pull_env(m, era, 0, 1, 0, 1024);
    env.flags = kLbfAllPinned;
    EXPECT_FALSE(can_migrate_task(m, era, env, m.rq(0).tasks[0]).can);
    EXPECT_FALSE(env.flags & kLbfAllPinned);
    EXPECT_TRUE(can_migrate_task(m, era, env, m.rq(0).tasks[1]).can);
  }
}

TEST(CanMigrateTask, CacheHotUntilBalanceFailedMoreThanCacheNiceTries) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(flat_topology(2), name);
    const Profile era = m.profile;
    Task hot = task(2);
    hot.exec_start_ns = rq_clock_task_ns(m) - 100000;  // ran 100 us ago (< 500 us)
    place(m, 0, {task(1), hot});
    LbEnv env = pull_env(m, era, 0, 1, 0, 1024);
    EXPECT_TRUE(task_hot(m, era, env, m.rq(0).tasks[1]));
    EXPECT_FALSE(can_migrate_task(m, era, env, m.rq(0).tasks[1]).can);
    RqDomain& d = m.rq(1).sd[0];
    d.sd.nr_balance_failed = d.cache_nice_tries;  // 1: not yet more than
    EXPECT_FALSE(can_migrate_task(m, era, env, m.rq(0).tasks[1]).can);
    d.sd.nr_balance_failed = d.cache_nice_tries + 1;
    const MigrateVerdict v = can_migrate_task(m, era, env, m.rq(0).tasks[1]);
    EXPECT_TRUE(v.can);
    EXPECT_TRUE(v.hot);
    Task idle_policy = hot;
    idle_policy.sched_idle = true;
    EXPECT_FALSE(task_hot(m, era, env, idle_policy)) << "SCHED_IDLE tasks are never hot";
  }
}

TEST(TaskHot, SmtDomainsShareCacheFromV6) {
  for (const std::string name : {"v4.19", "v6.17"}) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(smt_pkg_topology(2, 2), name);
    const Profile era = m.profile;
    Task hot = task(2);
    hot.exec_start_ns = rq_clock_task_ns(m);
    place(m, 0, {task(1), hot});
    const LbEnv env = pull_env(m, era, 0, 1, 0, 1024);
    EXPECT_EQ(task_hot(m, era, env, m.rq(0).tasks[1]), std::string(name) == "v4.19");
  }
}

TEST(DetachTasks, V6ScansFromTheTailAndRotatesRejectedTasks) {
  MachineState m = lb_machine(flat_topology(2), "v6.17");
  const Profile era = m.profile;
  // List head first: 1 (running), 2, 3 (pinned to CPU0), 4 (pinned to CPU0).
  place(
      m, 0,
      {task(1), task(2), pinned(task(3), CpuMask::single(0)), pinned(task(4), CpuMask::single(0))});
  LbEnv env = pull_env(m, era, 0, 1, 0, 1, MigrationType::Task);
  RecordingEventSink sink;
  EXPECT_EQ(detach_tasks(m, era, env, sink), 1u);
  ASSERT_EQ(env.tasks.size(), 1u);
  EXPECT_EQ(env.tasks[0].pid, 2);
  EXPECT_EQ(env.loop, 3u) << "4, 3 rejected, 2 taken";
  EXPECT_EQ(pids_on(m, 0), (std::vector<int>{3, 4, 1})) << "rejected tasks moved to the head";
  EXPECT_TRUE(env.flags & kLbfSomePinned);
  attach_tasks(m, era, env, sink);
  EXPECT_EQ(pids_on(m, 1), (std::vector<int>{2}));
  const auto moves = sink.of_type<TaskMigrateEvent>();
  ASSERT_EQ(moves.size(), 1u);
  EXPECT_EQ(moves[0].from_cpu, 0);
  EXPECT_EQ(moves[0].to_cpu, 1);
}

TEST(DetachTasks, V2632ScansFromTheHead) {
  MachineState m = lb_machine(flat_topology(2), "v2.6.32");
  const Profile era = m.profile;
  place(m, 0, {task(1), task(2), task(3)});
  LbEnv env = pull_env(m, era, 0, 1, 0, 1024);
  RecordingEventSink sink;
  EXPECT_EQ(detach_tasks(m, era, env, sink), 1u);
  EXPECT_EQ(env.tasks[0].pid, 2) << "1 runs; 2 is the next from the head";
}

TEST(DetachTasks, LoopMaxBoundsTheTasksExamined) {
  MachineState m = lb_machine(flat_topology(2), "v6.17");
  const Profile era = m.profile;
  // 40 tasks, all pinned to CPU0 but the running one: nothing can move.
  std::vector<Task> tasks = {task(1)};
  for (int i = 0; i < 39; ++i) tasks.push_back(pinned(task(100 + i), CpuMask::single(0)));
  place(m, 0, tasks);
  LbEnv env = pull_env(m, era, 0, 1, 0, 1, MigrationType::Task);
  EXPECT_EQ(env.loop_max, 32u) << "min(sysctl_sched_nr_migrate, nr_running)";
  RecordingEventSink sink;
  EXPECT_EQ(detach_tasks(m, era, env, sink), 0u);
  EXPECT_EQ(env.loop, 33u) << "the 33rd increment ends the scan";
  const auto pass = sink.of_type<DetachPassEvent>();
  ASSERT_EQ(pass.size(), 1u);
  EXPECT_EQ(pass[0].limit, 32u);
  EXPECT_EQ(pass[0].examined, 32u);
}

TEST(DetachTasks, LoopBreakSetsNeedBreak) {
  MachineState m = lb_machine(flat_topology(2), "v6.17");
  Profile era = m.profile;
  era.nr_migrate_break = 8;  // SCHED_NR_MIGRATE_BREAK on PREEMPT_RT
  std::vector<Task> tasks = {task(1)};
  for (int i = 0; i < 19; ++i) tasks.push_back(task(100 + i, 10));
  place(m, 0, tasks);
  LbEnv env = pull_env(m, era, 0, 1, 0, 20 * 10);
  env.loop_break = era.nr_migrate_break;
  RecordingEventSink sink;
  EXPECT_EQ(detach_tasks(m, era, env, sink), 8u);
  EXPECT_TRUE(env.flags & kLbfNeedBreak);
  EXPECT_EQ(env.loop_break, 16u);
}

TEST(DetachTasks, LoadTestPerEra) {
  // One task of weight 3000 against an imbalance of 2000: v2.6.32 and v4.19 move it (half
  // the load is below the imbalance), v6.17 only after one failed balance (shr_bound).
  for (const std::string name : {"v2.6.32", "v4.19", "v6.17"}) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(flat_topology(2), name);
    const Profile era = m.profile;
    place(m, 0, {task(1), task(2, 3000)});
    LbEnv env = pull_env(m, era, 0, 1, 0, 2000);
    RecordingEventSink sink;
    const bool shr = era.detach_load_rule == DetachLoadRule::ShrBound;
    EXPECT_EQ(detach_tasks(m, era, env, sink), shr ? 0u : 1u);
    if (shr) {
      m.rq(1).sd[0].sd.nr_balance_failed = 1;
      LbEnv again = pull_env(m, era, 0, 1, 0, 2000);
      EXPECT_EQ(detach_tasks(m, era, again, sink), 1u);
    }
  }
}

TEST(DetachTasks, V2620MovesAtMostNrRunningMinusOne) {
  MachineState m = lb_machine(flat_topology(2), "v2.6.20");
  const Profile era = m.profile;
  place(m, 0, {task(1), task(2), task(3)});
  m.rq(0).tasks[0].running = false;  // nothing runs: every task could move
  LbEnv env = pull_env(m, era, 0, 1, 0, 100000);
  RecordingEventSink sink;
  EXPECT_EQ(detach_tasks(m, era, env, sink), 2u) << "max_nr_move = nr_running - 1";
  EXPECT_EQ(env.tasks[0].pid, 3) << "from the tail";
}

TEST(DetachTasks, V2620IdleDstTakesAHeavyTask) {
  // The priority rule of move_tasks(): a task that becomes the best-priority task of an idle
  // dst is not skipped for its weight; after that one, the load test applies.
  MachineState m = lb_machine(flat_topology(2), "v2.6.20");
  const Profile era = m.profile;
  place(m, 0, {task(1), task(2, 5000), task(3, 5000)});
  LbEnv env = pull_env(m, era, 0, 1, 0, 1000);
  RecordingEventSink sink;
  EXPECT_EQ(detach_tasks(m, era, env, sink), 1u);
  EXPECT_EQ(env.tasks[0].pid, 3);
}

TEST(DetachTasks, V2632ExaminesSysctlPlusOne) {
  MachineState m = lb_machine(flat_topology(2), "v2.6.32");
  const Profile era = m.profile;
  std::vector<Task> tasks = {pinned(task(1), CpuMask::single(0))};
  for (int i = 0; i < 49; ++i) tasks.push_back(pinned(task(100 + i), CpuMask::single(0)));
  place(m, 0, tasks);
  LbEnv env = pull_env(m, era, 0, 1, 0, 1024);
  RecordingEventSink sink;
  EXPECT_EQ(detach_tasks(m, era, env, sink), 0u);
  const auto pass = sink.of_type<DetachPassEvent>();
  ASSERT_EQ(pass.size(), 1u);
  EXPECT_EQ(pass[0].examined, 33u) << "\"loops++ > sysctl_sched_nr_migrate\"";
  EXPECT_TRUE(env.flags & kLbfAllPinned) << "all examined tasks were pinned (all_pinned)";
}

TEST(DetachTasks, V6StopsBeforeTheLastTaskForAnIdleDst) {
  MachineState m = lb_machine(flat_topology(2), "v6.17");
  const Profile era = m.profile;
  place(m, 0, {task(1), task(2)});
  m.rq(0).tasks[0].running = false;
  LbEnv env = pull_env(m, era, 0, 1, 0, 100, MigrationType::Task);
  RecordingEventSink sink;
  EXPECT_EQ(detach_tasks(m, era, env, sink), 1u) << "the source keeps its last task";
}

}  // namespace
}  // namespace sbm
