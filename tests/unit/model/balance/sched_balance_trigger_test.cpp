#include "model/balance/sched_balance_trigger.h"

#include <gtest/gtest.h>

#include "tests/support/sched_balance_testing.h"

namespace sbm {
namespace {

using testing::profile;

TEST(SchedBalanceTrigger, RaisesIffTimeAfterEqNextBalance) {
  MachineState m = testing::machine(testing::mc_numa_topology(4), profile("v6.17"));
  NohzHooks nohz;
  RecordingEventSink sink;
  m.rq(0).next_balance = m.jiffies + 1;
  TriggerResult r = sched_tick_balance(m, 0, nohz, sink);
  EXPECT_FALSE(r.raised);
  EXPECT_EQ(r.reason, TriggerReason::NotDue);
  EXPECT_FALSE(m.rq(0).sched_softirq_pending);
  advance_jiffies(m, 1);
  r = sched_tick_balance(m, 0, nohz, sink);  // equal: inclusive
  EXPECT_TRUE(r.raised);
  EXPECT_TRUE(m.rq(0).sched_softirq_pending);
  const auto ticks = sink.of_type<TickEvent>();
  ASSERT_EQ(ticks.size(), 2u);
  EXPECT_EQ(ticks[1].next_balance, m.jiffies);
  EXPECT_TRUE(ticks[1].attached);
  EXPECT_TRUE(ticks[1].active);
  EXPECT_EQ(sink.of_type<SoftirqRaiseEvent>().size(), 1u);
}

TEST(SchedBalanceTrigger, TickSamplesIdleSinceV2621) {
  for (const char* name : {"v2.6.20", "v6.17"}) {
    MachineState m = testing::machine(testing::mc_numa_topology(4), profile(name));
    m.rq(1).idle_balance = true;
    m.rq(1).tasks.push_back(Task{3, 1024, CpuMask::single(1), true});
    NohzHooks nohz;
    NullEventSink none;
    sched_tick_balance(m, 1, nohz, none);
    EXPECT_EQ(m.rq(1).idle_balance, std::string(name) == "v2.6.20") << name;
  }
}

TEST(SchedBalanceTrigger, IdleCpuSeesPendingWakeupAsBusy) {
  MachineState m = testing::machine(testing::mc_numa_topology(4), profile("v6.17"));
  m.rq(2).ttwu_pending = true;
  NohzHooks nohz;
  NullEventSink none;
  sched_tick_balance(m, 2, nohz, none);
  EXPECT_FALSE(m.rq(2).idle_balance);
  EXPECT_FALSE(idle_cpu(m.rq(2)));
}

}  // namespace
}  // namespace sbm
