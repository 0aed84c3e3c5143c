// find_busiest_group() / sched_balance_find_src_group() and find_busiest_queue() per era.
#include <gtest/gtest.h>

#include "model/balance/find_src_group.h"
#include "model/balance/find_src_rq.h"
#include "model/balance/lb_groups.h"
#include "model/topology/build_sched_domains.h"
#include "tests/support/load_balance_testing.h"

namespace sbm {
namespace {

using namespace testing;

struct Found {
  SrcGroupResult group;
  int rq = -1;
  LbEnv env;
};

// find_src_group() + find_src_rq() for CPU `dst` at `level`, as sched_balance_rq() calls them.
Found find(const MachineState& m, int dst, int level, CpuIdleType idle = CpuIdleType::Idle,
           const LbState* state = nullptr) {
  const Profile era = m.profile;
  const LbState empty = make_lb_state(m);
  Found f;
  f.env.this_cpu = f.env.dst_cpu = f.env.executing_cpu = dst;
  f.env.level = level;
  f.env.idle = idle;
  f.env.cpus = m.rq(dst).sd[static_cast<size_t>(level)].span() & m.active;
  const auto groups = sched_groups_of(m, dst, level);
  f.group = find_src_group(m, state ? *state : empty, era, f.env, groups);
  if (f.group.busiest >= 0)
    f.rq = find_src_rq(m, era, f.env, groups[static_cast<size_t>(f.group.busiest)]);
  return f;
}

TEST(FindSrcGroup, TwoTasksOnOneCpuOfTwo) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(flat_topology(2), name);
    place(m, 0, {task(1), task(2)});
    const Found f = find(m, 1, 0);
    EXPECT_EQ(f.group.busiest, 1) << f.group.decision;  // groups: {1} (local), {0}
    EXPECT_EQ(f.rq, 0);
    if (m.profile.version >= KernelVersion{5, 5, 0}) {
      // busiest weight 1: sibling_imbalance = 2 - 0, halved: one task.
      EXPECT_EQ(f.env.migration_type, MigrationType::Task);
      EXPECT_EQ(f.group.imbalance, 1);
      EXPECT_EQ(f.group.stats[1].group_type, GroupType::Overloaded);
      EXPECT_EQ(f.group.stats[0].group_type, GroupType::HasSpare);
    } else {
      // avg-load eras: half the difference of 2048 and 0, one nice-0 task's load.
      EXPECT_EQ(f.env.migration_type, MigrationType::Load);
      EXPECT_EQ(f.group.imbalance, 1024);
    }
  }
}

TEST(FindSrcGroup, OneTaskEachIsBalanced) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(flat_topology(2), name);
    place(m, 0, {task(1)});
    place(m, 1, {task(2)});
    const Found f = find(m, 1, 0, CpuIdleType::NotIdle);
    EXPECT_EQ(f.group.busiest, -1);
    EXPECT_EQ(f.env.imbalance, 0);
  }
}

TEST(FindSrcGroup, SingleTaskIsNotSplit) {
  // One task on CPU0, CPU1 idle: nothing waits, no group is busier in a way that moving
  // the task would fix.
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(flat_topology(2), name);
    place(m, 0, {task(1)});
    const Found f = find(m, 1, 0);
    EXPECT_TRUE(f.group.busiest == -1 || f.rq == -1) << f.group.decision;
  }
}

// Two clusters of two CPUs under one MC domain (no SMT, no SD_PREFER_SIBLING).
Topology two_pairs() {
  const SdFlags cls{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::ShareLlc};
  const SdFlags mc{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::ShareLlc};
  return hand_topology(4, {{"CLS", 2, cls}, {"MC", 4, mc}});
}

// The v5.5+ group types with the model's util / runnable stand-ins, on a domain of two
// 2-CPU groups: the local one idle, the other with `n` tasks of `util`.
GroupType remote_type(int n, unsigned long util, const LbState* state = nullptr,
                      const Topology& t = two_pairs()) {
  MachineState m = lb_machine(t, "v6.17");
  std::vector<Task> tasks;
  for (int i = 0; i < n; ++i) tasks.push_back(task(10 + i, 1024, util));
  for (int i = 0; i < n; ++i) place(m, 2 + i % 2, {tasks[static_cast<size_t>(i)]});
  return find(m, 0, 1, CpuIdleType::Idle, state).group.stats[1].group_type;
}

