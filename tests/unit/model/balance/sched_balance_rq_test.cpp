// load_balance() / sched_balance_rq(): the whole flow per profile, and with the periodic
// pass (sched_balance_domains.h) on a 2-CPU machine.
#include <gtest/gtest.h>

#include "model/balance/active_balance.h"
#include "model/balance/balance_interval.h"
#include "model/balance/lb_load.h"
#include "model/balance/sched_balance_domains.h"
#include "model/balance/sched_balance_rq.h"
#include "model/balance/sched_balance_trigger.h"
#include "model/topology/build_sched_domains.h"
#include "tests/support/load_balance_testing.h"

namespace sbm {
namespace {

using namespace testing;

const int kIdle = SdStats::index(CpuIdleType::Idle);
const int kNewly = SdStats::index(CpuIdleType::NewlyIdle);

TEST(SchedBalanceRq, PullsOneTaskOfTwoToTheIdleCpu) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(flat_topology(2), name);
    place(m, 0, {task(1), task(2)});
    LoadBalancer lb(m);
    const BalanceRun r = balance(m, lb, 1, 0);
    EXPECT_EQ(r.out.moved, 1);
    EXPECT_EQ(pids_on(m, 0), (std::vector<int>{1}));
    EXPECT_EQ(pids_on(m, 1), (std::vector<int>{2}));
    const RqDomain& d = m.rq(1).sd[0];
    EXPECT_EQ(d.stats.lb_count[kIdle], 1u);
    EXPECT_EQ(d.stats.lb_gained[kIdle], 1u);
    EXPECT_EQ(d.sd.nr_balance_failed, 0u);
    EXPECT_EQ(d.sd.balance_interval, d.min_interval);
    EXPECT_TRUE(r.continue_balancing);
    // Every lock taken is released, and the move is reported.
    EXPECT_EQ(lb.state.locks.held_by(1), std::vector<int>{});
    ASSERT_EQ(r.sink.of_type<TaskMigrateEvent>().size(), 1u);
  }
}

TEST(SchedBalanceRq, LockStepsPerEra) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(flat_topology(2), name);
    place(m, 0, {task(1), task(2)});
    LoadBalancer lb(m);
    const BalanceRun r = balance(m, lb, 1, 0);
    std::vector<std::pair<int, RqLockAction>> steps;
    for (const RqLockEvent& e : r.sink.of_type<RqLockEvent>()) steps.emplace_back(e.rq, e.action);
    using A = RqLockAction;
    if (m.profile.move_locking == MoveLocking::BothRqLocks) {
      // double_rq_lock(this_rq, busiest): lower address (rq0) first, both held while moving.
      EXPECT_EQ(steps, (std::vector<std::pair<int, A>>{
                           {0, A::Acquire}, {1, A::Acquire}, {0, A::Release}, {1, A::Release}}));
    } else {
      // detach under the busiest lock, attach under the dst lock, one at a time.
      EXPECT_EQ(steps, (std::vector<std::pair<int, A>>{
                           {0, A::Acquire}, {0, A::Release}, {1, A::Acquire}, {1, A::Release}}));
    }
  }
}

TEST(SchedBalanceRq, NonDesignatedCpuCountsAndStops) {
  // lb_count[idle]++ comes before should_we_balance(): a CPU that is not the designated
  // balancer counts a call and a balanced one, and clears continue_balancing.
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(smt_pkg_topology(4, 2), name);
    place(m, 2, {task(1), task(2), task(3)});
    LoadBalancer lb(m);
    const BalanceRun r = balance(m, lb, 1, 1);  // CPU0 is idle too and comes first
    EXPECT_FALSE(r.continue_balancing);
    EXPECT_EQ(r.out.moved, 0);
    const RqDomain& d = m.rq(1).sd[1];
    EXPECT_EQ(d.stats.lb_count[kIdle], 1u);
    EXPECT_EQ(d.stats.lb_balanced[kIdle], 1u);
    EXPECT_EQ(d.stats.lb_nobusyg[kIdle], 0u);
    EXPECT_EQ(pids_on(m, 1), std::vector<int>{});
  }
}

