// NB-1, NB-2, SER-1, INT-1, BI-1: each holds on what the model does and fires on a
// broken run (a tampered event stream or state, standing for another implementation).
#include <gtest/gtest.h>

#include "model/balance/sched_balance_domains.h"
#include "model/balance/sched_balance_trigger.h"
#include "model/topology/build_sched_domains.h"
#include "properties/interval_invariants.h"
#include "properties/nb_invariants.h"
#include "properties/ser_invariants.h"
#include "tests/support/sched_balance_testing.h"

namespace sbm {
namespace {

using testing::profile;
using testing::ScriptedBalancer;

MachineState make(const char* name, unsigned bits = 64) {
  return testing::machine(testing::mc_numa_topology(4),
                          profile(name, {.hz = 1000, .jiffies_bits = bits}));
}

// Ticks and softirqs on every CPU for `ticks` jiffies, one CPU after the other.
RecordingEventSink simulate(MachineState& m, int ticks, ScriptedBalancer& b) {
  RecordingEventSink sink;
  NohzHooks nohz;
  for (int t = 0; t < ticks; ++t) {
    advance_jiffies(m, 1);
    for (int cpu = 0; cpu < m.nr_cpu_ids(); ++cpu) {
      if (!sched_tick_balance(m, cpu, nohz, sink).raised) continue;
      SchedBalanceSoftirq(cpu).run_to_completion(m, b, nohz, sink);
    }
  }
  return sink;
}

template <class T>
T* find_nth(std::vector<BalanceEvent>& ev, int n = 0) {
  for (BalanceEvent& e : ev)
    if (T* t = std::get_if<T>(&e); t && n-- == 0) return t;
  return nullptr;
}

TEST(NbInvariants, HoldOnSimulatedRunsOfEveryProfile) {
  for (const std::string& n : profile_names())
    for (unsigned bits : {32u, 64u}) {
      MachineState m = make(n.c_str(), bits);
      ScriptedBalancer b;
      b.script[{1, 0}] = {.moved = 1};
      b.script[{2, 0}] = {.should_we_balance = false};
      const RecordingEventSink sink = simulate(m, 50, b);
      ASSERT_FALSE(sink.of_type<PassStartEvent>().empty());
      EXPECT_TRUE(check_nb1(m.profile, sink.events).empty()) << n;
      EXPECT_TRUE(check_nb2(m.profile, sink.events).empty()) << n;
    }
}

TEST(NbInvariants, Nb1FiresOnAWrongWrite) {
  MachineState m = make("v6.17");
  ScriptedBalancer b;
  RecordingEventSink sink = simulate(m, 5, b);
  find_nth<NextBalanceWriteEvent>(sink.events)->new_value += 1;
  const auto v = check_nb1(m.profile, sink.events);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].id, "NB-1");
  EXPECT_EQ(v[0].cpu, 0);
}

TEST(NbInvariants, Nb1FiresWhenAVisitedDomainDoesNotFeedTheMinimum) {
  MachineState m = make("v6.17");
  ScriptedBalancer b;
  RecordingEventSink sink = simulate(m, 5, b);
  // Drop CPU0's NUMA candidate: an implementation that forgot the min-update there.
  auto& ev = sink.events;
  for (auto it = ev.begin(); it != ev.end(); ++it)
    if (const auto* c = std::get_if<NextBalanceCandidateEvent>(&*it); c && c->level == 1) {
      ev.erase(it);
      break;
    }
  const auto v = check_nb1(m.profile, ev);
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v[0].level, 1);
  EXPECT_EQ(v[0].observed, "none");
}

TEST(NbInvariants, Nb1FiresWhenNothingFedItButItWasWritten) {
  Topology t = testing::mc_numa_topology(4);
  t.cpus[3].domains.clear();
  MachineState m = testing::machine(t, profile("v6.17", {.hz = 1000}));
  ScriptedBalancer b;
  RecordingEventSink sink;
  SchedBalanceDomains(3, CpuIdleType::Idle).run_to_completion(m, b, sink);
  EXPECT_TRUE(check_nb1(m.profile, sink.events).empty());
  auto* w = find_nth<NextBalanceWriteEvent>(sink.events);
  w->written = true;  // as v2.6.20 would: jiffies + 60*HZ
  w->new_value = m.jiffies + 60 * 1000;
  const auto v = check_nb1(m.profile, sink.events);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].explanation, "nothing fed next_balance, so rq->next_balance keeps its value");
  // The same stream is right for v2.6.20.
  EXPECT_TRUE(check_nb1(profile("v2.6.20", {.hz = 1000}), sink.events).empty());
}

