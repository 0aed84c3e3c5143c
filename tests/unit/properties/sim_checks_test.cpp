// WC-1 (properties/wc_invariants.h) and the property run around the simulator
// (properties/check_all.h): each fires on a bad case and holds on good ones.
#include <gtest/gtest.h>

#include <string>

#include "model/sim/simulator.h"
#include "model/topology/build_sched_domains.h"
#include "properties/check_all.h"
#include "properties/wc_invariants.h"
#include "tests/support/sim_testing.h"

namespace sbm {
namespace {

using testing::make_sim;
using testing::sim_config;

// A load_balance() that never moves anything (nor clears continue_balancing): the idle CPUs
// of a loaded machine stay idle.
class NeverPulls final : public SchedBalanceRq {
 public:
  BalanceOutcome balance(MachineState&, const BalanceCall&, bool&, BalanceEventSink&) override {
    return {};
  }
};

MachineState laptop_machine(const char* profile) {
  const Profile p = find_profile(profile).profile.value();
  const MachineSpec spec = parse_machine_spec("laptop").spec.value();
  const uint64_t j = initial_jiffies(p.hz);
  return make_machine(build_sched_domains(spec, p.version, j), p, MachineOptions{j, {}, {}})
      .machine.value();
}

Task task(int pid, bool running) {
  Task t;
  t.pid = pid;
  t.running = running;
  t.cpus_allowed = CpuMask::range(0, 7);
  return t;
}

TEST(Wc1, WaitingTaskNeedsAnIdleCpuAQueuedTaskAndAffinity) {
  MachineState m = laptop_machine("v6.17");
  // laptop: SMT siblings 0 and 4 form each CPU's base domain.
  m.rq(0).tasks = {task(1, true), task(2, false)};
  ASSERT_EQ(m.rq(4).sd.front().span(), (CpuMask::single(0) | CpuMask::single(4)));
  const auto w = wc1_waiting_task(m, 4);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->pid, 2);
  EXPECT_EQ(w->src_cpu, 0);
  EXPECT_FALSE(wc1_waiting_task(m, 1));  // CPU 0 is not in CPU 1's base domain
  m.rq(0).tasks[1].cpus_allowed = CpuMask::single(0);
  EXPECT_FALSE(wc1_waiting_task(m, 4));  // pinned to CPU 0
  m.rq(0).tasks[1].cpus_allowed = CpuMask::range(0, 7);
  m.rq(4).tasks = {task(3, true)};
  EXPECT_FALSE(wc1_waiting_task(m, 4));  // not idle
  m.rq(4).tasks.clear();
  // More tasks than one detach pass examines (sysctl_sched_nr_migrate = 32): no bound.
  for (int pid = 3; pid <= 33; ++pid) m.rq(0).tasks.push_back(task(pid, false));
  EXPECT_FALSE(wc1_waiting_task(m, 4));
  m.rq(0).tasks.resize(32);
  EXPECT_TRUE(wc1_waiting_task(m, 4));
  // Two light tasks (util 128 each) do not overload CPU 0.
  m.rq(0).tasks.resize(2);
  for (Task& t : m.rq(0).tasks) t.util = 128;
  EXPECT_FALSE(wc1_waiting_task(m, 4));
  for (Task& t : m.rq(0).tasks) t.util = 1024;
  m.rq(4).nohz_tick_stopped = true;
  EXPECT_FALSE(wc1_waiting_task(m, 4));  // the idle load balancer's case
}

TEST(Wc1, BoundFollowsTheIntervalsAndCacheNiceTries) {
  MachineState m = laptop_machine("v6.17");
  RqDomain& d = m.rq(4).sd.front();
  d.sd.balance_interval = d.min_interval;
  d.sd.last_balance = m.jiffies;
  m.rq(4).next_balance = m.jiffies;
  const uint64_t j_min = sd_balance_interval(m, d, false);
  const Wc1Bound b = wc1_bound(m, 4, false);
  EXPECT_EQ(b.first, j_min);
  EXPECT_EQ(b.gap, j_min);
  EXPECT_EQ(b.retries, (d.cache_nice_tries + 1) * j_min);
  // A next_balance far ahead (set by a busy pass) delays the first balance.
  m.rq(4).next_balance = m.ops.add(m.jiffies, 100);
  EXPECT_EQ(wc1_bound(m, 4, false).first, 100u);
  // The tick sampled the CPU busy: a busy pass may still come and back off first.
  m.rq(4).next_balance = m.jiffies;
  m.rq(4).idle_balance = false;
  ASSERT_TRUE(wc1_busy_pass_pending(m, 4, {}));
  RqDomain doubled = d;
  doubled.sd.balance_interval = 2 * d.min_interval;
  EXPECT_EQ(wc1_bound(m, 4, true).first, sd_balance_interval(m, doubled, true));
  m.rq(4).idle_balance = true;
  EXPECT_FALSE(wc1_busy_pass_pending(m, 4, {}));
}

TEST(Wc1, FiresWhenTheIdleCpuNeverPulls) {
  MachineState m = laptop_machine("v6.17");
  m.rq(0).tasks = {task(1, true), task(2, false)};
  Wc1Monitor mon;
  EXPECT_TRUE(mon.observe(m, {}).empty());
  const uint64_t bound = wc1_bound(m, 4, false).total();
  advance_jiffies(m, bound);
  EXPECT_TRUE(mon.observe(m, {}).empty());  // exactly at the bound: still allowed
  advance_jiffies(m, 1);
  const std::vector<Violation> v = mon.observe(m, {});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].id, "WC-1");
  EXPECT_EQ(v[0].cpu, 4);
  EXPECT_NE(v[0].observed.find("pid 2 waits on CPU 0"), std::string::npos) << v[0].observed;
  advance_jiffies(m, 1);
  EXPECT_TRUE(mon.observe(m, {}).empty());  // reported once per episode
  EXPECT_EQ(mon.episodes(), 1);
}

