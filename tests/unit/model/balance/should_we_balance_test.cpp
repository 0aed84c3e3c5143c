// should_we_balance(): the designated balancer of a domain, per profile.
#include <gtest/gtest.h>

#include "model/balance/lb_groups.h"
#include "model/balance/should_we_balance.h"
#include "tests/support/load_balance_testing.h"

namespace sbm {
namespace {

using namespace testing;

// env for CPU `dst` balancing domain `level` with env->cpus = the span.
LbEnv env_for(const MachineState& m, int dst, int level, CpuIdleType idle) {
  LbEnv env;
  env.this_cpu = env.dst_cpu = env.executing_cpu = dst;
  env.level = level;
  env.idle = idle;
  env.cpus = m.rq(dst).sd[static_cast<size_t>(level)].span();
  return env;
}

bool swb(const MachineState& m, int dst, int level, CpuIdleType idle = CpuIdleType::Idle) {
  const LbEnv env = env_for(m, dst, level, idle);
  const auto groups = sched_groups_of(m, dst, level);
  return should_we_balance(m, env, groups.front(),
                           m.rq(dst).sd[static_cast<size_t>(level)].flags());
}

// 4 CPUs: SMT cores {0,1} and {2,3} under one MC domain, whose groups are the cores.
// CPU 0 busy, CPUs 1, 2, 3 idle.
TEST(ShouldWeBalance, FirstIdleCpuOfTheLocalGroup) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(smt_pkg_topology(4, 2), name);
    place(m, 0, {task(1)});
    EXPECT_TRUE(swb(m, 1, 1)) << "CPU1 is the first idle CPU of core {0,1}";
    EXPECT_FALSE(swb(m, 0, 1)) << "busy CPU0 is not";
    EXPECT_TRUE(swb(m, 2, 1));
    EXPECT_FALSE(swb(m, 3, 1)) << "CPU3 is idle but CPU2 comes first";
  }
}

TEST(ShouldWeBalance, NoIdleCpuMeansTheGroupBalanceCpu) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(smt_pkg_topology(4, 2), name);
    place(m, 0, {task(1)});
    place(m, 1, {task(2)});
    EXPECT_TRUE(swb(m, 0, 1));
    EXPECT_FALSE(swb(m, 1, 1));
  }
}

// 8 CPUs: SMT cores of 2, MC of 4, package of 8. At the package level CPU 0's local group is
// MC {0-3}. CPU 0 busy, CPU 1 idle (core {0,1} busy), CPUs 2, 3 idle (core {2,3} idle).
TEST(ShouldWeBalance, IdleCoreBeforeIdleSmtSiblingFromV6) {
  const SdFlags smt{SdFlag::BalanceNewidle, SdFlag::ShareCpucapacity, SdFlag::ShareLlc};
  const SdFlags mc{SdFlag::BalanceNewidle, SdFlag::ShareLlc};
  const SdFlags pkg{SdFlag::BalanceNewidle};
  const Topology t = hand_topology(8, {{"SMT", 2, smt}, {"MC", 4, mc}, {"PKG", 8, pkg}});
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(t, name);
    place(m, 0, {task(1)});
    const bool v6 = m.profile.should_we_balance == ShouldWeBalance::IdleCoreFirst;
    EXPECT_EQ(swb(m, 1, 2), !v6) << "first idle CPU (4.19 and before)";
    EXPECT_EQ(swb(m, 2, 2), v6) << "first CPU of an idle core (6.x)";
    EXPECT_FALSE(swb(m, 3, 2));
  }
}

TEST(ShouldWeBalance, IdleSmtSiblingWhenNoCoreIsIdle) {
  const SdFlags smt{SdFlag::BalanceNewidle, SdFlag::ShareCpucapacity, SdFlag::ShareLlc};
  const SdFlags mc{SdFlag::BalanceNewidle, SdFlag::ShareLlc};
  const SdFlags pkg{SdFlag::BalanceNewidle};
  const Topology t = hand_topology(8, {{"SMT", 2, smt}, {"MC", 4, mc}, {"PKG", 8, pkg}});
  MachineState m = lb_machine(t, "v6.17");
  place(m, 0, {task(1)});
  place(m, 3, {task(2)});
  EXPECT_TRUE(swb(m, 1, 2)) << "CPU1: the first idle SMT CPU seen";
  EXPECT_FALSE(swb(m, 2, 2));
}

TEST(ShouldWeBalance, NewlyIdle) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(smt_pkg_topology(4, 2), name);
    EXPECT_TRUE(swb(m, 3, 1, CpuIdleType::NewlyIdle)) << "every CPU balances when newly idle";
    place(m, 3, {task(1)});
    const bool bails = m.profile.should_we_balance == ShouldWeBalance::IdleCoreFirst;
    EXPECT_EQ(swb(m, 3, 1, CpuIdleType::NewlyIdle), !bails)
        << "6.x bails out when the dst got a task meanwhile";
  }
}

TEST(ShouldWeBalance, DstOutsideEnvCpus) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(smt_pkg_topology(4, 2), name);
    place(m, 1, {task(1)});  // so that 2.6.x falls back to the group's first CPU, 0
    LbEnv env = env_for(m, 0, 1, CpuIdleType::Idle);
    env.cpus.clear(0);  // CPU 0 went inactive during the softirq
    const auto groups = sched_groups_of(m, 0, 1);
    const bool legacy = m.profile.should_we_balance == ShouldWeBalance::FirstIdleOfLocalGroup;
    EXPECT_EQ(should_we_balance(m, env, groups.front(), m.rq(0).sd[1].flags()), legacy)
        << "3.x+ refuses a dst outside env->cpus; 2.6.x has no such test";
  }
}

}  // namespace
}  // namespace sbm