TEST(NbInvariants, Nb1CatchesAPlainLessThanAcrossTheWrap) {
  // A minimum taken with '<' instead of time_after picks the wrapped value 2 over
  // 0xfffffffc, which is earlier.
  const Profile p = profile("v6.17", {.hz = 1000, .jiffies_bits = 32});
  const uint64_t now = 0xfffffff0u;
  std::vector<BalanceEvent> ev = {
      PassStartEvent{0, 0, now, CpuIdleType::Idle, false, (now + 60000) & 0xffffffffu, now},
      DomainVisitEvent{0, 0, "MC", now, 12, now, false},
      NextBalanceCandidateEvent{0, 0, 0xfffffffcu, true, 0xfffffffcu},
      DomainVisitEvent{0, 1, "NUMA", now, 18, now, false},
      NextBalanceCandidateEvent{0, 1, 2, true, 2},
      NextBalanceWriteEvent{0, now, 2, true},
  };
  const auto v = check_nb1(p, ev);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].level, 1);
  EXPECT_EQ(v[0].expected, "not taken, next_balance 4294967292");
  EXPECT_EQ(v[1].expected, "written 4294967292");
}

TEST(NbInvariants, Nb2FiresOnAMissedAndOnASpuriousRaise) {
  MachineState m = make("v6.17");
  ScriptedBalancer b;
  RecordingEventSink sink = simulate(m, 3, b);
  std::vector<BalanceEvent> missed = sink.events;
  for (auto it = missed.begin(); it != missed.end(); ++it)
    if (std::holds_alternative<SoftirqRaiseEvent>(*it)) {
      missed.erase(it);
      break;
    }
  auto v = check_nb2(m.profile, missed);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].expected, "SCHED_SOFTIRQ raised");

  std::vector<BalanceEvent> spurious = {TickEvent{1, 100, true, 101, true, true, false},
                                        SoftirqRaiseEvent{1, 7}};
  v = check_nb2(m.profile, spurious);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].observed, "SCHED_SOFTIRQ raised");
}

// In the simulator a kick IPI can be delivered to a CPU right after its own tick: that
// raise comes from nohz_csd_func(), not from the trigger, and NB-2 must not count it (found
// by SimStateful.TwoNodes_v6_17).
TEST(NbInvariants, Nb2IgnoresTheRaiseOfANohzKickRightAfterATick) {
  const MachineState m = make("v6.17");
  const std::vector<BalanceEvent> kick = {TickEvent{1, 100, true, 101, true, true, false},
                                          SoftirqRaiseEvent{1, 7, RaiseSource::NohzKick}};
  EXPECT_TRUE(check_nb2(m.profile, kick).empty());
  const std::vector<BalanceEvent> due = {TickEvent{1, 100, true, 100, true, true, false},
                                         SoftirqRaiseEvent{1, 7, RaiseSource::NohzKick}};
  ASSERT_EQ(check_nb2(m.profile, due).size(), 1u) << "a due tick still has to raise by itself";
}

// A kernel's trace orders events by timestamp: another CPU's tick may come between a tick
// and its raise. The raise belongs to its own CPU's tick, before that CPU ticks again.
TEST(NbInvariants, Nb2MatchesTheRaiseToItsCpusTickAcrossOtherCpusEvents) {
  const MachineState m = make("v6.17");
  const std::vector<BalanceEvent> interleaved = {TickEvent{1, 100, true, 100, true, true, false},
                                                 TickEvent{2, 100, true, 101, true, true, false},
                                                 SoftirqRaiseEvent{1, 7}};
  EXPECT_TRUE(check_nb2(m.profile, interleaved).empty());
  // The raise after CPU1's next tick is that tick's, not the first one's.
  const std::vector<BalanceEvent> late = {TickEvent{1, 100, true, 100, true, true, false},
                                          TickEvent{1, 101, true, 100, true, true, false},
                                          SoftirqRaiseEvent{1, 7}};
  const auto v = check_nb2(m.profile, late);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].line, 1);
  EXPECT_EQ(v[0].expected, "SCHED_SOFTIRQ raised");
}

TEST(NbInvariants, Nb2KnowsWhichEraChecksTheNullDomain) {
  const std::vector<BalanceEvent> ev = {TickEvent{3, 100, true, 90, false, true, false},
                                        SoftirqRaiseEvent{3, 6}};
  EXPECT_TRUE(check_nb2(profile("v2.6.20"), ev).empty());
  const std::vector<BalanceEvent> ev7 = {TickEvent{3, 100, true, 90, false, true, false},
                                         SoftirqRaiseEvent{3, 7}};
  EXPECT_EQ(check_nb2(profile("v2.6.32"), ev7).size(), 1u);
}

