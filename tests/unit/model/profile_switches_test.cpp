// One concrete scenario per profile switch: the same input under two eras, and the
// difference the switch makes. Switches whose code arrives with sched_balance_rq() and
// the NOHZ model are pinned per profile at the end, with their sources.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/balance/sched_balance_domains.h"
#include "model/balance/sched_balance_trigger.h"
#include "tests/support/sched_balance_testing.h"

namespace sbm {
namespace {

using testing::profile;
using testing::ScriptedBalancer;

MachineState make(const char* name, const Topology& t = testing::mc_numa_topology(4),
                  MachineOptions o = {}) {
  return testing::machine(t, profile(name, {.hz = 1000}), o);
}

RecordingEventSink pass(MachineState& m, int cpu, CpuIdleType idle, SchedBalanceRq& b) {
  RecordingEventSink sink;
  SchedBalanceDomains(cpu, idle).run_to_completion(m, b, sink);
  return sink;
}

class RecordingNohz final : public NohzHooks {
 public:
  std::vector<std::string> calls;
  bool defer = false;
  bool handle = false;
  bool trigger_defers(MachineState&, int, BalanceEventSink&) override {
    calls.push_back("trigger_defers");
    return defer;
  }
  void balancer_kick(MachineState&, int, BalanceEventSink&) override { calls.push_back("kick"); }
  bool idle_balance_before_local(MachineState&, int, CpuIdleType, SchedBalanceRq&,
                                 BalanceEventSink&) override {
    calls.push_back("before_local");
    return handle;
  }
  void idle_balance_after_local(MachineState&, int, CpuIdleType, SchedBalanceRq&,
                                BalanceEventSink&) override {
    calls.push_back("after_local");
  }
};

// MC(2) < PKG(4) < NUMA(8), all with SD_LOAD_BALANCE.
Topology three_levels() {
  const SdFlags f{SdFlag::LoadBalance, SdFlag::BalanceNewidle};
  return testing::hand_topology(8, {{"MC", 2, f}, {"PKG", 4, f}, {"NUMA", 8, f}});
}

TEST(ProfileSwitch, IdleSampling_V2620SamplesNrRunningInTheSoftirq) {
  for (const char* name : {"v2.6.20", "v2.6.32"}) {
    MachineState m = make(name);
    RecordingNohz nohz;
    NullEventSink none;
    ASSERT_TRUE(sched_tick_balance(m, 0, nohz, none).raised) << name;
    m.rq(0).tasks.push_back(Task{7});  // a wakeup between the tick and the softirq
    ScriptedBalancer b;
    SchedBalanceSoftirq s(0);
    s.run_to_completion(m, b, nohz, none);
    EXPECT_EQ(s.idle(), std::string(name) == "v2.6.20" ? CpuIdleType::NotIdle : CpuIdleType::Idle)
        << name;
  }
}

TEST(ProfileSwitch, TriggerChecksNullDomainSinceV2621) {
  Topology t = testing::mc_numa_topology(4);
  t.cpus[3].domains.clear();
  NohzHooks nohz;
  NullEventSink none;
  MachineState old = make("v2.6.20", t);
  EXPECT_EQ(sched_tick_balance(old, 3, nohz, none).reason, TriggerReason::Raised);
  MachineState newer = make("v2.6.32", t);
  EXPECT_EQ(sched_tick_balance(newer, 3, nohz, none).reason, TriggerReason::NullDomain);
}

TEST(ProfileSwitch, TriggerChecksCpuActiveSinceV512) {
  const CpuMask active = *parse_cpulist("0,2-3").mask;
  NohzHooks nohz;
  NullEventSink none;
  MachineState m419 = make("v4.19", testing::mc_numa_topology(4), {.active = active});
  EXPECT_EQ(sched_tick_balance(m419, 1, nohz, none).reason, TriggerReason::Raised);
  MachineState m617 = make("v6.17", testing::mc_numa_topology(4), {.active = active});
  EXPECT_EQ(sched_tick_balance(m617, 1, nohz, none).reason, TriggerReason::Inactive);
}

TEST(ProfileSwitch, SkipDomainWithoutLoadBalanceUntilV57) {
  const Topology t = testing::hand_topology(4, {{"MC", 2, SdFlags{SdFlag::BalanceNewidle}}});
  for (const char* name : {"v4.19", "v6.17"}) {
    MachineState m = make(name, t);
    advance_jiffies(m, 10);
    ScriptedBalancer b;
    RecordingEventSink sink = pass(m, 0, CpuIdleType::Idle, b);
    const bool old = std::string(name) == "v4.19";
    EXPECT_EQ(b.calls.size(), old ? 0u : 1u) << name;
    EXPECT_EQ(sink.of_type<DomainSkipEvent>().size(), old ? 1u : 0u) << name;
  }
}

TEST(ProfileSwitch, ContinueCheck_BottomBreakEndsTheWalkWithoutVisitingTheParent) {
  MachineState m = make("v2.6.32");
  advance_jiffies(m, 4);
  ScriptedBalancer b;
  b.script[{0, 0}] = {.should_we_balance = false};
  RecordingEventSink sink = pass(m, 0, CpuIdleType::Idle, b);
  EXPECT_EQ(sink.of_type<DomainVisitEvent>().size(), 1u);
  EXPECT_EQ(sink.of_type<DomainSkipEvent>().size(), 0u);  // "if (!balance) break" at the bottom
  EXPECT_EQ(sink.of_type<NextBalanceCandidateEvent>().size(), 1u);  // MC still fed it
}

TEST(ProfileSwitch, NeedDecay_StickyKeepsWalkingPerIterationStops) {
  // Only the base domain's decay is due; should_we_balance() fails there.
  for (const char* name : {"v4.19", "v6.17"}) {
    MachineState m = make(name, three_levels());
    advance_jiffies(m, 5000);
    const uint64_t now = m.jiffies;
    for (RqDomain& d : m.rq(0).sd) {
      d.max_newidle_lb_cost = 256000;
      d.next_decay_max_lb_cost = now;  // v4.19: not after now
      d.last_decay_max_lb_cost = now;  // v6.17: not after now + HZ
    }
    m.rq(0).sd[0].next_decay_max_lb_cost = now - 1;
    m.rq(0).sd[0].last_decay_max_lb_cost = now - 1001;
    ScriptedBalancer b;
    b.script[{0, 0}] = {.should_we_balance = false};
    RecordingEventSink sink = pass(m, 0, CpuIdleType::Idle, b);
    const auto skips = sink.of_type<DomainSkipEvent>();
    EXPECT_EQ(m.rq(0).sd[0].max_newidle_lb_cost, 253000u) << name;
    if (std::string(name) == "v4.19") {
      ASSERT_EQ(skips.size(), 2u);
      EXPECT_EQ(skips[0].reason, DomainSkipReason::DecayOnly);
      EXPECT_EQ(skips[1].reason, DomainSkipReason::DecayOnly);
      EXPECT_EQ(m.rq(0).max_idle_balance_cost, 253000u + 2 * 256000u);
    } else {
      ASSERT_EQ(skips.size(), 1u);
      EXPECT_EQ(skips[0].reason, DomainSkipReason::Break);
      EXPECT_EQ(skips[0].level, 1);
      EXPECT_EQ(m.rq(0).max_idle_balance_cost, 0u);  // need_decay was false at the end
    }
  }
}

TEST(ProfileSwitch, SchedIdleCpuBalancesAsIdleSinceV56) {
  for (const char* name : {"v4.19", "v6.17"}) {
    MachineState m = make(name);
    Task t{9};
    t.sched_idle = true;
    m.rq(0).tasks.push_back(t);
    ScriptedBalancer b;
    RecordingEventSink sink = pass(m, 0, CpuIdleType::NotIdle, b);
    // MC: 2 ms, busy x16 = 32 jiffies at HZ=1000.
    EXPECT_EQ(sink.of_type<DomainVisitEvent>()[0].interval, std::string(name) == "v4.19" ? 32u : 2u)
        << name;
  }
}

TEST(ProfileSwitch, IdleAfterPull_NotIdleThenReEvaluated) {
  for (const char* name : {"v2.6.32", "v4.19"}) {
    MachineState m = make(name);
    advance_jiffies(m, 100);  // NUMA due even with the busy interval (4 ms x 16)
    ScriptedBalancer b;
    b.script[{0, 0}] = {.moved = 1, .adds_tasks = false};  // the pull went to another CPU
    pass(m, 0, CpuIdleType::Idle, b);
    ASSERT_EQ(b.calls.size(), 2u) << name;
    EXPECT_EQ(b.calls[1].idle,
              std::string(name) == "v2.6.32" ? CpuIdleType::NotIdle : CpuIdleType::Idle)
        << name;
  }
}

TEST(ProfileSwitch, RecomputeIntervalAfterBalanceSinceV3) {
  for (const char* name : {"v2.6.32", "v4.19"}) {
    MachineState m = make(name);
    advance_jiffies(m, 4);
    const uint64_t now = m.jiffies;
    ScriptedBalancer b;
    b.script[{0, 0}] = {.moved = 1};  // now busy
    RecordingEventSink sink = pass(m, 0, CpuIdleType::Idle, b);
    // 2.6.32 keeps the idle interval (2); 4.19 recomputes it busy: 2 ms x 16.
    EXPECT_EQ(sink.of_type<NextBalanceCandidateEvent>()[0].candidate,
              now + (std::string(name) == "v2.6.32" ? 2u : 32u))
        << name;
  }
}

TEST(ProfileSwitch, PassFoldsNohzNextBalanceOnlyInV419) {
  for (const char* name : {"v4.19", "v6.17"}) {
    MachineState m = make(name);
    advance_jiffies(m, 4);
    m.nohz.next_balance = m.jiffies + 5000;
    ScriptedBalancer b;
    pass(m, 0, CpuIdleType::Idle, b);
    EXPECT_EQ(m.nohz.next_balance,
              std::string(name) == "v4.19" ? m.rq(0).next_balance : m.jiffies + 5000)
        << name;
  }
}

TEST(ProfileSwitch, SerializePlacement_NonDueDomainContendsOnlyBeforeV619) {
  for (const char* name : {"v6.17", "v6.19"}) {
    MachineState m = make(name);
    advance_jiffies(m, 2);  // MC due, NUMA (4) not
    m.sched_balance_running = SchedBalanceRunning{2, 2, 1};
    ScriptedBalancer b;
    RecordingEventSink sink = pass(m, 0, CpuIdleType::Idle, b);
    const auto ser = sink.of_type<SerializeEvent>();
    if (std::string(name) == "v6.17") {
      ASSERT_EQ(ser.size(), 1u);
      EXPECT_EQ(ser[0].action, SerializeAction::Busy);
    } else {
      EXPECT_TRUE(ser.empty());
    }
  }
}

TEST(ProfileSwitch, SerializeNewidleSinceV619) {
  NullEventSink none;
  const SdFlags numa{SdFlag::Numa, SdFlag::Serialize};
  Profile tip_between = profile("v6.19");
  tip_between.serialize_newidle = false;  // 3324b2180c17 without 522fb20fbdbe
  for (const auto& [p, expected] :
       std::vector<std::pair<Profile, SerializeTry>>{{profile("v6.17"), SerializeTry::NotNeeded},
                                                     {tip_between, SerializeTry::NotNeeded},
                                                     {profile("v6.19"), SerializeTry::Acquired}}) {
    SchedBalanceRunning token;
    bool need_unlock = false;
    EXPECT_EQ(sched_balance_rq_serialize(p, token, numa, CpuIdleType::NewlyIdle, 0, 0, 1,
                                         need_unlock, none),
              expected)
        << p.name;
  }
}

TEST(ProfileSwitch, SchedSoftirqVectorSixThenSeven) {
  for (const char* name : {"v2.6.20", "v2.6.32"}) {
    MachineState m = make(name);
    NohzHooks nohz;
    RecordingEventSink sink;
    sched_tick_balance(m, 0, nohz, sink);
    EXPECT_EQ(sink.of_type<SoftirqRaiseEvent>().at(0).vec, std::string(name) == "v2.6.20" ? 6 : 7)
        << name;
  }
}

TEST(ProfileSwitch, NohzPassRunsAfterTheLocalOneIn2632AndBeforeItFrom417) {
  for (const char* name : {"v2.6.20", "v2.6.32", "v4.19"}) {
    MachineState m = make(name);
    RecordingNohz nohz;
    NullEventSink none;
    sched_tick_balance(m, 0, nohz, none);
    ScriptedBalancer b;
    SchedBalanceSoftirq(0).run_to_completion(m, b, nohz, none);
    const std::string n = name;
    const std::vector<std::string> expected =
        n == "v2.6.20"   ? std::vector<std::string>{}
        : n == "v2.6.32" ? std::vector<std::string>{"trigger_defers", "after_local"}
                         : std::vector<std::string>{"kick", "before_local"};
    EXPECT_EQ(nohz.calls, expected) << name;
  }
}

TEST(ProfileSwitch, NohzHooksCanDeferTheRaiseOrTakeOverTheSoftirq) {
  MachineState m2632 = make("v2.6.32");
  RecordingNohz owner;
  owner.defer = true;
  NullEventSink none;
  EXPECT_EQ(sched_tick_balance(m2632, 0, owner, none).reason, TriggerReason::NohzDefers);

  MachineState m617 = make("v6.17");
  RecordingNohz ilb;
  ilb.handle = true;
  RecordingEventSink sink;
  ScriptedBalancer b;
  SchedBalanceSoftirq s(0);
  s.run_to_completion(m617, b, ilb, sink);
  EXPECT_FALSE(s.pass().has_value());
  EXPECT_TRUE(sink.of_type<PassStartEvent>().empty());
  EXPECT_EQ(sink.of_type<SoftirqExitEvent>().size(), 1u);
}

TEST(ProfileSwitch, NextBalanceHorizonIsSixtySeconds) {
  for (const std::string& n : profile_names()) {
    MachineState m = make(n.c_str());
    ScriptedBalancer b;
    RecordingEventSink sink = pass(m, 0, CpuIdleType::Idle, b);
    EXPECT_EQ(sink.of_type<PassStartEvent>().at(0).next_balance_start, m.jiffies + 60 * 1000) << n;
  }
}

// Switches consumed by sched_balance_rq(), newidle balancing and the NOHZ model, which
// are written later; their values per era are pinned here.
TEST(ProfileSwitch, ValuesForLaterConsumersPerEra) {
  const Profile a = profile("v2.6.20"), b = profile("v2.6.32"), c = profile("v4.19"),
                d = profile("v6.17"), e = profile("v6.19");
  EXPECT_EQ(a.should_we_balance, ShouldWeBalance::FirstIdleOfLocalGroup);
  EXPECT_EQ(c.should_we_balance, ShouldWeBalance::FirstIdleOfBalanceMask);
  EXPECT_EQ(d.should_we_balance, ShouldWeBalance::IdleCoreFirst);
  EXPECT_EQ(b.move_locking, MoveLocking::BothRqLocks);
  EXPECT_EQ(c.move_locking, MoveLocking::DetachAttachOneLock);
  EXPECT_EQ(c.lock_order, LockOrder::RqAddress);
  EXPECT_EQ(d.lock_order, LockOrder::RqOrderLess);
  EXPECT_EQ(c.idle_type_order, IdleTypeOrder::IdleNotIdleNewly);
  EXPECT_EQ(d.idle_type_order, IdleTypeOrder::NotIdleIdleNewly);
  EXPECT_EQ(a.schedstat_version, 14);
  EXPECT_EQ(c.schedstat_version, 15);
  EXPECT_EQ(e.schedstat_version, 17);
  EXPECT_EQ(c.serialize_token, SerializeToken::BalancingSpinlock);
  EXPECT_EQ(d.serialize_token, SerializeToken::SchedBalanceRunning);
  EXPECT_EQ(a.serialize_levels, SerializeLevels::NodeInitMacros);
  EXPECT_EQ(c.serialize_levels, SerializeLevels::EveryNumaLevel);
  EXPECT_TRUE(c.active_balance_doubles_interval && c.active_balance_forces_failed);
  EXPECT_FALSE(d.active_balance_doubles_interval || d.active_balance_forces_failed);
  EXPECT_EQ(b.nohz_model, NohzModel::OwnerLoadBalancer);
  EXPECT_EQ(c.nohz_kick_next_balance, NohzKickNextBalance::Increment);
  EXPECT_EQ(d.nohz_kick_next_balance, NohzKickNextBalance::JiffiesPlusOneOnBalance);
  EXPECT_EQ(b.ilb_walk, IlbWalk::OwnerMaskSkipSelf);
  EXPECT_EQ(c.ilb_walk, IlbWalk::AscendingSelfLast);
  EXPECT_EQ(d.ilb_walk, IlbWalk::WrapFromNext);
  EXPECT_EQ(a.newidle_next_balance_horizon_hz, 60u);
  EXPECT_EQ(b.newidle_next_balance_horizon_hz, 1u);
  EXPECT_EQ(a.names.softirq, "run_rebalance_domains");
  EXPECT_EQ(d.names.pass, "sched_balance_domains");
  EXPECT_EQ(e.names.serialize_token, "sched_balance_running");
}

// The switches of sched_balance_rq() on one domain, per profile (spec/profiles.md), as they
// were derived from the version before they became Profile fields.
TEST(ProfileSwitch, LoadBalanceSwitchesPerEra) {
  const Profile a = profile("v2.6.20"), b = profile("v2.6.32"), c = profile("v4.19"),
                d = profile("v6.17"), e = profile("v6.19");
  EXPECT_EQ(a.busiest_group_rule, BusiestGroupRule::AvgLoad2620);
  EXPECT_EQ(b.busiest_group_rule, BusiestGroupRule::AvgLoad2632);
  EXPECT_EQ(c.busiest_group_rule, BusiestGroupRule::AvgLoad419);
  EXPECT_EQ(d.busiest_group_rule, BusiestGroupRule::GroupType55);
  EXPECT_EQ(a.lb_cpus_init, LbCpusInit::AllCpus);
  EXPECT_EQ(b.lb_cpus_init, LbCpusInit::ActiveCpus);
  EXPECT_EQ(c.lb_cpus_init, LbCpusInit::SpanAndActive);
  EXPECT_EQ(a.detach_scan, DetachScan::TailBackward);
  EXPECT_EQ(b.detach_scan, DetachScan::HeadForward);
  EXPECT_EQ(c.detach_scan, DetachScan::TailRotate);
  EXPECT_EQ(a.enqueue_position, EnqueuePosition::Tail);
  EXPECT_EQ(b.enqueue_position, EnqueuePosition::Head);
  EXPECT_EQ(a.detach_load_rule, DetachLoadRule::WeightOverRem);
  EXPECT_EQ(b.detach_load_rule, DetachLoadRule::HalfWeightOverRem);
  EXPECT_EQ(c.detach_load_rule, DetachLoadRule::HalfWeightOverRem);
  EXPECT_EQ(d.detach_load_rule, DetachLoadRule::ShrBound);
  EXPECT_EQ(a.detach_limit, DetachLimit::NrRunningMinusOne);
  EXPECT_EQ(b.detach_limit, DetachLimit::NrMigratePlusOne);
  EXPECT_EQ(c.detach_limit, DetachLimit::LoopMax);
  EXPECT_EQ(b.need_active_rule, NeedActiveRule::FailedOnly);
  EXPECT_EQ(c.need_active_rule, NeedActiveRule::V419);
  EXPECT_EQ(d.need_active_rule, NeedActiveRule::V6);
  for (const Profile* p : {&a, &b}) {
    EXPECT_FALSE(p->affinity_flags || p->active_via_stopper || p->dst_grpmask_is_balance_mask);
    EXPECT_TRUE(p->smt_returns_minus_one && p->separate_newidle && p->curr_pinned_sets_all_pinned);
    EXPECT_TRUE(p->active_sd_needs_load_balance_flag);
  }
  EXPECT_TRUE(c.affinity_flags && c.active_via_stopper && c.curr_pinned_sets_all_pinned);
  EXPECT_FALSE(c.smt_returns_minus_one || c.separate_newidle || c.dst_grpmask_is_balance_mask);
  EXPECT_FALSE(c.all_pinned_before_nr_running_test || c.detach_clears_all_pinned_on_single ||
               c.out_balanced_keeps_imbalance_if_all_pinned || c.task_hot_smt_exempt ||
               c.hot_gained_at_detach || c.active_lb_flag);
  EXPECT_TRUE(c.active_sd_needs_load_balance_flag);
  for (const Profile* p : {&d, &e}) {
    EXPECT_TRUE(p->dst_grpmask_is_balance_mask && p->all_pinned_before_nr_running_test &&
                p->detach_clears_all_pinned_on_single &&
                p->out_balanced_keeps_imbalance_if_all_pinned && p->task_hot_smt_exempt &&
                p->hot_gained_at_detach && p->active_lb_flag);
    EXPECT_FALSE(p->curr_pinned_sets_all_pinned || p->active_sd_needs_load_balance_flag);
    EXPECT_EQ(p->busiest_group_rule, d.busiest_group_rule);
  }
  for (const Profile* p : {&a, &b, &c, &d, &e}) {
    EXPECT_EQ(p->sysctl_sched_nr_migrate, 32u);
    EXPECT_EQ(p->nr_migrate_break, 32u);
    EXPECT_FALSE(p->config_preempt);
  }
}

}  // namespace
}  // namespace sbm
