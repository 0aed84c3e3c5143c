// The simulator (model/sim/simulator.h): determinism, the interleaving rules, the workloads and
// the task events.
#include "model/sim/simulator.h"
#include "tests/support/sim_testing.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/sim/sim_rng.h"
#include "model/sim/workload.h"

namespace sbm {
namespace {

using testing::make_sim;
using testing::sim_config;

// Records every report as one line: the event's variant index and acting CPU, task events
// and jiffies.
class Log final : public SimObserver {
 public:
  void emit(const BalanceEvent& e) override {
    int cpu = -1;
    std::visit(
        [&](const auto& ev) {
          if constexpr (requires { ev.cpu; }) cpu = ev.cpu;
        },
        e);
    lines.push_back("e" + std::to_string(e.index()) + " cpu" + std::to_string(cpu));
    events.push_back(e);
  }
  void on_task_event(const TaskEvent& t) override {
    lines.push_back(std::string(task_event_kind_name(t.kind)) + " pid" + std::to_string(t.pid) +
                    " cpu" + std::to_string(t.cpu));
  }
  void on_jiffy(uint64_t j) override { lines.push_back("jiffies " + std::to_string(j)); }

  std::vector<std::string> lines;
  std::vector<BalanceEvent> events;
};

std::vector<std::vector<int>> placement(const Simulator& s) {
  std::vector<std::vector<int>> out;
  for (const Rq& rq : s.machine().rqs) {
    out.emplace_back();
    for (const Task& t : rq.tasks) out.back().push_back(t.pid);
  }
  return out;
}

TEST(SimRng, SameSeedSameStreamAndBelowStaysInRange) {
  SimRng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    differs |= x != c.next();
  }
  EXPECT_TRUE(differs);
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t v = a.below(7);
    ASSERT_LT(v, 7u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(a.below(0), 0u);
  EXPECT_EQ(a.below(1), 0u);
}

TEST(SimRng, FirstOutputOfSeedZeroIsSplitMix64Reference) {
  // SplitMix64 from state 0: the first output published with the algorithm.
  EXPECT_EQ(SimRng(0).next(), 0xe220a8397b1dcdafull);
}

TEST(Simulator, SameArgumentsGiveTheSameRun) {
  const SimConfig c = sim_config("laptop", "v6.17", "churn", 7);
  Simulator a = make_sim(c), b = make_sim(c);
  Log la, lb;
  a.run_ticks(200, la);
  b.run_ticks(200, lb);
  EXPECT_EQ(la.lines, lb.lines);
  EXPECT_EQ(placement(a), placement(b));
  EXPECT_GT(la.lines.size(), 1000u);
}

TEST(Simulator, AnotherSeedInterleavesDifferently) {
  Simulator a = make_sim(sim_config("laptop", "v6.17", "idle", 1));
  Simulator b = make_sim(sim_config("laptop", "v6.17", "idle", 2));
  Log la, lb;
  a.run_ticks(20, la);
  b.run_ticks(20, lb);
  EXPECT_NE(la.lines, lb.lines);
}

TEST(Simulator, EveryOnlineCpuTicksOncePerJiffy) {
  SimConfig c = sim_config("laptop,online=0-5", "v4.19", "spread", 3);
  c.profile.config_no_hz = false;
  Simulator s = make_sim(c);
  Log log;
  s.run_ticks(50, log);
  std::map<uint64_t, std::multiset<int>> ticks;  // jiffies -> CPUs that ticked
  for (const BalanceEvent& e : log.events)
    if (const auto* t = std::get_if<TickEvent>(&e)) ticks[t->jiffies].insert(t->cpu);
  ASSERT_EQ(ticks.size(), 50u);
  for (const auto& [j, cpus] : ticks) EXPECT_EQ(cpus, (std::multiset<int>{0, 1, 2, 3, 4, 5})) << j;
  EXPECT_EQ(s.summary().ticks, 50u);
  EXPECT_EQ(s.summary().cpu_ticks, 300u);
}

TEST(Simulator, TwoCpusAreInsideTheSoftirqAtOnce) {
  Simulator s = make_sim(sim_config("2s-numa", "v6.17", "idle", 5));
  Log log;
  size_t most = 0;
  for (int i = 0; i < 5000; ++i) {
    s.step(log);
    most = std::max(most, s.passes_in_flight().size());
  }
  EXPECT_GE(most, 2u);
}

TEST(Simulator, NohzIdleCpusStopTheirTickAndTheIdleLoadBalancerIsKicked) {
  // v6.17 with CONFIG_NO_HZ: "spread" leaves CPUs idle at first, so their ticks stop, and a
  // busy CPU's tick kicks an idle one to balance for them (model/nohz/nohz.h).
  Simulator s = make_sim(sim_config("laptop", "v6.17", "spread", 3));
  Log log;
  s.run_ticks(3, log);
  std::map<uint64_t, std::set<int>> ticks;
  size_t kicks = 0;
  for (const BalanceEvent& e : log.events) {
    if (const auto* t = std::get_if<TickEvent>(&e)) ticks[t->jiffies].insert(t->cpu);
    kicks += std::holds_alternative<NohzKickEvent>(e);
  }
  ASSERT_FALSE(ticks.empty());
  EXPECT_LT(ticks.rbegin()->second.size(), 8u);  // some CPUs no longer tick
  EXPECT_GT(kicks, 0u);
  s.run_ticks(2000, log);
  for (const Rq& rq : s.machine().rqs) EXPECT_EQ(rq.nr_running(), 1u) << "CPU" << rq.cpu;
}

TEST(Simulator, SpreadWorkloadEndsWithATaskOnEveryCpu) {
  for (const char* profile : {"v2.6.32", "v4.19", "v6.17", "v6.19"}) {
    Simulator s = make_sim(sim_config("laptop", profile, "spread", 11));
    Log log;
    s.run_ticks(2000, log);
    for (const Rq& rq : s.machine().rqs)
      EXPECT_EQ(rq.nr_running(), 1u) << profile << " CPU" << rq.cpu;
    size_t migrate_events = 0;
    for (const BalanceEvent& e : log.events)
      migrate_events += std::holds_alternative<TaskMigrateEvent>(e);
    EXPECT_GT(migrate_events, 0u) << profile;
    EXPECT_EQ(s.summary().migrations, migrate_events) << profile;
  }
}

TEST(Simulator, NonEmptyRqAlwaysRunsExactlyOneTask) {
  Simulator s = make_sim(sim_config("laptop", "v6.17", "churn", 9));
  Log log;
  for (int i = 0; i < 20000; ++i) {
    s.step(log);
    for (const Rq& rq : s.machine().rqs) {
      int running = 0;
      for (const Task& t : rq.tasks) running += t.running;
      ASSERT_EQ(running, rq.tasks.empty() ? 0 : 1) << "CPU" << rq.cpu << " step " << i;
    }
  }
}

TEST(Simulator, TaskEventsFollowTheirRules) {
  Simulator s = make_sim(sim_config("laptop", "v6.17", "idle", 1));
  Log log;
  TaskEvent fork{TaskEventKind::Fork, 0, 3, CpuMask::range(2, 3)};
  ASSERT_EQ(s.apply(fork, log), TaskEventResult::Done);
  EXPECT_EQ(fork.pid, 1);
  EXPECT_EQ(s.machine().rq(3).nr_running(), 1u);
  EXPECT_TRUE(s.machine().rq(3).tasks[0].running);

  TaskEvent sleep{TaskEventKind::Sleep, 1};
  ASSERT_EQ(s.apply(sleep, log), TaskEventResult::Done);
  EXPECT_EQ(s.machine().rq(3).nr_running(), 0u);
  EXPECT_EQ(s.tasks()[1].state, TaskState::Sleeping);
  EXPECT_EQ(s.apply(sleep, log), TaskEventResult::WrongState);

  // Affinity changed while asleep: the wakeup lands on the first allowed CPU.
  TaskEvent affinity{TaskEventKind::SetAffinity, 1, -1, CpuMask::single(5)};
  ASSERT_EQ(s.apply(affinity, log), TaskEventResult::Done);
  TaskEvent wake{TaskEventKind::Wake, 1};
  ASSERT_EQ(s.apply(wake, log), TaskEventResult::Done);
  EXPECT_EQ(wake.cpu, 5);
  EXPECT_EQ(s.machine().rq(5).nr_running(), 1u);

  // A runnable task whose CPU leaves its mask moves at once: the call, then the
  // sched_migrate_task of migration_cpu_stop(), which names no domain.
  TaskEvent away{TaskEventKind::SetAffinity, 1, -1, CpuMask::single(6)};
  ASSERT_EQ(s.apply(away, log), TaskEventResult::Done);
  EXPECT_EQ(s.machine().rq(5).nr_running(), 0u);
  EXPECT_EQ(s.machine().rq(6).nr_running(), 1u);
  ASSERT_EQ(log.lines.size(), 6u);
  EXPECT_EQ(log.lines[4], "set_affinity pid1 cpu6");
  ASSERT_FALSE(log.events.empty());
  const auto* mv = std::get_if<TaskMigrateEvent>(&log.events.back());
  ASSERT_NE(mv, nullptr);
  EXPECT_EQ(mv->reason, MigrateReason::Affinity);
  EXPECT_EQ(mv->from_cpu, 5);
  EXPECT_EQ(mv->to_cpu, 6);
  EXPECT_EQ(mv->executing_cpu, 5);
  EXPECT_EQ(mv->level, -1);
  EXPECT_EQ(mv->cpus_allowed, CpuMask::single(6));

  TaskEvent nowhere{TaskEventKind::SetAffinity, 1, -1, CpuMask::single(99)};
  EXPECT_EQ(s.apply(nowhere, log), TaskEventResult::NoAllowedCpu);
  TaskEvent exit{TaskEventKind::Exit, 1};
  ASSERT_EQ(s.apply(exit, log), TaskEventResult::Done);
  EXPECT_EQ(s.machine().rq(6).nr_running(), 0u);
  EXPECT_EQ(s.apply(exit, log), TaskEventResult::NoSuchTask);
  TaskEvent bad_fork{TaskEventKind::Fork, 0, 42};
  EXPECT_EQ(s.apply(bad_fork, log), TaskEventResult::BadCpu);
  EXPECT_EQ(log.lines.size(), 7u);  // the six events that were done and the one migration
}

TEST(Simulator, OfflineCpusNeitherTickNorGetTasks) {
  Simulator s = make_sim(sim_config("laptop,online=0-3", "v6.17", "spread", 4));
  Log log;
  s.run_ticks(500, log);
  for (int cpu = 4; cpu < 8; ++cpu) EXPECT_EQ(s.machine().rq(cpu).nr_running(), 0u);
  for (const BalanceEvent& e : log.events)
    if (const auto* t = std::get_if<TickEvent>(&e)) {
      EXPECT_LT(t->cpu, 4);
    }
}

TEST(Simulator, BadArgumentsAreErrorsNotCrashes) {
  SimConfig c = sim_config("laptop", "v6.17", "no-such-workload", 1);
  Simulator::Build b = Simulator::create(c);
  EXPECT_FALSE(b.sim);
  EXPECT_NE(b.error.find("unknown workload 'no-such-workload'"), std::string::npos);
  c.workload = "idle";
  c.machine.cores = 0;
  b = Simulator::create(c);
  EXPECT_FALSE(b.sim);
  EXPECT_NE(b.error.find("machine:"), std::string::npos);
}

TEST(Workload, NamedWorkloadsExistAndUnknownOnesAreRejected) {
  for (const WorkloadInfo& w : workload_names())
    EXPECT_TRUE(make_workload(w.name).workload) << w.name;
  EXPECT_FALSE(make_workload("nope").workload);
}

TEST(Workload, NumaImbalanceLoadsOnlyTheFirstNode) {
  Simulator s = make_sim(sim_config("2s-numa", "v6.17", "numa-imbalance", 1));
  class Forks final : public SimObserver {
   public:
    void on_task_event(const TaskEvent& t) override { cpus.push_back(t.cpu); }
    std::vector<int> cpus;
  } forks;
  s.run_jiffy(forks);
  ASSERT_EQ(forks.cpus.size(), 32u);  // two per CPU of node 0 (16 CPUs)
  for (int cpu : forks.cpus) EXPECT_EQ(cpu_place(s.machine_spec(), cpu).node, 0);
}

}  // namespace
}  // namespace sbm