TEST(SchedBalanceRq, BalancedDomainBacksOffAndResetsFailures) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(flat_topology(2), name);
    place(m, 0, {task(1)});
    place(m, 1, {task(2)});
    LoadBalancer lb(m);
    RqDomain& d = m.rq(1).sd[0];
    d.sd.nr_balance_failed = 2;
    const unsigned before = d.sd.balance_interval;
    balance(m, lb, 1, 0, CpuIdleType::NotIdle);
    EXPECT_EQ(d.stats.lb_balanced[SdStats::index(CpuIdleType::NotIdle)], 1u);
    EXPECT_EQ(d.sd.nr_balance_failed, 0u);
    EXPECT_EQ(d.sd.balance_interval, 2 * before) << "doubled while below max_interval";
  }
}

TEST(SchedBalanceRq, NewlyIdleNeverDoublesFromV6ButDidIn419) {
  // spec/bugs.md #16 (3f130a37c442, v4.20): a newidle balance failing on pinned tasks doubled
  // balance_interval before. 2.6.x had a separate load_balance_newidle() without back-off.
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(flat_topology(2), name);
    place(m, 0, {pinned(task(1), CpuMask::single(0)), pinned(task(2), CpuMask::single(0))});
    LoadBalancer lb(m);
    RqDomain& d = m.rq(1).sd[0];
    const unsigned before = d.sd.balance_interval;
    balance(m, lb, 1, 0, CpuIdleType::NewlyIdle);
    EXPECT_EQ(d.stats.lb_count[kNewly], 1u);
    const bool doubles = !m.profile.backoff_skips_newidle;
    EXPECT_EQ(d.sd.balance_interval, doubles ? 2 * before : before);
  }
}

// A busiest CPU whose waiting tasks are all pinned to it: the balance fails, and with
// repeated calls the all-pinned back-off grows balance_interval to the BI-1 ceiling.
TEST(SchedBalanceRq, AllPinnedBackOffStopsAtTheCeiling) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(flat_topology(2), name);
    place(m, 0,
          {pinned(task(1), CpuMask::single(0)), pinned(task(2), CpuMask::single(0)),
           pinned(task(3), CpuMask::single(0))});
    LoadBalancer lb(m);
    RqDomain& d = m.rq(1).sd[0];
    const uint64_t ceiling =
        balance_interval_ceiling(d.min_interval, d.max_interval, m.profile.max_pinned_interval);
    for (int i = 0; i < 40; ++i) {
      const BalanceRun r = balance(m, lb, 1, 0);
      EXPECT_EQ(r.out.moved, 0);
      EXPECT_LE(d.sd.balance_interval, ceiling);
    }
    EXPECT_EQ(d.sd.balance_interval, ceiling);
    EXPECT_EQ(d.sd.balance_interval, 512u) << "2 -> 4 -> ... -> 512 with ALL_PINNED";
    EXPECT_EQ(pids_on(m, 1), std::vector<int>{});
  }
}

TEST(SchedBalanceRq, AllPinnedBackOffCanReach1022) {
  // The test comes before the doubling: from 511 ALL_PINNED doubles once more, to 1022.
  const SdFlags mc{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::ShareLlc};
  const Topology t = hand_topology(2, {{"MC", 2, mc, 511, 600}});
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(t, name);
    place(m, 0, {pinned(task(1), CpuMask::single(0)), pinned(task(2), CpuMask::single(0))});
    LoadBalancer lb(m);
    for (int i = 0; i < 3; ++i) balance(m, lb, 1, 0);
    EXPECT_EQ(m.rq(1).sd[0].sd.balance_interval, 1022u);
  }
}