TEST(GroupClassify, V6Types) {
  EXPECT_EQ(remote_type(1, 1024), GroupType::HasSpare) << "nr_running < weight";
  EXPECT_EQ(remote_type(2, 1024), GroupType::FullyBusy) << "util 2048 * 117 >= capacity * 100";
  EXPECT_EQ(remote_type(2, 300), GroupType::HasSpare) << "light tasks leave spare capacity";
  EXPECT_EQ(remote_type(3, 1024), GroupType::Overloaded) << "more tasks than CPUs, util saturated";
  EXPECT_EQ(remote_type(3, 500), GroupType::HasSpare) << "more tasks than CPUs but little util";
  // sgc->imbalance set by a lower level that failed because of affinity.
  MachineState m = lb_machine(two_pairs(), "v6.17");
  LbState s = make_lb_state(m);
  s.sgc_imbalance[{1, CpuMask::range(2, 3)}] = true;
  EXPECT_EQ(remote_type(1, 1024, &s), GroupType::Imbalanced);
  // An SMT group running two tasks, seen from an idle dst (smt_balance()).
  EXPECT_EQ(remote_type(2, 1024, nullptr, smt_pkg_topology(4, 2)), GroupType::SmtBalance);
  EXPECT_EQ(remote_type(1, 1024, nullptr, smt_pkg_topology(4, 2)), GroupType::HasSpare);
}

TEST(FindSrcGroup, V6IdleCpusDifferingByOneAreBalanced) {
  // Local {0,1}: one task; remote {2,3}: one light task per CPU. Both groups have spare
  // capacity, with 1 and 0 idle CPUs.
  MachineState m = lb_machine(two_pairs(), "v6.17");
  place(m, 2, {task(1, 1024, 300)});
  place(m, 3, {task(2, 1024, 300)});
  place(m, 1, {task(3, 1024, 300)});
  const Found f = find(m, 0, 1);
  EXPECT_EQ(f.group.busiest, -1);
  EXPECT_EQ(f.group.decision, "idle CPUs differ by at most one");
}

TEST(FindSrcGroup, V6BusyDstLeavesNonOverloadedGroupsAlone) {
  MachineState m = lb_machine(two_pairs(), "v6.17");
  place(m, 2, {task(1)});
  place(m, 3, {task(2)});
  place(m, 0, {task(3)});
  const Found f = find(m, 0, 1, CpuIdleType::NotIdle);
  EXPECT_EQ(f.group.busiest, -1);
  EXPECT_EQ(f.group.decision, "busiest not overloaded, dst busy");
}

// spec/bugs.md #1, Group Imbalance (Wasted Cores, EuroSys 2016 §3.1), under v4.19. Two NUMA
// levels as on a machine with more than one hop: the upper level's groups are nodes pairs,
// and its child (SD_NUMA) has no SD_PREFER_SIBLING (sd_init(), v4.19). Node pair {0,1}:
// CPU0 runs one heavy task (nice -10, weight 9548), CPU1 is idle. Node pair {2,3}: two
// light tasks (weight 1024, util 400: partly sleeping, like make's) queued on each CPU.
// The average load of {0,1} (9548 * 1024 / 2048 = 4774) exceeds that of {2,3} (2048), so
// the domain looks balanced and CPU1 stays idle while tasks wait on CPUs 2 and 3.
Topology two_numa_levels() {
  const SdFlags numa{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::Numa, SdFlag::Serialize};
  return hand_topology(4, {{"NUMA", 2, numa}, {"NUMA", 4, numa}});
}

void place_group_imbalance(MachineState& m, unsigned long light_util) {
  place(m, 0, {task(1, 9548)});
  place(m, 2, {task(2, 1024, light_util), task(3, 1024, light_util)});
  place(m, 3, {task(4, 1024, light_util), task(5, 1024, light_util)});
}

