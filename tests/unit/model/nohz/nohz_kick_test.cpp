// The 3.3+ kick model of NOHZ idle balancing (model/nohz/nohz.h) as v4.19 and v6.17 differ:
// kick_ilb()'s effect on nohz.next_balance, find_new_ilb(), the ILB walk order and its
// due test, the write of nohz.next_balance after the walk, needs_update, and the IPI.
#include <gtest/gtest.h>

#include "model/topology/build_sched_domains.h"
#include "model/topology/sched_hotplug.h"
#include "nohz_testing.h"
#include "properties/nohz_invariants.h"

namespace sbm::testing {
namespace {

constexpr unsigned kBalanceStats = kNohzBalanceKick | kNohzStatsKick;

// Every check a profile guarantees holds over what its model emitted.
void expect_own_rules_hold(const NohzRig& r) {
  EXPECT_TRUE(check_nohz1(r.sink.events).empty());
  EXPECT_TRUE(check_nohz2(r.m.profile, r.sink.events).empty());
}

std::vector<Violation> under_v6_17_rules(const NohzRig& r) {
  return check_nohz2(r.m.profile, nohz_rules(profile("v6.17")), r.sink.events);
}

// CPUs 1..3 tickless idle, CPU0 running `tasks`; needs_update cleared so only the
// scenario's own reasons pick the flags.
void idle_but_cpu0(NohzRig& r, int tasks) {
  for (int cpu = 1; cpu < 4; ++cpu) r.stop_tick(cpu);
  r.m.nohz.needs_update = false;
  r.add_tasks(0, tasks);
}

TEST(NohzKick, StatsOnlyKickMovesNextBalanceByOneInV419Only) {
  for (const char* name : {"v4.19", "v6.17"}) {
    NohzRig r(name);
    idle_but_cpu0(r, 1);
    r.m.nohz.next_balance = r.at(10);  // not due: no BALANCE reason
    r.m.nohz.next_blocked = r.at(-1);  // blocked load to update: STATS
    r.tick(0);
    const auto kicks = r.sink.of_type<NohzKickEvent>();
    ASSERT_EQ(kicks.size(), 1u) << name;
    EXPECT_EQ(kicks[0].flags, kNohzStatsKick) << name;
    EXPECT_EQ(kicks[0].target, 1) << name;
    const bool v419 = std::string(name) == "v4.19";
    EXPECT_EQ(r.m.nohz.next_balance, r.at(v419 ? 11 : 10)) << name;
    // spec/bugs.md #11: the 4.19 kick delays the idle balance; 6.17 guarantees it does not.
    EXPECT_EQ(under_v6_17_rules(r).size(), v419 ? 1u : 0u) << name;
    expect_own_rules_hold(r);
  }
}

TEST(NohzKick, BalanceKickSetsJiffiesPlusOneInV617AndIncrementsInV419) {
  for (const char* name : {"v4.19", "v6.17"}) {
    NohzRig r(name);
    idle_but_cpu0(r, 2);  // nr_running >= 2
    r.m.nohz.next_balance = r.at(-5);
    r.m.nohz.next_blocked = r.at(100);
    r.tick(0);
    const auto kicks = r.sink.of_type<NohzKickEvent>();
    ASSERT_EQ(kicks.size(), 1u) << name;
    EXPECT_EQ(kicks[0].flags, kBalanceStats) << name;
    EXPECT_TRUE(kicks[0].ipi) << name;
    EXPECT_EQ(r.m.nohz.next_balance, std::string(name) == "v4.19" ? r.at(-4) : r.at(1)) << name;
    EXPECT_TRUE(r.m.nohz.ipi_pending.test(1)) << name;
    expect_own_rules_hold(r);
  }
}

TEST(NohzKick, LlcWithTwoBusyCpusKicks) {
  NohzRig r("v6.17", 8);
  for (int cpu = 2; cpu < 8; ++cpu) r.stop_tick(cpu);
  r.m.nohz.needs_update = false;
  r.m.nohz.next_blocked = r.at(100);
  r.add_tasks(0, 1);
  r.add_tasks(1, 1);
  EXPECT_EQ(llc_nr_busy_cpus(r.m, 0), 2);
  r.tick(0);
  ASSERT_EQ(r.sink.of_type<NohzKickEvent>().size(), 1u);
  EXPECT_EQ(r.sink.of_type<NohzKickEvent>()[0].flags, kBalanceStats);
}

// sd_init() sets sd->shared->nr_busy_cpus = sd_weight whenever the domains are built
// (kernel/sched/topology.c v4.19, v6.17); set_cpu_sd_state_idle() takes a CPU off only from
// nohz_balance_enter_idle()'s transition to tickless, and set_cpu_sd_state_busy() gives it
// back only when the CPU's own sd->nohz_idle says it was taken off.
TEST(NohzKick, RebuildStartsTheLlcBusyCountAtItsWeight) {
  const MachineSpec spec = parse_machine_spec("sockets=1,cores=4").spec.value();
  for (const char* name : {"v4.19", "v6.17", "v6.19"}) {
    NohzRig r(name, build_sched_domains(spec, profile(name).version, 0));
    r.stop_tick(2);
    r.stop_tick(3);
    EXPECT_EQ(llc_nr_busy_cpus(r.m, 0), 2) << name;
    rebuild_sched_domains(r.m, spec);
    EXPECT_TRUE(r.m.nohz.idle_cpus_mask.test(2)) << name;
    EXPECT_EQ(llc_nr_busy_cpus(r.m, 0), 4) << name;
    r.stop_tick(3);  // still tickless: nohz_balance_enter_idle() skips to out
    EXPECT_EQ(llc_nr_busy_cpus(r.m, 0), 4) << name;
    // CPU 3's first busy tick leaves NOHZ (nothing to give back), its next idle takes it off.
    r.add_tasks(3, 1);
    r.tick(3);
    EXPECT_FALSE(r.m.nohz.idle_cpus_mask.test(3)) << name;
    EXPECT_EQ(llc_nr_busy_cpus(r.m, 0), 4) << name;
    r.m.rq(3).tasks.clear();
    r.stop_tick(3);
    EXPECT_EQ(llc_nr_busy_cpus(r.m, 0), 3) << name;
  }
}

// The count is what nohz_balancer_kick() reads: a lone task on CPU0 with the other three
// tickless kicks only after a rebuild, when the LLC still counts them busy.
TEST(NohzKick, StaleBusyCountAfterRebuildKicks) {
  const MachineSpec spec = parse_machine_spec("sockets=1,cores=4").spec.value();
  for (const bool rebuilt : {false, true}) {
    NohzRig r("v6.17", build_sched_domains(spec, profile("v6.17").version, 0));
    for (int cpu = 1; cpu < 4; ++cpu) r.stop_tick(cpu);
    if (rebuilt) rebuild_sched_domains(r.m, spec);
    r.m.nohz.needs_update = false;
    r.m.nohz.has_blocked = false;
    r.m.nohz.next_balance = r.at(-5);
    r.add_tasks(0, 1);
    r.tick(0);
    const auto kicks = r.sink.of_type<NohzKickEvent>();
    EXPECT_EQ(kicks.size(), rebuilt ? 1u : 0u) << rebuilt;
  }
}

TEST(NohzKick, FirstCpuOfTheMaskBusyMeansNoIlbInV419) {
  for (const char* name : {"v4.19", "v6.17"}) {
    NohzRig r(name);
    r.stop_tick(1);
    r.stop_tick(2);
    r.add_tasks(1, 1);  // woken, its busy tick has not come yet: still in the mask
    EXPECT_EQ(find_new_ilb(r.m, 0), std::string(name) == "v4.19" ? -1 : 2) << name;
  }
}

TEST(NohzKick, V617NeverPicksTheKickingCpu) {
  NohzRig r617("v6.17"), r419("v4.19");
  for (NohzRig* r : {&r617, &r419}) {
    r->stop_tick(0);
    r->stop_tick(2);
  }
  EXPECT_EQ(find_new_ilb(r617.m, 0), 2);
  EXPECT_EQ(find_new_ilb(r617.m, 1), 0);
  EXPECT_EQ(find_new_ilb(r419.m, 0), 0);
}

// Every CPU tickless idle; the ILB CPU2 is kicked directly.
void kick_cpu2(NohzRig& r) {
  r.m.rq(2).nohz_flags = kBalanceStats;
  r.m.nohz.ipi_pending.set(2);
}

TEST(NohzKick, WalkOrderAscendingSelfLastInV419WrapInV617) {
  for (const char* name : {"v4.19", "v6.17"}) {
    NohzRig r(name);
    for (int cpu = 0; cpu < 4; ++cpu) r.stop_tick(cpu);
    kick_cpu2(r);
    r.deliver_ipis();
    const std::vector<int> expected =
        std::string(name) == "v4.19" ? std::vector<int>{0, 1, 3, 2} : std::vector<int>{3, 0, 1, 2};
    EXPECT_EQ(r.ilb_balanced(), expected) << name;
    for (const IlbBalanceEvent& e : r.sink.of_type<IlbBalanceEvent>()) EXPECT_EQ(e.ilb_cpu, 2);
    expect_own_rules_hold(r);
  }
}

TEST(NohzKick, IlbBalancesItselfOnlyWhenDueInV617) {
  for (const char* name : {"v4.19", "v6.17"}) {
    NohzRig r(name);
    for (int cpu = 0; cpu < 4; ++cpu) r.stop_tick(cpu);
    r.m.rq(2).next_balance = r.at(50);
    kick_cpu2(r);
    r.deliver_ipis();
    const std::vector<int> expected =
        std::string(name) == "v4.19" ? std::vector<int>{0, 1, 3, 2} : std::vector<int>{3, 0, 1};
    EXPECT_EQ(r.ilb_balanced(), expected) << name;
  }
}

// spec/bugs.md #11 (and #10): v4.19 overwrites the ILB's own fold with the others' minimum.
TEST(NohzKick, V419LosesTheIlbsOwnNextBalance) {
  for (const char* name : {"v4.19", "v6.17"}) {
    NohzRig r(name);
    for (int cpu = 0; cpu < 4; ++cpu) r.stop_tick(cpu);
    for (int cpu : {0, 1, 3}) r.m.rq(cpu).next_balance = r.at(20);  // not due
    kick_cpu2(r);
    r.deliver_ipis();
    ASSERT_EQ(r.m.rq(2).next_balance, r.at(1)) << name;  // balanced: idle interval 1 jiffy
    const bool v419 = std::string(name) == "v4.19";
    EXPECT_EQ(r.m.nohz.next_balance, v419 ? r.at(20) : r.at(1)) << name;
    const auto v = under_v6_17_rules(r);
    ASSERT_EQ(v.size(), v419 ? 1u : 0u) << name;
    if (v419) {
      EXPECT_EQ(v[0].expected, std::to_string(r.at(1)));
    }
    expect_own_rules_hold(r);
  }
}

// A load_balance() double during which a task wakes up on the ILB.
class WakesIlb final : public SchedBalanceRq {
 public:
  WakesIlb(SchedBalanceRq& inner, int ilb) : inner_(inner), ilb_(ilb) {}
  BalanceOutcome balance(MachineState& m, const BalanceCall& call, bool& continue_balancing,
                         BalanceEventSink& sink) override {
    if (m.rq(ilb_).tasks.empty()) m.rq(ilb_).tasks.push_back(Task{999});
    return inner_.balance(m, call, continue_balancing, sink);
  }

