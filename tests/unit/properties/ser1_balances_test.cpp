// SER-1 over the balances (check_ser1_balances): a balance of an SD_SERIALIZE domain by a
// caller the era serializes returns while another CPU holds the token. Newly idle callers
// count from v6.19 (522fb20fbdbe, spec/bugs.md #15), periodic callers in every era.
#include <gtest/gtest.h>

#include "properties/ser_invariants.h"
#include "tests/support/sched_balance_testing.h"

namespace sbm {
namespace {

using testing::mc_numa_topology;

constexpr int kMc = 0, kNuma = 1;  // levels of mc_numa_topology()

MachineState make(const char* profile) {
  return testing::machine(mc_numa_topology(), testing::profile(profile));
}

SerializeEvent token(SerializeAction action, int cpu, int holder) {
  return SerializeEvent{cpu, cpu, kNuma, action, holder};
}

BalanceResultEvent returned(int cpu, int level, CpuIdleType idle, bool serialize_busy = false,
                            bool continue_balancing = true) {
  return BalanceResultEvent{cpu, level, idle, 0, serialize_busy, continue_balancing, 100, 8, 4, 4};
}

// CPU0 holds the token for its NUMA domain while CPU2's balance of its NUMA domain returns.
std::vector<BalanceEvent> overlap(CpuIdleType idle) {
  return {token(SerializeAction::Acquire, 0, 0), returned(2, kNuma, idle),
          token(SerializeAction::Release, 0, 0)};
}

TEST(Ser1Balances, FiresOnANewlyIdleBalanceWithoutTheTokenUnderV619) {
  const std::vector<Violation> v =
      check_ser1_balances(make("v6.19"), overlap(CpuIdleType::NewlyIdle));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].id, "SER-1");
  EXPECT_EQ(v[0].line, 2);
  EXPECT_EQ(v[0].cpu, 2);
  EXPECT_EQ(v[0].level_name, "NUMA");
  EXPECT_EQ(v[0].explanation, "two CPUs inside a serialized section at once");
}

TEST(Ser1Balances, HoldsForTheSameNewlyIdleBalanceBefore522fb20fbdbe) {
  for (const char* era : {"v2.6.32", "v4.19", "v6.17"})
    EXPECT_TRUE(check_ser1_balances(make(era), overlap(CpuIdleType::NewlyIdle)).empty()) << era;
  Profile tip_between = testing::profile("v6.19");
  tip_between.serialize_newidle = false;  // 3324b2180c17 without 522fb20fbdbe
  EXPECT_TRUE(check_ser1_balances(testing::machine(mc_numa_topology(), tip_between),
                                  overlap(CpuIdleType::NewlyIdle))
                  .empty());
}

TEST(Ser1Balances, FiresOnAPeriodicBalanceInEveryEra) {
  for (const char* era : {"v2.6.20", "v6.17", "v6.19"})
    EXPECT_EQ(check_ser1_balances(make(era), overlap(CpuIdleType::Idle)).size(), 1u) << era;
}

TEST(Ser1Balances, HoldsForBalancesThatNeverWentInside) {
  const MachineState m = make("v6.19");
  // Busy token (out_balanced), not the designated balancer, a domain without SD_SERIALIZE.
  for (const BalanceResultEvent& r : {returned(2, kNuma, CpuIdleType::NewlyIdle, true),
                                      returned(2, kNuma, CpuIdleType::NewlyIdle, false, false),
                                      returned(2, kMc, CpuIdleType::NewlyIdle)}) {
    const std::vector<BalanceEvent> ev = {token(SerializeAction::Acquire, 0, 0), r,
                                          token(SerializeAction::Release, 0, 0)};
    EXPECT_TRUE(check_ser1_balances(m, ev).empty());
  }
}

TEST(Ser1Balances, HoldsForTheHoldersOwnReturnInBothPlacements) {
  // <= 6.18: sched_balance_domains() releases after sched_balance_rq() returned.
  const std::vector<BalanceEvent> v617 = {token(SerializeAction::Acquire, 0, 0),
                                          returned(0, kNuma, CpuIdleType::Idle),
                                          token(SerializeAction::Release, 0, 0)};
  EXPECT_TRUE(check_ser1_balances(make("v6.17"), v617).empty());
  // 6.19: released at "out:", before the return; another CPU may take it in between.
  const std::vector<BalanceEvent> v619 = {
      token(SerializeAction::Acquire, 2, 2), token(SerializeAction::Release, 2, 2),
      token(SerializeAction::Acquire, 0, 0), returned(2, kNuma, CpuIdleType::NewlyIdle),
      token(SerializeAction::Release, 0, 0)};
  EXPECT_TRUE(check_ser1_balances(make("v6.19"), v619).empty());
  // Without its own section the same return is a breach.
  const std::vector<BalanceEvent> bare(v619.begin() + 2, v619.end());
  EXPECT_EQ(check_ser1_balances(make("v6.19"), bare).size(), 1u);
}

TEST(Ser1Balances, HoldOnSimulatedPasses) {
  for (const char* era : {"v6.17", "v6.19"}) {
    MachineState m = make(era);
    advance_jiffies(m, 4);
    testing::ScriptedBalancer b;
    RecordingEventSink sink;
    SchedBalanceDomains p0(0, CpuIdleType::Idle), p2(2, CpuIdleType::Idle);
    while (!p0.done() || !p2.done()) {
      if (!p0.done()) p0.step(m, b, sink);
      if (!p2.done()) p2.step(m, b, sink);
    }
    ASSERT_FALSE(sink.of_type<BalanceResultEvent>().empty()) << era;
    EXPECT_TRUE(check_ser1_balances(m, sink.events).empty()) << era;
  }
}

}  // namespace
}  // namespace sbm
