// The 2.6.21-3.2 owner model of NOHZ idle balancing (model/nohz/nohz.h) in v2.6.32:
// select_nohz_load_balancer(), the trigger_load_balance() branches and the owner's walk
// in run_rebalance_domains().
#include <gtest/gtest.h>

#include "nohz_testing.h"
#include "properties/nohz_invariants.h"

namespace sbm::testing {
namespace {

TEST(NohzOwner, FirstCpuToStopItsTickBecomesTheOwnerAndKeepsTicking) {
  NohzRig r("v2.6.32");
  r.add_tasks(0, 1);
  EXPECT_TRUE(nohz_stop_tick(r.m, 1, r.sink));
  EXPECT_FALSE(nohz_stop_tick(r.m, 2, r.sink));
  EXPECT_FALSE(nohz_stop_tick(r.m, 3, r.sink));
  EXPECT_EQ(r.m.nohz.load_balancer, 1);
  EXPECT_EQ(r.m.nohz.idle_cpus_mask, CpuMask::range(1, 3));
  EXPECT_FALSE(nohz_tick_is_stopped(r.m, 1));
  EXPECT_TRUE(nohz_tick_is_stopped(r.m, 2));
  EXPECT_TRUE(r.m.rq(2).in_nohz_recently);
}

TEST(NohzOwner, IdleNonOwnerDoesNotRaiseTheOwnerDoes) {
  NohzRig r("v2.6.32");
  r.add_tasks(0, 1);
  for (int cpu = 1; cpu < 4; ++cpu) r.stop_tick(cpu);
  // Both due (rq->next_balance = jiffies at boot).
  EXPECT_EQ(r.tick(2).reason, TriggerReason::NohzDefers);
  EXPECT_EQ(r.tick(1).reason, TriggerReason::Raised);
}

TEST(NohzOwner, OwnerBalancesEveryOtherMaskCpuAndPullsItsNextBalance) {
  NohzRig r("v2.6.32");
  r.add_tasks(0, 1);
  for (int cpu = 1; cpu < 4; ++cpu) r.stop_tick(cpu);
  r.m.rq(2).next_balance = r.at(50);  // not due: the owner balances it anyway
  r.m.rq(3).next_balance = r.at(50);
  ASSERT_TRUE(r.tick(1).raised);
  r.softirq(1);
  EXPECT_EQ(r.ilb_balanced(), (std::vector<int>{2, 3}));
  // Its own pass ran first, for itself.
  const auto passes = r.sink.of_type<PassStartEvent>();
  ASSERT_EQ(passes.size(), 3u);
  EXPECT_EQ(passes[0].cpu, 1);
  const auto ends = r.sink.of_type<IlbPassEndEvent>();
  ASSERT_EQ(ends.size(), 1u);
  uint64_t expected = r.m.rq(1).next_balance;
  for (int cpu : {2, 3})
    if (time_after(r.m.ops, expected, r.m.rq(cpu).next_balance))
      expected = r.m.rq(cpu).next_balance;
  EXPECT_EQ(ends[0].after, expected);
  EXPECT_TRUE(check_nohz1(r.sink.events).empty());
  EXPECT_TRUE(check_nohz2(r.m.profile, r.sink.events).empty());
}

TEST(NohzOwner, BusyOwnerHandsOwnershipToTheFirstMaskCpu) {
  NohzRig r("v2.6.32");
  r.add_tasks(0, 1);
  for (int cpu = 1; cpu < 4; ++cpu) r.stop_tick(cpu);
  r.add_tasks(1, 1);
  nohz_restart_tick(r.m, 1, r.sink);  // select_nohz_load_balancer(0)
  EXPECT_EQ(r.m.nohz.load_balancer, -1);
  EXPECT_FALSE(r.m.nohz.idle_cpus_mask.test(1));
  r.tick(1);  // first busy tick: nominate find_new_ilb() = CPU2
  const auto kicks = r.sink.of_type<NohzKickEvent>();
  ASSERT_EQ(kicks.size(), 1u);
  EXPECT_EQ(kicks[0].target, 2);
  EXPECT_FALSE(r.m.rq(1).in_nohz_recently);
  r.deliver_ipis();  // CPU2 goes round its idle loop and stops its tick again
  EXPECT_EQ(r.m.nohz.load_balancer, 2);
  EXPECT_FALSE(r.m.rq(2).nohz_tick_stopped);
}

TEST(NohzOwner, OwnerStopsWhenEveryCpuIsTickless) {
  NohzRig r("v2.6.32");
  for (int cpu = 0; cpu < 4; ++cpu) r.stop_tick(cpu);
  EXPECT_EQ(r.m.nohz.load_balancer, 0);  // CPU3 found the mask full and just slept
  EXPECT_EQ(r.tick(0).reason, TriggerReason::NohzDefers);
  r.deliver_ipis();
  EXPECT_EQ(r.m.nohz.load_balancer, -1);
  for (int cpu = 0; cpu < 4; ++cpu) EXPECT_TRUE(r.m.rq(cpu).nohz_tick_stopped) << cpu;
}

TEST(NohzOwner, OwnerStopsBalancingOthersOnceItHasWork) {
  NohzRig r("v2.6.32");
  r.add_tasks(0, 1);
  for (int cpu = 1; cpu < 4; ++cpu) r.stop_tick(cpu);
  advance_jiffies(r.m, 10);  // domains due, so load_balance() runs
  ASSERT_TRUE(r.tick(1).raised);
  r.balancer.script[{1, 0}] = ScriptStep{1};  // the owner's own pass pulls a task
  r.softirq(1);
  EXPECT_TRUE(r.ilb_balanced().empty());
  const auto ends = r.sink.of_type<IlbPassEndEvent>();
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_FALSE(ends[0].complete);
  EXPECT_TRUE(check_nohz2(r.m.profile, r.sink.events).empty());
}

}  // namespace
}  // namespace sbm::testing