TEST(SerInvariants, HoldWhileTwoCpusInterleave) {
  MachineState m = make("v6.17");
  advance_jiffies(m, 4);
  ScriptedBalancer b;
  RecordingEventSink sink;
  SchedBalanceDomains p0(0, CpuIdleType::Idle), p2(2, CpuIdleType::Idle);
  while (!p0.done() || !p2.done()) {
    if (!p0.done()) p0.step(m, b, sink);
    EXPECT_TRUE(check_ser1(m, {&p0, &p2}).empty());
    if (!p2.done()) p2.step(m, b, sink);
    EXPECT_TRUE(check_ser1(m, {&p0, &p2}).empty());
  }
  EXPECT_EQ(sink.of_type<SerializeEvent>().size(), 3u);  // acquire, busy, release
  EXPECT_TRUE(check_ser1(sink.events).empty());
}

TEST(SerInvariants, FireWhenATokenThatDoesNotExcludeLetsTwoIn) {
  // A broken token (as if trylock always succeeded): clear it behind CPU0's back.
  MachineState m = make("v6.17");
  advance_jiffies(m, 4);
  ScriptedBalancer b;
  RecordingEventSink sink;
  SchedBalanceDomains p0(0, CpuIdleType::Idle), p2(2, CpuIdleType::Idle);
  while (!p0.holds_serialize_token()) p0.step(m, b, sink);
  m.sched_balance_running = SchedBalanceRunning{};
  while (!p2.holds_serialize_token()) p2.step(m, b, sink);
  const auto state = check_ser1(m, {&p0, &p2});
  ASSERT_EQ(state.size(), 2u);
  EXPECT_EQ(state[0].explanation, "two CPUs inside a serialized section at once");
  EXPECT_EQ(state[1].cpu, 0);  // CPU0 thinks it is inside but the token names CPU2
  const auto events = check_ser1(sink.events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].observed, "CPU2 acquired it while CPU0 held it");
}

TEST(SerInvariants, FireOnAReleaseByAnotherCpu) {
  const std::vector<BalanceEvent> ev = {SerializeEvent{1, 1, 2, SerializeAction::Acquire, 1},
                                        SerializeEvent{3, 3, 2, SerializeAction::Release, 1}};
  const auto v = check_ser1(ev);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].line, 2);
  EXPECT_EQ(v[0].expected, "released by CPU1");
}

// SER-2: v6.19 tries for the token only for a due domain; v6.17 tries before the due test.
TEST(SerInvariants, Ser2HoldsOnV619PassesAndFiresOnATryForADomainNotDue) {
  MachineState m = make("v6.19");
  advance_jiffies(m, 4);
  ScriptedBalancer b;
  RecordingEventSink sink;
  for (int cpu : {0, 2}) {
    SchedBalanceDomains p(cpu, CpuIdleType::Idle);
    while (!p.done()) p.step(m, b, sink);
  }
  ASSERT_FALSE(sink.of_type<SerializeEvent>().empty()) << "the v6.19 passes took the token";
  EXPECT_TRUE(check_ser2(SerializePlacement::InSchedBalanceRq, sink.events).empty());

  const std::vector<BalanceEvent> not_due = {DomainVisitEvent{1, 2, "NUMA", 100, 8, 96, false},
                                             SerializeEvent{1, 1, 2, SerializeAction::Acquire, -1},
                                             SerializeEvent{1, 1, 2, SerializeAction::Release, 1}};
  const auto v = check_ser2(SerializePlacement::InSchedBalanceRq, not_due);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].id, "SER-2");
  EXPECT_EQ(v[0].line, 2);
  EXPECT_TRUE(check_ser2(SerializePlacement::BeforeDueTest, not_due).empty())
      << "spec/bugs.md #14: allowed up to 6.18";
  // A due visit, or none in the window, is no finding.
  std::vector<BalanceEvent> due = not_due;
  std::get<DomainVisitEvent>(due[0]).due = true;
  EXPECT_TRUE(check_ser2(SerializePlacement::InSchedBalanceRq, due).empty());
  EXPECT_TRUE(check_ser2(SerializePlacement::InSchedBalanceRq, {not_due[1], not_due[2]}).empty());
}

