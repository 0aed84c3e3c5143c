// The periodic pass, rebalance_domains()/sched_balance_domains(), step by step.
#include "model/balance/sched_balance_domains.h"

#include <gtest/gtest.h>

#include "model/balance/sched_balance_trigger.h"
#include "model/topology/build_sched_domains.h"
#include "model/topology/topology_spec.h"
#include "tests/support/sched_balance_testing.h"

namespace sbm {
namespace {

using testing::profile;
using testing::ScriptedBalancer;

constexpr int kMc = 0;
constexpr int kNuma = 1;

// HZ=1000 so that milliseconds and jiffies coincide and the numbers read directly.
MachineState numa_machine(const char* name, unsigned bits = 64,
                          std::optional<uint64_t> jiffies = std::nullopt) {
  return testing::machine(testing::mc_numa_topology(4),
                          profile(name, {.hz = 1000, .jiffies_bits = bits}),
                          MachineOptions{.jiffies = jiffies});
}

RecordingEventSink run_pass(MachineState& m, int cpu, CpuIdleType idle, SchedBalanceRq& b) {
  RecordingEventSink sink;
  SchedBalanceDomains pass(cpu, idle);
  pass.run_to_completion(m, b, sink);
  return sink;
}

TEST(SchedBalanceDomains, FullPassBalancesDueDomainsAndTakesTheMinimum) {
  MachineState m = numa_machine("v6.17");
  const uint64_t j0 = m.jiffies;
  advance_jiffies(m, 4);  // MC (2 ms) and NUMA (4 ms) are both due for an idle CPU
  ScriptedBalancer b;
  RecordingEventSink sink = run_pass(m, 0, CpuIdleType::Idle, b);

  ASSERT_EQ(b.calls.size(), 2u);
  EXPECT_EQ(b.calls[0].level, kMc);
  EXPECT_EQ(b.calls[1].level, kNuma);
  const Rq& rq = m.rq(0);
  // Balanced both times: balance_interval doubled (2 -> 4, 4 -> 8), last_balance = jiffies.
  EXPECT_EQ(rq.sd[kMc].sd.balance_interval, 4u);
  EXPECT_EQ(rq.sd[kNuma].sd.balance_interval, 8u);
  EXPECT_EQ(rq.sd[kMc].sd.last_balance, j0 + 4);
  // The recomputed intervals feed the minimum: MC j0+4+4, NUMA j0+4+8.
  EXPECT_EQ(rq.next_balance, j0 + 8);
  const auto cands = sink.of_type<NextBalanceCandidateEvent>();
  ASSERT_EQ(cands.size(), 2u);
  EXPECT_TRUE(cands[0].taken);
  EXPECT_FALSE(cands[1].taken);
  // The token was taken and released around the NUMA balance.
  const auto ser = sink.of_type<SerializeEvent>();
  ASSERT_EQ(ser.size(), 2u);
  EXPECT_EQ(ser[0].action, SerializeAction::Acquire);
  EXPECT_EQ(ser[1].action, SerializeAction::Release);
  EXPECT_FALSE(m.sched_balance_running.held());
}

TEST(SchedBalanceDomains, NextBalanceIsTheMinimumOverReachedDomainsOnly) {
  MachineState m = numa_machine("v6.17");
  const uint64_t j0 = m.jiffies;
  advance_jiffies(m, 4);
  m.rq(0).sd[kNuma].sd.last_balance = j0 + 1;  // NUMA alone would be due again at j0+5
  ScriptedBalancer b;
  b.script[{0, kMc}] = {.should_we_balance = false};  // another CPU balances MC
  RecordingEventSink sink = run_pass(m, 0, CpuIdleType::Idle, b);

  EXPECT_EQ(b.calls.size(), 1u);
  EXPECT_TRUE(sink.of_type<DomainVisitEvent>().size() == 1);
  const auto skips = sink.of_type<DomainSkipEvent>();
  ASSERT_EQ(skips.size(), 1u);
  EXPECT_EQ(skips[0].level, kNuma);
  EXPECT_EQ(skips[0].reason, DomainSkipReason::Break);
  // Only MC fed it (j0+4 + doubled interval 4), although NUMA's j0+5 is earlier.
  EXPECT_EQ(m.rq(0).next_balance, j0 + 8);
}

TEST(SchedBalanceDomains, ThirtyTwoBitJiffiesWrapBetweenDeadlines) {
  // HZ=1000: 32-bit jiffies wrap 300000 ticks after INITIAL_JIFFIES.
  for (unsigned bits : {32u, 64u}) {
    MachineState m = numa_machine("v6.17", bits);
    ASSERT_EQ(m.jiffies, initial_jiffies(1000));
    advance_jiffies(m, 300 * 1000 - 2);  // two ticks before 2^32
    const uint64_t now = m.jiffies;
    ASSERT_EQ(now, 0xfffffffeu);
    Rq& rq = m.rq(0);
    rq.sd[kMc].sd.last_balance = now - 2;    // due exactly now (interval 2)
    rq.sd[kNuma].sd.last_balance = now - 2;  // due at 2^32, i.e. 0 on 32 bits
    ScriptedBalancer b;
    RecordingEventSink sink = run_pass(m, 0, CpuIdleType::Idle, b);
    ASSERT_EQ(b.calls.size(), 1u) << bits;  // NUMA is not due yet
    const uint64_t two_pow_32 = uint64_t{1} << 32;
    // MC: now + doubled interval 4 = 2^32 + 2; NUMA: 2^32, earlier, taken.
    EXPECT_EQ(rq.next_balance, bits == 32 ? 0u : two_pow_32) << bits;
    NullEventSink none;
    NohzHooks no_nohz;
    EXPECT_FALSE(sched_tick_balance(m, 0, no_nohz, none).raised) << bits;
    advance_jiffies(m, 2);
    EXPECT_TRUE(sched_tick_balance(m, 0, no_nohz, none).raised) << bits;
  }
}

TEST(SchedBalanceDomains, FailedTrylockLeavesLastBalanceSoTheTriggerRaisesAgain) {
  // <= 6.18: the token is busy, the due NUMA domain keeps its old last_balance and
  // rq->next_balance lands in the past.
  MachineState m = numa_machine("v6.17");
  const uint64_t j0 = m.jiffies;
  advance_jiffies(m, 4);
  m.sched_balance_running = SchedBalanceRunning{2, 2, kNuma};
  ScriptedBalancer b;
  RecordingEventSink sink = run_pass(m, 0, CpuIdleType::Idle, b);
  EXPECT_EQ(b.calls.size(), 1u);  // MC only
  EXPECT_EQ(m.rq(0).sd[kNuma].sd.last_balance, j0);
  EXPECT_EQ(m.rq(0).next_balance, j0 + 4);  // NUMA's stale deadline, == now
  const auto ser = sink.of_type<SerializeEvent>();
  ASSERT_EQ(ser.size(), 1u);
  EXPECT_EQ(ser[0].action, SerializeAction::Busy);
  EXPECT_EQ(ser[0].holder, 2);
  advance_jiffies(m, 1);
  NullEventSink none;
  NohzHooks no_nohz;
  EXPECT_TRUE(sched_tick_balance(m, 0, no_nohz, none).raised);
}

TEST(SchedBalanceDomains, V619BusyTokenTakesTheBalancedPathAndBacksOff) {
  MachineState m = numa_machine("v6.19");
  const uint64_t j0 = m.jiffies;
  advance_jiffies(m, 4);
  m.sched_balance_running = SchedBalanceRunning{2, 2, kNuma};
  m.rq(0).sd[kNuma].sd.nr_balance_failed = 3;
  ScriptedBalancer b;
  b.script[{0, kNuma}] = {.moved = 1};  // would pull, but never gets the token
  RecordingEventSink sink = run_pass(m, 0, CpuIdleType::Idle, b);
  ASSERT_EQ(b.calls.size(), 2u);
  const RqDomain& numa = m.rq(0).sd[kNuma];
  EXPECT_EQ(numa.sd.balance_interval, 8u);  // doubled
  EXPECT_EQ(numa.sd.nr_balance_failed, 0u);
  EXPECT_EQ(numa.stats.lb_balanced[SdStats::index(CpuIdleType::Idle)], 1u);
  EXPECT_EQ(numa.sd.last_balance, j0 + 4);  // the caller still sets last_balance
  const auto results = sink.of_type<BalanceResultEvent>();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[1].serialize_busy);
  EXPECT_EQ(results[1].interval, 8u);
  // Backed off, not retried: the next deadline is in the future.
  EXPECT_EQ(m.rq(0).next_balance, j0 + 8);
  advance_jiffies(m, 1);
  NullEventSink none;
  NohzHooks no_nohz;
  EXPECT_FALSE(sched_tick_balance(m, 0, no_nohz, none).raised);
}

TEST(SchedBalanceDomains, TwoCpusInsideTheSoftirqContendStepByStep) {
  MachineState m = numa_machine("v6.17");
  advance_jiffies(m, 4);
  ScriptedBalancer b;
  NullEventSink none;
  SchedBalanceDomains p0(0, CpuIdleType::Idle), p2(2, CpuIdleType::Idle);
  while (!p0.holds_serialize_token()) p0.step(m, b, none);
  EXPECT_EQ(p0.level(), kNuma);
  EXPECT_EQ(p0.phase(), SchedBalanceDomains::Phase::Balance);
  RecordingEventSink sink2;
  while (p2.level() < kNuma || p2.phase() != SchedBalanceDomains::Phase::MinUpdate)
    p2.step(m, b, sink2);
  EXPECT_FALSE(p2.holds_serialize_token());
  const auto ser = sink2.of_type<SerializeEvent>();
  ASSERT_EQ(ser.size(), 1u);
  EXPECT_EQ(ser[0].action, SerializeAction::Busy);
  EXPECT_EQ(ser[0].holder, 0);
  p0.run_to_completion(m, b, none);
  p2.run_to_completion(m, b, none);
  EXPECT_FALSE(m.sched_balance_running.held());
  // CPU2's NUMA balance was skipped, CPU0's ran.
  EXPECT_EQ(b.calls.size(), 3u);
}

TEST(SchedBalanceDomains, SteppingAndRunToCompletionAgree) {
  MachineState a = numa_machine("v4.19");
  MachineState c = numa_machine("v4.19");
  advance_jiffies(a, 9);
  advance_jiffies(c, 9);
  ScriptedBalancer ba, bc;
  ba.script[{1, kMc}] = bc.script[{1, kMc}] = {.moved = 1};
  RecordingEventSink sa = run_pass(a, 1, CpuIdleType::Idle, ba);
  RecordingEventSink sc;
  SchedBalanceDomains pass(1, CpuIdleType::Idle);
  int steps = 0;
  while (!pass.done()) {
    pass.step(c, bc, sc);
    ++steps;
  }
  EXPECT_EQ(sa.events.size(), sc.events.size());
  EXPECT_EQ(a.rq(1).next_balance, c.rq(1).next_balance);
  // Start, 2 x (Visit, Balance, MinUpdate), Acquire + Release for NUMA, Finish.
  EXPECT_EQ(steps, 10);
}

TEST(SchedBalanceDomains, NullDomainLeavesNextBalanceSinceV2624ButV2620AlwaysWrites) {
  Topology t = testing::mc_numa_topology(4);
  t.cpus[3].domains.clear();
  for (const char* name : {"v6.17", "v2.6.20"}) {
    MachineState m = testing::machine(t, profile(name, {.hz = 1000}));
    const uint64_t before = m.rq(3).next_balance;
    advance_jiffies(m, 10);
    ScriptedBalancer b;
    RecordingEventSink sink = run_pass(m, 3, CpuIdleType::Idle, b);
    const auto w = sink.of_type<NextBalanceWriteEvent>();
    ASSERT_EQ(w.size(), 1u);
    if (std::string(name) == "v6.17") {
      EXPECT_FALSE(w[0].written);
      EXPECT_EQ(m.rq(3).next_balance, before);
    } else {
      EXPECT_TRUE(w[0].written);
      EXPECT_EQ(m.rq(3).next_balance, m.jiffies + 60 * 1000);
    }
  }
}

TEST(SchedBalanceDomains, SixtySecondHorizonBindsWhenTheCapExceedsIt) {
  // A 4096-CPU domain busy: 4096 ms x 16 = 65536 jiffies - 1 > 60*HZ. With more than 600
  // CPUs online the cap allows it, the first domain does not feed next_balance and
  // sched_balance_domains() leaves rq->next_balance alone.
  const SdFlags f{SdFlag::BalanceNewidle};
  Topology t = testing::hand_topology(2, {{"PKG", 2, f, 4096, 8192, 16}});
  MachineState m = testing::machine(t, profile("v6.17", {.hz = 1000}));
  m.max_load_balance_interval = 1000 * 1024 / 10;  // as with 1024 CPUs online
  m.rq(0).tasks.push_back(Task{1});
  const uint64_t before = m.rq(0).next_balance;
  ScriptedBalancer b;
  RecordingEventSink sink = run_pass(m, 0, CpuIdleType::NotIdle, b);
  EXPECT_EQ(sink.of_type<DomainVisitEvent>()[0].interval, 65535u);
  EXPECT_FALSE(sink.of_type<NextBalanceCandidateEvent>()[0].taken);
  EXPECT_EQ(m.rq(0).next_balance, before);
}

TEST(SchedBalanceSoftirq, EntryAndExitBracketThePassAndClearThePendingBit) {
  MachineState m = numa_machine("v6.17");
  advance_jiffies(m, 4);
  NohzHooks no_nohz;
  RecordingEventSink sink;
  ASSERT_TRUE(sched_tick_balance(m, 0, no_nohz, sink).raised);
  ASSERT_TRUE(m.rq(0).sched_softirq_pending);
  ScriptedBalancer b;
  SchedBalanceSoftirq softirq(0);
  softirq.run_to_completion(m, b, no_nohz, sink);
  EXPECT_FALSE(m.rq(0).sched_softirq_pending);
  ASSERT_GE(sink.events.size(), 4u);
  EXPECT_TRUE(std::holds_alternative<SoftirqRaiseEvent>(sink.events[1]));
  EXPECT_TRUE(std::holds_alternative<SoftirqEntryEvent>(sink.events[2]));
  EXPECT_TRUE(std::holds_alternative<PassStartEvent>(sink.events[3]));
  EXPECT_TRUE(std::holds_alternative<SoftirqExitEvent>(sink.events.back()));
  EXPECT_EQ(std::get<SoftirqExitEvent>(sink.events.back()).vec, 7);
  EXPECT_EQ(softirq.idle(), CpuIdleType::Idle);
}

}  // namespace
}  // namespace sbm