 private:
  SchedBalanceRq& inner_;
  int ilb_;
};

TEST(NohzKick, AbortedWalkWritesNextBalanceOnlyInV419) {
  for (const char* name : {"v4.19", "v6.17"}) {
    NohzRig r(name);
    for (int cpu = 0; cpu < 4; ++cpu) r.stop_tick(cpu);
    advance_jiffies(r.m, 10);  // domains due, so load_balance() runs
    const bool v419 = std::string(name) == "v4.19";
    r.m.nohz.next_balance = r.at(-3);
    r.m.rq(2).nohz_flags = v419 ? kBalanceStats : kNohzKickMask;  // NEXT is 5.16+
    ASSERT_TRUE(nohz_ipi(r.m, 2, r.sink));
    WakesIlb wakes(r.balancer, 2);
    SchedBalanceSoftirq(2).run_to_completion(r.m, wakes, r.nohz, r.sink);
    EXPECT_EQ(r.ilb_balanced(), std::vector<int>{v419 ? 0 : 3}) << name;
    const auto ends = r.sink.of_type<IlbPassEndEvent>();
    ASSERT_EQ(ends.size(), 1u);
    EXPECT_FALSE(ends[0].complete);
    EXPECT_EQ(r.m.nohz.next_balance, v419 ? r.m.rq(0).next_balance : r.at(-3)) << name;
    EXPECT_TRUE(r.m.nohz.has_blocked) << name;
    // v6.17 asks for the refresh again (needs_update) since the NEXT walk was cut short.
    if (!v419) {
      EXPECT_TRUE(r.m.nohz.needs_update);
    }
    expect_own_rules_hold(r);  // NOHZ-1: nothing balanced once the ILB had work
  }
}

// spec/bugs.md #12: a CPU going NOHZ idle with an earlier next_balance.
TEST(NohzKick, EnteringIdleWithEarlierNextBalanceIsFoldedOnlyWithNeedsUpdate) {
  for (const char* name : {"v4.19", "v6.17"}) {
    NohzRig r(name);
    r.stop_tick(1);
    r.stop_tick(2);
    r.m.nohz.needs_update = false;
    r.m.nohz.next_balance = r.at(100);
    r.m.nohz.next_blocked = r.at(100);
    r.m.rq(1).next_balance = r.at(50);
    r.m.rq(2).next_balance = r.at(50);
    r.m.rq(3).next_balance = r.at(2);
    r.stop_tick(3);
    r.add_tasks(0, 1);
    r.tick(0);
    r.deliver_ipis();
    const bool v419 = std::string(name) == "v4.19";
    if (v419) {
      EXPECT_TRUE(r.sink.of_type<NohzKickEvent>().empty());
      EXPECT_EQ(r.m.nohz.next_balance, r.at(100));  // nothing lowers it
    } else {
      const auto kicks = r.sink.of_type<NohzKickEvent>();
      ASSERT_EQ(kicks.size(), 1u);
      EXPECT_EQ(kicks[0].flags, kNohzNextKick);
      EXPECT_EQ(r.m.nohz.next_balance, r.at(2));
      EXPECT_FALSE(r.m.nohz.needs_update);
      EXPECT_TRUE(r.ilb_balanced().empty());  // NEXT alone balances nobody
    }
    EXPECT_EQ(under_v6_17_rules(r).size(), v419 ? 1u : 0u) << name;
    expect_own_rules_hold(r);
  }
}

TEST(NohzKick, KickToACpuThatGotWorkIsDropped) {
  for (const char* name : {"v4.19", "v6.17"}) {
    NohzRig r(name);
    idle_but_cpu0(r, 2);
    r.m.nohz.next_balance = r.at(0);
    r.tick(0);
    ASSERT_TRUE(r.m.nohz.ipi_pending.test(1)) << name;
    // A second kick before the IPI arrives finds a kick bit set: no second IPI.
    r.tick(0);
    const auto kicks = r.sink.of_type<NohzKickEvent>();
    ASSERT_EQ(kicks.size(), 2u) << name;
    EXPECT_FALSE(kicks[1].ipi) << name;
    r.add_tasks(1, 1);
    EXPECT_FALSE(nohz_ipi(r.m, 1, r.sink)) << name;
    EXPECT_EQ(r.m.rq(1).nohz_flags, 0u) << name;
    EXPECT_EQ(r.m.rq(1).nohz_idle_balance, 0u) << name;
    EXPECT_FALSE(r.m.rq(1).sched_softirq_pending) << name;
    EXPECT_TRUE(r.m.nohz.ipi_pending.empty()) << name;
  }
}

TEST(NohzKick, NotIdleAtSoftirqDropsTheKickAndRunsTheLocalPass) {
  for (const char* name : {"v4.19", "v6.17"}) {
    NohzRig r(name);
    r.add_tasks(1, 1);
    r.m.rq(1).idle_balance = false;
    if (std::string(name) == "v4.19")
      r.m.rq(1).nohz_flags = kBalanceStats;
    else
      r.m.rq(1).nohz_idle_balance = kBalanceStats;
    r.softirq(1);
    EXPECT_EQ(r.m.rq(1).nohz_flags, 0u) << name;
    EXPECT_EQ(r.m.rq(1).nohz_idle_balance, 0u) << name;
    EXPECT_TRUE(r.sink.of_type<IlbPassEndEvent>().empty()) << name;
    const auto passes = r.sink.of_type<PassStartEvent>();
    ASSERT_EQ(passes.size(), 1u) << name;
    EXPECT_EQ(passes[0].cpu, 1);
    EXPECT_EQ(passes[0].executing_cpu, 1);
  }
}

TEST(NohzKick, FirstBusyTickLeavesTheIdleSet) {
  NohzRig r("v6.17");
  r.stop_tick(1);
  ASSERT_TRUE(r.m.nohz.idle_cpus_mask.test(1));
  EXPECT_TRUE(nohz_tick_is_stopped(r.m, 1));
  r.add_tasks(1, 1);
  EXPECT_FALSE(nohz_tick_is_stopped(r.m, 1));  // woken: it ticks again
  EXPECT_TRUE(r.m.rq(1).nohz_tick_stopped);
  r.tick(1);
  EXPECT_FALSE(r.m.rq(1).nohz_tick_stopped);
  EXPECT_TRUE(r.m.nohz.idle_cpus_mask.empty());
  const auto changes = r.sink.of_type<NohzIdleEvent>();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_FALSE(changes[1].enter);
}

TEST(NohzKick, NoNohzInV2620) {
  NohzRig r("v2.6.20");
  EXPECT_FALSE(nohz_stop_tick(r.m, 1, r.sink));
  EXPECT_TRUE(r.m.nohz.idle_cpus_mask.empty());
  EXPECT_EQ(r.tick(1).reason, TriggerReason::Raised);
  EXPECT_TRUE(r.sink.of_type<NohzIdleEvent>().empty());
  EXPECT_EQ(nohz_rules(r.m.profile).walk, NohzWalkRule::None);
}

TEST(NohzKick, FlagNames) {
  EXPECT_EQ(nohz_flags_name(kBalanceStats | kNohzNextKick), "BALANCE|STATS|NEXT");
  EXPECT_EQ(nohz_flags_name(0), "0");
}

}  // namespace
}  // namespace sbm::testing