TEST(SchedBalanceRq, AllPinnedRedoFindsAnotherBusiestCpu) {
  // CPU1 has three tasks pinned to it, CPU2 two movable ones: the redo after LBF_ALL_PINNED
  // drops CPU1 from env->cpus and pulls from CPU2.
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(flat_topology(3), name);
    place(m, 1,
          {pinned(task(1), CpuMask::single(1)), pinned(task(2), CpuMask::single(1)),
           pinned(task(3), CpuMask::single(1))});
    place(m, 2, {task(4), task(5)});
    LoadBalancer lb(m);
    const BalanceRun r = balance(m, lb, 0, 0);
    EXPECT_GT(r.out.moved, 0);
    EXPECT_EQ(pids_on(m, 0), (std::vector<int>{5}));
  }
}

TEST(SchedBalanceRq, DstPinnedMovesTasksToAnotherCpuOfTheGroup) {
  // Package level of two cores: CPU0 (dst) and CPU1 idle; CPU2 runs one task and has two
  // waiting that may only run on CPUs 1-3. LBF_DST_PINNED retargets the pull to CPU1.
  for (const std::string name : {"v4.19", "v6.17"}) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(smt_pkg_topology(4, 2), name);
    const CpuMask not0 = CpuMask::range(1, 3);
    place(m, 2, {task(1), pinned(task(2), not0), pinned(task(3), not0)});
    LoadBalancer lb(m);
    const BalanceRun r = balance(m, lb, 0, 1);
    EXPECT_GT(r.out.moved, 0);
    EXPECT_EQ(pids_on(m, 0), std::vector<int>{});
    EXPECT_FALSE(m.rq(1).tasks.empty()) << "moved to new_dst_cpu";
    for (const TaskMigrateEvent& e : r.sink.of_type<TaskMigrateEvent>()) EXPECT_EQ(e.to_cpu, 1);
  }
}

TEST(SchedBalanceRq, SomePinnedMarksTheParentGroupImbalanced) {
  // At the SMT level CPU0 cannot take CPU1's waiting task (pinned to CPUs 1-3): the parent's
  // local group {0,1} becomes group_imbalanced for the package level.
  MachineState m = lb_machine(smt_pkg_topology(4, 2), "v6.17");
  place(m, 1, {task(1), pinned(task(2), CpuMask::range(1, 3))});
  LoadBalancer lb(m);
  const BalanceRun r = balance(m, lb, 0, 0);
  EXPECT_EQ(r.out.moved, 0);
  EXPECT_TRUE(sgc_imbalanced(lb.state, 1, CpuMask::range(0, 1)));
}

TEST(SchedBalanceRq, FailuresCountOnlyForPeriodicBalance) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(flat_topology(2), name);
    // A hot waiting task (ran just now): the balance fails while nr_balance_failed <= 1.
    Task hot = task(2);
    place(m, 0, {task(1), hot});
    m.rq(0).tasks[1].exec_start_ns = rq_clock_task_ns(m);
    LoadBalancer lb(m);
    RqDomain& d = m.rq(1).sd[0];
    balance(m, lb, 1, 0, CpuIdleType::NewlyIdle);
    EXPECT_EQ(d.sd.nr_balance_failed, 0u) << "newidle does not count";
    EXPECT_EQ(balance(m, lb, 1, 0).out.moved, 0);
    EXPECT_EQ(d.sd.nr_balance_failed, 1u);
    EXPECT_EQ(d.stats.lb_failed[kIdle], 1u);
    EXPECT_EQ(balance(m, lb, 1, 0).out.moved, 0);
    EXPECT_EQ(d.sd.nr_balance_failed, 2u);
    // Now nr_balance_failed > cache_nice_tries (1): the hot task is taken.
    EXPECT_EQ(balance(m, lb, 1, 0).out.moved, 1);
    EXPECT_EQ(d.sd.nr_balance_failed, 0u);
    EXPECT_EQ(d.stats.lb_hot_gained[kIdle], 1u);
  }
}

