// get_sd_balance_interval(), the next_balance minimum and the balance_interval back-off,
// on machine integers (the same templates serve Z3 later).
#include <gtest/gtest.h>

#include "model/balance/balance_interval.h"
#include "tests/support/sched_balance_testing.h"

namespace sbm {
namespace {

using testing::profile;

uint64_t interval(const Profile& p, uint64_t bi, uint64_t busy_factor, bool busy, uint64_t cap) {
  const WrapOps o{p.jiffies_bits};
  return get_sd_balance_interval(o, bi, busy_factor, busy, interval_rule(p), cap);
}

TEST(SchedBalanceInterval, BusyIntervalMinusOneSinceV510AtHz250) {
  const Profile v617 = profile("v6.17", {.hz = 250});
  const Profile v419 = profile("v4.19", {.hz = 250});
  // 2 ms x 16 = 32 ms -> 8 jiffies at HZ=250, then -1 when busy.
  EXPECT_EQ(interval(v617, 2, 16, true, 1000), 7u);
  EXPECT_EQ(interval(v419, 2, 16, true, 1000), 8u);
  // 3 ms x 16 = 48 ms -> 12 -> 11; idle 3 ms rounds up to 1 jiffy, no -1 when idle.
  EXPECT_EQ(interval(v617, 3, 16, true, 1000), 11u);
  EXPECT_EQ(interval(v617, 3, 16, false, 1000), 1u);
  // busy 1 ms x 1 = 1 jiffy, -1 = 0, clamped back to 1.
  EXPECT_EQ(interval(v617, 1, 1, true, 1000), 1u);
}

TEST(SchedBalanceInterval, ZeroMillisecondsWhenBusyWrapsToTheCapSinceV510) {
  // interval is unsigned long: msecs_to_jiffies(0) - 1 wraps, and clamp() brings it to
  // max_load_balance_interval, not to 1.
  EXPECT_EQ(interval(profile("v6.17"), 0, 16, true, 100), 100u);
  EXPECT_EQ(interval(profile("v4.19"), 0, 16, true, 100), 1u);
}

TEST(SchedBalanceInterval, CapPerEra) {
  // 64 ms x 32 busy = 2048 ms = 512 jiffies at HZ=250.
  const Profile v2620 = profile("v2.6.20", {.hz = 250});
  const Profile v2632 = profile("v2.6.32", {.hz = 250, .nr_cpus = 8});
  EXPECT_EQ(interval(v2620, 64, 32, true, 0), 512u);             // no cap at all
  EXPECT_EQ(interval(v2632, 64, 32, true, 250 * 8 / 10), 200u);  // HZ*NR_CPUS/10
  EXPECT_EQ(interval(v2632, 64, 32, true, 250 * 64 / 10), 512u);
}

TEST(SchedBalanceInterval, MachineCapFollowsTheProfile) {
  const Topology t = testing::mc_numa_topology(4);
  MachineState m617 = testing::machine(t, profile("v6.17", {.hz = 250}));
  // The last CPU of the boot brought up counted the three before it (update_max_interval()
  // from sched_rq_cpu_starting(), before set_cpu_online(), kernel/sched/core.c v6.18).
  EXPECT_EQ(balance_interval_cap(m617), 250u * 3 / 10);
  MachineState m2632 = testing::machine(t, profile("v2.6.32", {.hz = 250, .nr_cpus = 64}));
  EXPECT_EQ(balance_interval_cap(m2632), 250u * 64 / 10);
  MachineState m2620 = testing::machine(t, profile("v2.6.20"));
  EXPECT_EQ(balance_interval_cap(m2620), 0u);
  // Hotplug: update_max_interval() recomputes from the online mask (sched_cpu_dying(), after
  // the CPU left it).
  m617.online.clear(3);
  update_max_interval(m617);
  EXPECT_EQ(balance_interval_cap(m617), 250u * 3 / 10);
  m617.online.clear(2);
  update_max_interval(m617);
  EXPECT_EQ(balance_interval_cap(m617), 250u * 2 / 10);
  // One CPU booted alone keeps the static HZ/10.
  const Topology one = testing::mc_numa_topology(1);
  EXPECT_EQ(balance_interval_cap(testing::machine(one, profile("v6.17", {.hz = 250}))), 250u / 10);
}

TEST(SchedBalanceInterval, NextBalanceMinimumUsesTimeAfterAcrossTheWrap) {
  const WrapOps o{32};
  NextBalanceMin<WrapOps> acc{o.lit(0xfffffff0u + 100), false};  // wrapped: 0x54
  acc = next_balance_min_update(o, acc, 0xfffffffeu);            // before the wrap: earlier, taken
  EXPECT_EQ(acc.value, 0xfffffffeu);
  EXPECT_TRUE(acc.updated);
  acc = next_balance_min_update(o, acc, 0x10);  // after the wrap: later, not taken
  EXPECT_EQ(acc.value, 0xfffffffeu);
  // Equal candidates are not "earlier": strict time_after.
  NextBalanceMin<WrapOps> same{5, false};
  EXPECT_FALSE(next_balance_min_update(o, same, 5).updated);
}

TEST(SchedBalanceInterval, NextBalanceAfterPassKeepsTheOldValueWhenNothingFedIt) {
  const WrapOps o{64};
  const NextBalanceMin<WrapOps> unfed{1000, false};
  EXPECT_EQ(next_balance_after_pass(o, 7, unfed, false), 7u);
  EXPECT_EQ(next_balance_after_pass(o, 7, unfed, true), 1000u);  // v2.6.20 always writes
  EXPECT_EQ(next_balance_after_pass(o, 7, NextBalanceMin<WrapOps>{900, true}, false), 900u);
}

TEST(SchedBalanceInterval, BackoffDoublesBelowMaxIntervalOnly) {
  const WrapOps o{32};
  EXPECT_EQ(balance_interval_backoff(o, 8, 16, false, 512), 16u);
  EXPECT_EQ(balance_interval_backoff(o, 16, 16, false, 512), 16u);
  // Not a hard cap: the test is before the doubling.
  EXPECT_EQ(balance_interval_backoff(o, 15, 16, false, 512), 30u);
}

TEST(SchedBalanceInterval, AllPinnedBacksOffToTen22) {
  const WrapOps o{32};
  EXPECT_EQ(balance_interval_backoff(o, 256, 16, true, 512), 512u);
  EXPECT_EQ(balance_interval_backoff(o, 512, 16, true, 512), 512u);
  EXPECT_EQ(balance_interval_backoff(o, 511, 16, true, 512), 1022u);
  EXPECT_EQ(balance_interval_ceiling(511, 1022, 512), 1022u);
  EXPECT_EQ(balance_interval_ceiling(1, 4, 512), 512u);
  EXPECT_EQ(balance_interval_ceiling(3, 6, 512), 768u);
  EXPECT_EQ(balance_interval_ceiling(700, 1000, 512), 1400u);  // above max_interval
}

TEST(SchedBalanceInterval, BackoffReachedPerEra) {
  EXPECT_TRUE(balance_interval_backoff_applies(profile("v4.19"), CpuIdleType::NewlyIdle, false));
  EXPECT_FALSE(balance_interval_backoff_applies(profile("v6.17"), CpuIdleType::NewlyIdle, false));
  EXPECT_FALSE(balance_interval_backoff_applies(profile("v2.6.32"), CpuIdleType::NewlyIdle, false));
  EXPECT_TRUE(balance_interval_backoff_applies(profile("v4.19"), CpuIdleType::Idle, true));
  EXPECT_FALSE(balance_interval_backoff_applies(profile("v6.17"), CpuIdleType::Idle, true));
  EXPECT_TRUE(balance_interval_backoff_applies(profile("v6.17"), CpuIdleType::NotIdle, false));
}

}  // namespace
}  // namespace sbm