TEST(GroupImbalanceBug1, V419LeavesCpuIdleOnAverageLoad) {
  MachineState m = lb_machine(two_numa_levels(), "v4.19");
  place_group_imbalance(m, 400);
  const Found f = find(m, 1, 1);
  EXPECT_EQ(f.group.busiest, -1);
  EXPECT_EQ(f.group.decision, "local avg_load >= busiest avg_load");
  EXPECT_EQ(f.group.stats[0].avg_load, 4774u);
  EXPECT_EQ(f.group.stats[1].avg_load, 2048u);
  EXPECT_FALSE(f.group.stats[1].group_no_capacity) << "util 1600 leaves the group 'capacity'";

  // The whole balance of CPU1 at both levels moves nothing: the CPU stays idle.
  LoadBalancer lb(m);
  EXPECT_EQ(balance(m, lb, 1, 0).out.moved, 0);
  EXPECT_EQ(balance(m, lb, 1, 1).out.moved, 0);
  EXPECT_TRUE(m.rq(1).tasks.empty());
  EXPECT_EQ(m.rq(2).nr_running() + m.rq(3).nr_running(), 4u);
}

TEST(GroupImbalanceBug1, V419PullsWhenTheBusyGroupHasNoCapacity) {
  // The same load with CPU-bound light tasks: {2,3} has no capacity, the idle dst forces
  // the balance (the v4.19 form of 583ffd99d765, spec/bugs.md #20) and CPU1 gets a task.
  MachineState m = lb_machine(two_numa_levels(), "v4.19");
  place_group_imbalance(m, 1024);
  const Found f = find(m, 1, 1);
  EXPECT_EQ(f.group.busiest, 1);
  LoadBalancer lb(m);
  EXPECT_GT(balance(m, lb, 1, 1).out.moved, 0);
  EXPECT_EQ(m.rq(1).nr_running(), 1u);
}

TEST(FindSrcGroup, V2632GroupImbFromCpuLoadSpread) {
  // v2.6.32 marks a group "imbalanced" when its CPU loads differ by more than two average
  // tasks: CPU2 runs 4 tasks, CPU3 none.
  MachineState m = lb_machine(smt_pkg_topology(4, 2), "v2.6.32");
  place(m, 2, {task(1), task(2), task(3), task(4)});
  const Found f = find(m, 0, 1);
  EXPECT_TRUE(f.group.stats[1].group_imb);
  EXPECT_FALSE(f.group.stats[0].group_imb);
}

TEST(FindSrcRq, TiesGoToTheFirstCpu) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(flat_topology(3), name);
    place(m, 1, {task(1), task(2)});
    place(m, 2, {task(3), task(4)});
    const Found f = find(m, 0, 0);
    ASSERT_GE(f.group.busiest, 0) << f.group.decision;
    EXPECT_EQ(f.rq, 1);
  }
}

TEST(FindSrcRq, SkipsASingleTaskHeavierThanTheImbalance) {
  for (const std::string name : {"v2.6.20", "v4.19"}) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(flat_topology(2), name);
    place(m, 0, {task(1)});
    LbEnv env;
    env.this_cpu = env.dst_cpu = 1;
    env.cpus = CpuMask::range(0, 1);
    env.imbalance = 100;
    const auto groups = sched_groups_of(m, 1, 0);
    EXPECT_EQ(find_src_rq(m, m.profile, env, groups[1]), -1);
    env.imbalance = 2000;
    EXPECT_EQ(find_src_rq(m, m.profile, env, groups[1]), 0);
  }
}

// local_group_span() is sd->groups->span without the copy: the first group sched_groups_of()
// lists, for groups the builder made (overlapping NUMA groups included) and for a hand-made
// topology whose groups are derived.
TEST(LocalGroupSpan, IsTheFirstGroupOfEveryDomain) {
  const SpecParse spec = parse_machine_spec("2s-numa");
  ASSERT_TRUE(spec.spec);
  const Profile& p = profile("v6.17");
  for (const Topology& t : {build_sched_domains(*spec.spec, p.version, initial_jiffies(p.hz)),
                            smt_pkg_topology(8, 2)}) {
    const MachineState m = machine(t, p);
    for (int cpu : m.online.cpus())
      for (int level = 0; level < static_cast<int>(m.rq(cpu).sd.size()); ++level) {
        SCOPED_TRACE("cpu " + std::to_string(cpu) + " level " + std::to_string(level));
        const CpuMask span = local_group_span(m, cpu, level);
        EXPECT_EQ(span, sched_groups_of(m, cpu, level).front().span);
        EXPECT_TRUE(span.test(cpu));
      }
  }
}

}  // namespace
}  // namespace sbm