namespace sbm {
namespace {

// The builder's topologies run through the pass: every profile, a 2-socket NUMA preset.
TEST(SchedBalanceDomains, BuiltTopologiesBalanceUnderEveryProfile) {
  const SpecParse spec = parse_machine_spec("2s-numa");
  ASSERT_TRUE(spec.spec) << spec.error;
  for (const std::string& name : profile_names()) {
    const Profile p = testing::profile(name.c_str());
    const Topology t = build_sched_domains(*spec.spec, p.version, initial_jiffies(p.hz));
    MachineBuild b = make_machine(t, p);
    ASSERT_TRUE(b.machine) << name << ": " << b.error;
    MachineState& m = *b.machine;
    advance_jiffies(m, 1000);
    ScriptedBalancer bal;
    RecordingEventSink sink;
    SchedBalanceDomains(0, CpuIdleType::Idle).run_to_completion(m, bal, sink);
    EXPECT_EQ(bal.calls.size(), m.rq(0).sd.size()) << name;  // all due after 1000 jiffies
    bool has_serialize = false;
    for (const RqDomain& d : m.rq(0).sd) has_serialize |= d.flags().has(SdFlag::Serialize);
    if (p.version >= KernelVersion{3, 0, 0}) {
      EXPECT_TRUE(has_serialize) << name;
    }
    // Taken and released once, by the pass (<= 6.18) or inside sched_balance_rq() (6.19).
    EXPECT_EQ(sink.of_type<SerializeEvent>().size(), has_serialize ? 2u : 0u) << name;
  }
}

}  // namespace
}  // namespace sbm