TEST(Wc1, EpisodeEndsWhenTheCpuGetsWork) {
  MachineState m = laptop_machine("v6.17");
  m.rq(0).tasks = {task(1, true), task(2, false)};
  Wc1Monitor mon;
  mon.observe(m, {});
  m.rq(4).tasks = {m.rq(0).tasks[1]};
  m.rq(0).tasks.pop_back();
  advance_jiffies(m, 10000);
  EXPECT_TRUE(mon.observe(m, {}).empty());
}

TEST(CheckAll, NeverPullingBalancerBreaksWc1InTheSimulator) {
  NeverPulls never;
  SimConfig c = sim_config("laptop", "v6.17", "spread", 3);
  c.profile.config_no_hz = false;
  c.balancer = &never;
  Simulator sim = make_sim(c);
  PropertyChecker checker;
  SimObserver none;
  checker.run_ticks(sim, 300, none);
  bool wc1 = false;
  for (const Violation& v : checker.violations()) wc1 |= v.id == "WC-1";
  EXPECT_TRUE(wc1);
}

TEST(CheckAll, SummaryHasEveryIdAndCountsChecks) {
  Simulator sim = make_sim(sim_config("laptop", "v6.17", "idle", 1));
  PropertyChecker checker;
  SimObserver none;
  checker.run_ticks(sim, 5, none);
  const std::vector<CheckSummary> s = checker.summary();
  ASSERT_EQ(s.size(), sim_invariants().size());
  for (const CheckSummary& c : s) {
    EXPECT_GT(c.instances, 0) << c.id;
    EXPECT_EQ(c.outcome, CheckOutcome::Holds) << c.id;
  }
}

TEST(CheckAll, EventViolationsCarryTheirRunWideEventNumber) {
  // A balancer that releases the SD_SERIALIZE token it never took: SER-1 fires, and the
  // line is the Release event's number in the whole run.
  class ForeignRelease final : public SchedBalanceRq {
   public:
    BalanceOutcome balance(MachineState& m, const BalanceCall& call, bool&,
                           BalanceEventSink& sink) override {
      if (!m.sched_balance_running.held())
        serialize_release(m.sched_balance_running, call.executing_cpu, call.cpu, call.level, sink);
      return {};
    }
  } bad;
  SimConfig c = sim_config("laptop", "v6.17", "idle", 2);
  c.profile.config_no_hz = false;  // idle CPUs keep ticking and running their passes
  c.balancer = &bad;
  Simulator sim = make_sim(c);
  PropertyChecker checker;
  class Count final : public SimObserver {
   public:
    void emit(const BalanceEvent& e) override {
      ++n;
      if (const auto* s = std::get_if<SerializeEvent>(&e))
        if (s->action == SerializeAction::Release && first_release == 0) first_release = n;
    }
    int n = 0;
    int first_release = 0;
  } count;
  checker.run_ticks(sim, 3, count);
  ASSERT_GT(count.first_release, 0);
  int ser_line = 0;
  for (const Violation& v : checker.violations())
    if (v.id == "SER-1" && ser_line == 0) ser_line = v.line;
  EXPECT_EQ(ser_line, count.first_release);
}

// The model's own balancing under every profile and workload keeps every property.
class CheckAllRuns : public ::testing::TestWithParam<std::tuple<const char*, const char*>> {};

TEST_P(CheckAllRuns, EveryPropertyHolds) {
  const auto [profile, workload] = GetParam();
  for (bool no_hz : {false, true}) {
    SimConfig c = sim_config("laptop", profile, workload, 17);
    c.profile.config_no_hz = no_hz;
    Simulator sim = make_sim(c);
    PropertyChecker checker;
    SimObserver none;
    checker.run_ticks(sim, 120, none);
    for (const Violation& v : checker.violations())
      ADD_FAILURE() << profile << " " << workload << (no_hz ? " NO_HZ" : "") << ": " << v.id
                    << " cpu " << v.cpu << " level " << v.level << " line " << v.line
                    << ": expected " << v.expected << ", observed " << v.observed;
  }
}

INSTANTIATE_TEST_SUITE_P(
    ProfilesAndWorkloads, CheckAllRuns,
    ::testing::Combine(::testing::Values("v2.6.20", "v2.6.32", "v4.19", "v6.17", "v6.19"),
                       ::testing::Values("spread", "pinned", "churn", "numa-imbalance")));

}  // namespace
}  // namespace sbm