TEST(IntervalInvariants, Int1HoldsOnSimulatedRuns) {
  for (const std::string& n : profile_names()) {
    MachineState m = make(n.c_str());
    ScriptedBalancer b;
    b.script[{0, 0}] = {.moved = 1};
    const RecordingEventSink sink = simulate(m, 40, b);
    EXPECT_TRUE(check_int1(m.profile, balance_interval_cap(m), sink.events).empty()) << n;
  }
}

TEST(IntervalInvariants, Int1FiresOnZeroAndAboveTheCap) {
  const Profile p = profile("v6.17");
  const std::vector<BalanceEvent> ev = {DomainVisitEvent{0, 0, "MC", 0, 0, 0, true},
                                        DomainVisitEvent{0, 1, "NUMA", 0, 401, 0, false}};
  const auto v = check_int1(p, 400, ev);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].expected, "[1, 400]");
  EXPECT_EQ(v[1].observed, "401");
  // v2.6.20 had no cap.
  EXPECT_EQ(check_int1(profile("v2.6.20"), 0, ev).size(), 1u);
}

TEST(IntervalInvariants, Bi1StateHoldsAfterRunsAndFiresOutsideTheCeiling) {
  MachineState m = make("v6.17");
  ScriptedBalancer b;
  b.script[{0, 1}] = {.all_pinned = true};
  simulate(m, 200, b);
  EXPECT_GT(m.rq(0).sd[1].sd.balance_interval, m.rq(0).sd[1].max_interval);  // pinned back-off
  EXPECT_TRUE(check_bi1(m).empty());
  m.rq(2).sd[1].sd.balance_interval = 2048;  // min 4: ceiling is 512
  m.rq(3).sd[0].sd.balance_interval = 1;     // below min_interval 2
  const auto v = check_bi1(m);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].cpu, 2);
  EXPECT_EQ(v[0].expected, "[4, 512]");
  EXPECT_EQ(v[1].level_name, "MC");
}

// v2.6.20's NUMA level attaches with SD_NODE_INIT's balance_interval 1, below min_interval
// 8: legal at boot and on the way up by doubling; below the attach value it still fires.
TEST(IntervalInvariants, Bi1AllowsThe26NumaAttachValueBelowMinInterval) {
  const SpecParse spec = parse_machine_spec("sockets=2,cores=2,nodes=2");
  ASSERT_TRUE(spec.spec) << spec.error;
  const Profile p = profile("v2.6.20");
  MachineState m =
      testing::machine(build_sched_domains(*spec.spec, p.version, initial_jiffies(p.hz)), p);
  const RqDomain& node = m.rq(0).sd.back();
  ASSERT_EQ(node.sd.balance_interval, 1u);
  ASSERT_EQ(node.min_interval, 8u);
  EXPECT_TRUE(check_bi1(m).empty());
  m.rq(0).sd.back().sd.balance_interval = 4;  // 1 doubled twice
  EXPECT_TRUE(check_bi1(m).empty());
  m.rq(0).sd.back().sd.balance_interval = 0;
  const auto v = check_bi1(m);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].expected.substr(0, 4), "[1, ");
}

TEST(IntervalInvariants, Bi1TransitionsForbidNewidleDoublingWhereTheEraDoes) {
  for (const char* name : {"v4.19", "v6.17"}) {
    const MachineState m = make(name);
    const std::vector<BalanceEvent> ev = {
        BalanceResultEvent{0, 0, CpuIdleType::NewlyIdle, 0, false, true, 0, 2, 2, 4}};
    EXPECT_EQ(check_bi1(m, ev).size(), std::string(name) == "v6.17" ? 1u : 0u) << name;
  }
  const MachineState m = make("v6.17");
  const std::vector<BalanceEvent> tripled = {
      BalanceResultEvent{0, 0, CpuIdleType::Idle, 0, false, true, 0, 2, 2, 6}};
  const auto v = check_bi1(m, tripled);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].expected, "2 or 4");  // min_interval 2 is `before`: each value once
  // Three distinct values are all listed; a NEWLY_IDLE doubling with before == min_interval
  // names the one value once.
  const auto from4 =
      check_bi1(m, {BalanceResultEvent{0, 0, CpuIdleType::Idle, 0, false, true, 0, 2, 4, 6}});
  ASSERT_EQ(from4.size(), 1u);
  EXPECT_EQ(from4[0].expected, "4, 8 or 2");
  const auto newidle =
      check_bi1(m, {BalanceResultEvent{0, 0, CpuIdleType::NewlyIdle, 0, false, true, 0, 2, 2, 4}});
  ASSERT_EQ(newidle.size(), 1u);
  EXPECT_EQ(newidle[0].expected, "2");
}

}  // namespace
}  // namespace sbm
