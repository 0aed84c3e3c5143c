// Active balance: need_active_balance(), the kick from sched_balance_rq(), and the stopper
// work (or 2.6.x migration thread) run as its own step.
#include <gtest/gtest.h>

#include "model/balance/active_balance.h"
#include "tests/support/load_balance_testing.h"

namespace sbm {
namespace {

using namespace testing;

const int kIdle = SdStats::index(CpuIdleType::Idle);

// CPU0 runs task 1 (movable) with task 2 waiting but pinned to CPU0: CPU1's balances fail
// until nr_balance_failed > cache_nice_tries + 2 and the running task is pushed.
MachineState stuck_machine(const std::string& name) {
  MachineState m = lb_machine(flat_topology(2), name);
  place(m, 0, {task(1), pinned(task(2), CpuMask::single(0))});
  return m;
}

TEST(ActiveBalance, KickedAfterCacheNiceTriesPlusTwoFailures) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = stuck_machine(name);
    LoadBalancer lb(m);
    RqDomain& d = m.rq(1).sd[0];
    ASSERT_EQ(d.cache_nice_tries, 1u);
    for (int i = 1; i <= 3; ++i) {
      EXPECT_EQ(balance(m, lb, 1, 0).out.moved, 0);
      EXPECT_EQ(d.sd.nr_balance_failed, static_cast<unsigned>(i));
      EXPECT_TRUE(lb.state.stopper_work.empty());
      EXPECT_EQ(d.sd.balance_interval, d.min_interval) << "unbalanced: reset";
    }
    const BalanceRun kick = balance(m, lb, 1, 0);  // the 4th failure: 4 > 1 + 2
    EXPECT_EQ(kick.out.moved, 0);
    EXPECT_EQ(lb.state.stopper_work, std::vector<int>{0});
    EXPECT_TRUE(m.rq(0).active_balance);
    EXPECT_EQ(m.rq(0).push_cpu, 1);
    ASSERT_EQ(kick.sink.of_type<ActiveBalanceEvent>().size(), 1u);
    if (m.profile.active_balance_doubles_interval) {
      EXPECT_EQ(d.sd.balance_interval, 2 * d.min_interval) << "<= 5.11: back off after the kick";
    } else {
      EXPECT_EQ(d.sd.balance_interval, d.min_interval);
    }
    EXPECT_EQ(d.sd.nr_balance_failed,
              m.profile.active_balance_forces_failed ? d.cache_nice_tries + 1 : 4u);

    // The queued work runs as its own step on CPU0 and pushes the running task to CPU1.
    RecordingEventSink sink;
    const ActiveBalanceRun run = run_stopper_work(m, lb.state, m.profile, sink);
    EXPECT_TRUE(run.ran);
    EXPECT_EQ(run.pid, 1);
    EXPECT_EQ(pids_on(m, 1), std::vector<int>{1});
    EXPECT_EQ(pids_on(m, 0), std::vector<int>{2});
    EXPECT_FALSE(m.rq(0).active_balance);
    EXPECT_EQ(d.stats.alb_count, 1u);
    EXPECT_EQ(d.stats.alb_pushed, 1u);
    EXPECT_EQ(d.stats.alb_failed, 0u);
    const bool resets = m.profile.active_via_stopper;
    EXPECT_EQ(d.sd.nr_balance_failed == 0, resets) << "v4.19+: reset after a push";
    const auto moves = sink.of_type<TaskMigrateEvent>();
    ASSERT_EQ(moves.size(), 1u);
    EXPECT_TRUE(moves[0].active);
    EXPECT_EQ(moves[0].executing_cpu, 0) << "runs on the busiest CPU";
    EXPECT_EQ(lb.state.locks.held_by(0), std::vector<int>{});
    EXPECT_FALSE(run_stopper_work(m, lb.state, m.profile, sink).ran) << "nothing left";
  }
}

TEST(ActiveBalance, SecondKickWhileQueuedQueuesNothing) {
  MachineState m = stuck_machine("v6.17");
  LoadBalancer lb(m);
  for (int i = 0; i < 5; ++i) balance(m, lb, 1, 0);
  EXPECT_EQ(lb.state.stopper_work, std::vector<int>{0}) << "busiest->active_balance already set";
}

TEST(ActiveBalance, StopperAbortsWhenTheTargetWentInactive) {
  MachineState m = stuck_machine("v6.17");
  LoadBalancer lb(m);
  for (int i = 0; i < 4; ++i) balance(m, lb, 1, 0);
  m.active.clear(1);
  RecordingEventSink sink;
  const ActiveBalanceRun run = run_stopper_work(m, lb.state, m.profile, sink);
  EXPECT_TRUE(run.ran);
  EXPECT_EQ(run.pid, 0);
  EXPECT_FALSE(m.rq(0).active_balance);
  EXPECT_EQ(m.rq(1).sd[0].stats.alb_count, 0u);
  EXPECT_EQ(m.rq(0).nr_running(), 2u);
}

// Two pairs of CPUs; CPUs 2 and 3 each run one CPU-bound task pinned to itself, CPUs 0 and
// 1 are idle. v4.19 and v6.17 find an imbalance (two idle CPUs against none) but busiest
// has one task: nothing to detach, and after enough failures the kick finds busiest->curr
// pinned: out_one_pinned with LBF_ALL_PINNED, so balance_interval backs off to 512.
TEST(ActiveBalance, PinnedCurrGoesToOutOnePinned) {
  const SdFlags cls{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::ShareLlc};
  const Topology t = hand_topology(4, {{"CLS", 2, cls}, {"MC", 4, cls}});
  for (const std::string name : {"v4.19", "v6.17"}) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(t, name);
    place(m, 2, {pinned(task(1), CpuMask::single(2))});
    place(m, 3, {pinned(task(2), CpuMask::single(3))});
    LoadBalancer lb(m);
    RqDomain& d = m.rq(0).sd[1];
    for (int i = 0; i < 12; ++i) EXPECT_EQ(balance(m, lb, 0, 1).out.moved, 0);
    EXPECT_TRUE(lb.state.stopper_work.empty());
    EXPECT_GT(d.stats.lb_failed[kIdle], 0u);
    EXPECT_EQ(d.sd.balance_interval, 512u) << "MAX_PINNED_INTERVAL back-off";
  }
}

TEST(ActiveBalance, MovesTheOnlyTaskOfABusiestCpu) {
  // As above with movable tasks: the stopper moves CPU2's only task (nr_running counts the
  // stopper itself).
  const SdFlags cls{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::ShareLlc};
  const Topology t = hand_topology(4, {{"CLS", 2, cls}, {"MC", 4, cls}});
  for (const std::string name : {"v4.19", "v6.17"}) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(t, name);
    place(m, 2, {task(1)});
    place(m, 3, {task(2)});
    LoadBalancer lb(m);
    for (int i = 0; i < 4; ++i) balance(m, lb, 0, 1);
    ASSERT_EQ(lb.state.stopper_work, std::vector<int>{2});
    RecordingEventSink sink;
    EXPECT_EQ(run_stopper_work(m, lb.state, m.profile, sink).pid, 1);
    EXPECT_EQ(pids_on(m, 0), std::vector<int>{1});
    EXPECT_EQ(m.rq(0).sd[1].stats.alb_pushed, 1u);
  }
}

}  // namespace
}  // namespace sbm