TEST(SchedBalanceRq, V619TakesTheSerializeTokenAfterShouldWeBalance) {
  const SdFlags numa{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::Numa, SdFlag::Serialize};
  const Topology t = hand_topology(2, {{"NUMA", 2, numa}});
  for (const std::string name : {"v6.17", "v6.19"}) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(t, name);
    place(m, 0, {task(1), task(2)});
    m.sched_balance_running = SchedBalanceRunning{7, 7, 0};  // another CPU holds it
    LoadBalancer lb(m);
    const BalanceRun r = balance(m, lb, 1, 0);
    if (name == "v6.19") {
      EXPECT_TRUE(r.out.serialize_busy);
      EXPECT_EQ(r.out.moved, 0);
      EXPECT_EQ(m.rq(1).sd[0].stats.lb_balanced[kIdle], 1u) << "busy token: out_balanced";
      m.sched_balance_running = SchedBalanceRunning{};
      const BalanceRun again = balance(m, lb, 1, 0);
      EXPECT_EQ(again.out.moved, 1);
      EXPECT_FALSE(m.sched_balance_running.held()) << "released at out:";
    } else {
      // <= 6.18 the pass takes the token; sched_balance_rq() does not look at it.
      EXPECT_FALSE(r.out.serialize_busy);
      EXPECT_EQ(r.out.moved, 1);
    }
  }
}

TEST(SchedBalanceRq, V26SmtDomainReportsMinusOneWhenBusy) {
  // 2.6.x: a busy SMT domain that moved nothing returns -1 ("pretend we are busy").
  for (const std::string name : {"v2.6.20", "v2.6.32"}) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(smt_pkg_topology(2, 2), name);
    place(m, 0, {task(1)});
    place(m, 1, {task(2)});
    LoadBalancer lb(m);
    EXPECT_EQ(balance(m, lb, 1, 0, CpuIdleType::NotIdle).out.moved, -1);
  }
}

// The periodic pass (sched_balance_domains.h) with the model's balance, ticking both CPUs
// of a 2-CPU machine until the idle CPU has one of the two tasks. Returns the events.
RecordingEventSink run_periodic_pass(MachineState& m) {
  place(m, 0, {task(1), task(2)});
  LoadBalancer lb(m);
  NohzHooks nohz;
  RecordingEventSink sink;
  bool done = false;
  for (int tick = 0; tick < 200 && !done; ++tick) {
    for (int cpu = 0; cpu < 2; ++cpu) {
      sched_tick_balance(m, cpu, nohz, sink);
      if (m.rq(cpu).sched_softirq_pending) {
        SchedBalanceSoftirq softirq(cpu);
        softirq.run_to_completion(m, lb, nohz, sink);
      }
    }
    done = m.rq(1).nr_running() == 1;
    advance_jiffies(m);
  }
  EXPECT_TRUE(done);
  EXPECT_EQ(m.rq(0).nr_running(), 1u);
  return sink;
}

TEST(PeriodicPass, ResolvesATwoCpuImbalance) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = machine(flat_topology(2), profile(name.c_str()));
    const auto results = run_periodic_pass(m).of_type<BalanceResultEvent>();
    ASSERT_FALSE(results.empty());
    EXPECT_EQ(results.back().moved, 1);
    EXPECT_EQ(results.back().cpu, 1);
  }
}

TEST(PeriodicPass, ResolvesATwoCpuImbalanceOnABuiltTopology) {
  // build_sched_domains() for one socket of two cores: a single MC domain, groups built.
  MachineSpec spec;
  spec.cores = 2;
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    const Profile p = profile(name.c_str());
    const Topology t = build_sched_domains(spec, p.version, initial_jiffies(p.hz));
    ASSERT_EQ(t.find(0)->domains.size(), 1u);
    MachineState m = machine(t, p);
    const auto moves = run_periodic_pass(m).of_type<TaskMigrateEvent>();
    ASSERT_EQ(moves.size(), 1u);
    EXPECT_EQ(moves[0].to_cpu, 1);
  }
}

}  // namespace
}  // namespace sbm
