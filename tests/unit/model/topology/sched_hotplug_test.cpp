// CPU hotplug (model/topology/sched_hotplug.h, Simulator::cpu_down / cpu_up): where the dying CPU's
// tasks go, the rebuilt domains, the offline CPU's silence, the refusals, determinism, and
// what the checkers make of it (MIG-3 skips hotplug moves, WC-1 restarts its episodes).
#include "model/topology/sched_hotplug.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "model/sim/simulator.h"
#include "model/topology/build_sched_domains.h"
#include "properties/check_all.h"
#include "properties/mig_invariants.h"
#include "properties/wc_invariants.h"
#include "tests/support/sim_testing.h"

namespace sbm {
namespace {

constexpr const char* kTwoNodes = "sockets=2,cores=2,nodes=2";  // CPUs 0-1 node 0, 2-3 node 1

using testing::make_sim;
using testing::sim_config;
using Recorder = testing::RecordingObserver;

int fork_on(Simulator& s, int cpu, CpuMask allowed, SimObserver& o) {
  TaskEvent e{TaskEventKind::Fork, 0, cpu, allowed};
  EXPECT_EQ(s.apply(e, o), TaskEventResult::Done);
  return e.pid;
}

int cpu_of_pid(const Simulator& s, int pid) {
  for (const Rq& rq : s.machine().rqs)
    for (const Task& t : rq.tasks)
      if (t.pid == pid) return rq.cpu;
  return -1;
}

CpuMask mask(std::initializer_list<int> cpus) {
  CpuMask m;
  for (int c : cpus) m.set(c);
  return m;
}

// The domains a boot on `online` at `jiffies` gives, to compare a rebuild against.
MachineState fresh_machine(const Simulator& s, const CpuMask& online) {
  MachineSpec spec = s.machine_spec();
  spec.online = online;
  const MachineState& m = s.machine();
  const Topology t = build_sched_domains(spec, m.profile.version, m.jiffies);
  return make_machine(t, m.profile, MachineOptions{m.jiffies, online, online}).machine.value();
}

void expect_domains_equal(const MachineState& got, const MachineState& want) {
  ASSERT_EQ(got.rqs.size(), want.rqs.size());
  for (size_t cpu = 0; cpu < got.rqs.size(); ++cpu) {
    const std::vector<RqDomain>& a = got.rqs[cpu].sd;
    const std::vector<RqDomain>& b = want.rqs[cpu].sd;
    ASSERT_EQ(a.size(), b.size()) << "CPU" << cpu;
    for (size_t l = 0; l < a.size(); ++l) {
      SCOPED_TRACE("CPU" + std::to_string(cpu) + " level " + std::to_string(l));
      EXPECT_EQ(a[l].sd.name, b[l].sd.name);
      EXPECT_EQ(a[l].span(), b[l].span());
      EXPECT_EQ(a[l].flags(), b[l].flags());
      ASSERT_TRUE(a[l].sd.groups && b[l].sd.groups);
      EXPECT_EQ(a[l].sd.groups->size(), b[l].sd.groups->size());
      EXPECT_EQ(a[l].sd.balance_interval, b[l].sd.balance_interval);
      EXPECT_EQ(a[l].sd.last_balance, b[l].sd.last_balance);
      EXPECT_EQ(a[l].sd.nr_balance_failed, b[l].sd.nr_balance_failed);
      EXPECT_EQ(a[l].stats.lb_count, b[l].stats.lb_count);
    }
  }
}

// (a) select_fallback_rq(): the dying CPU's node first, then any allowed CPU, then widened.
TEST(SelectFallbackRq, PrefersTheNodeThenAnyAllowedThenWidens) {
  Simulator s = make_sim(sim_config(kTwoNodes, "v6.17", "idle"));
  MachineState m = s.machine();
  m.active.clear(1);
  Task t;
  t.cpus_allowed = mask({0, 1, 2, 3});
  EXPECT_EQ(select_fallback_rq(m, 1, t).cpu, 0);
  EXPECT_EQ(select_fallback_rq(m, 3, t).cpu, 2);  // node 1 first
  t.cpus_allowed = mask({1, 3});
  const FallbackRq other = select_fallback_rq(m, 1, t);
  EXPECT_EQ(other.cpu, 3);
  EXPECT_FALSE(other.widened);
  t.cpus_allowed = mask({1});
  const FallbackRq widened = select_fallback_rq(m, 1, t);
  EXPECT_EQ(widened.cpu, 0);
  EXPECT_TRUE(widened.widened);
  EXPECT_EQ(t.cpus_allowed, CpuMask::range(0, 3));
}

// (a) through the simulator: every task leaves, to an allowed CPU; the pinned one is widened;
// a sleeping task pinned there is widened when it wakes.
TEST(CpuHotplug, TasksLeaveTheDyingCpuToAllowedCpus) {
  Simulator s = make_sim(sim_config(kTwoNodes, "v6.17", "idle"));
  Recorder r;
  const int any = fork_on(s, 1, CpuMask::range(0, 3), r);
  const int far = fork_on(s, 1, mask({1, 3}), r);
  const int pinned = fork_on(s, 1, mask({1}), r);
  const int sleeper = fork_on(s, 1, mask({1}), r);
  TaskEvent sleep{TaskEventKind::Sleep, sleeper};
  ASSERT_EQ(s.apply(sleep, r), TaskEventResult::Done);
  r.events.clear();

  ASSERT_EQ(s.cpu_down(1, r), HotplugResult::Done);
  EXPECT_TRUE(s.machine().rq(1).tasks.empty());
  EXPECT_FALSE(s.machine().online.test(1));
  EXPECT_FALSE(s.machine().active.test(1));
  EXPECT_EQ(cpu_of_pid(s, any), 0);
  EXPECT_EQ(cpu_of_pid(s, far), 3);
  EXPECT_EQ(cpu_of_pid(s, pinned), 0);
  for (const Rq& rq : s.machine().rqs)
    for (const Task& t : rq.tasks) EXPECT_TRUE(t.cpus_allowed.test(rq.cpu)) << "pid " << t.pid;
  ASSERT_FALSE(r.events.empty());
  const auto* h = std::get_if<HotplugEvent>(&r.events.front());
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->cpu, 1);
  EXPECT_FALSE(h->online);
  const std::vector<TaskMigrateEvent> moves = r.of_type<TaskMigrateEvent>();
  ASSERT_EQ(moves.size(), 3u);
  for (const TaskMigrateEvent& mv : moves) {
    EXPECT_EQ(mv.reason, MigrateReason::Hotplug);
    EXPECT_EQ(mv.level, -1);
    EXPECT_EQ(mv.from_cpu, 1);
    EXPECT_TRUE(mv.cpus_allowed.test(mv.to_cpu));
    EXPECT_EQ(s.tasks()[static_cast<size_t>(mv.pid)].cpu, mv.to_cpu);
  }
  EXPECT_EQ(s.summary().migrations, 0u);  // not balancing

  TaskEvent wake{TaskEventKind::Wake, sleeper};
  ASSERT_EQ(s.apply(wake, r), TaskEventResult::Done);
  EXPECT_EQ(wake.cpu, 0);
  EXPECT_EQ(s.machine().rq(0).tasks.front().cpus_allowed, CpuMask::range(0, 3));
}

// (b) domains after down and after up equal a fresh build for that online set; rq state stays.
TEST(CpuHotplug, DomainsEqualAFreshBuildForTheOnlineSet) {
  for (const char* profile : {"v2.6.20", "v2.6.32", "v4.19", "v6.17", "v6.19"}) {
    SCOPED_TRACE(profile);
    Simulator s = make_sim(sim_config("laptop", profile, "busy", 7));
    Recorder r;
    s.run_ticks(300, r);  // balancing moves intervals, failures and counters off boot values
    const uint64_t next_balance = s.machine().rq(2).next_balance;
    ASSERT_EQ(s.cpu_down(4, r), HotplugResult::Done);  // CPU 0's SMT sibling (split numbering)
    CpuMask online = CpuMask::range(0, 7);
    online.clear(4);
    expect_domains_equal(s.machine(), fresh_machine(s, online));
    EXPECT_TRUE(s.machine().rq(4).sd.empty());
    EXPECT_EQ(s.machine().rq(2).next_balance, next_balance);
    EXPECT_EQ(s.machine().max_load_balance_interval,
              s.machine().ops.lit(uint64_t{s.machine().profile.hz} * 7 / 10));
    s.run_ticks(50, r);
    ASSERT_EQ(s.cpu_up(4, r), HotplugResult::Done);
    expect_domains_equal(s.machine(), fresh_machine(s, CpuMask::range(0, 7)));
  }
}

bool cpu_acts(const BalanceEvent& e, int cpu) {
  if (const auto* t = std::get_if<TickEvent>(&e)) return t->cpu == cpu;
  if (const auto* p = std::get_if<PassStartEvent>(&e))
    return p->cpu == cpu || p->executing_cpu == cpu;
  if (const auto* b = std::get_if<BalanceResultEvent>(&e)) return b->cpu == cpu;
  if (const auto* i = std::get_if<IlbBalanceEvent>(&e)) return i->cpu == cpu || i->ilb_cpu == cpu;
  if (const auto* m = std::get_if<TaskMigrateEvent>(&e)) return m->to_cpu == cpu;
  if (const auto* k = std::get_if<NohzKickEvent>(&e)) return k->target == cpu;
  return false;
}

// (c) an offline CPU never ticks, balances, is balanced for or receives a task; after up it
// ticks again and pulls work.
TEST(CpuHotplug, OfflineCpuIsSilentAndComesBack) {
  for (const char* profile : {"v2.6.20", "v2.6.32", "v4.19", "v6.17", "v6.19"}) {
    SCOPED_TRACE(profile);
    Simulator s = make_sim(sim_config(kTwoNodes, profile, "busy", 3));
    Recorder r;
    s.run_ticks(20, r);
    ASSERT_EQ(s.cpu_down(1, r), HotplugResult::Done);
    r.events.clear();
    s.run_ticks(200, r);
    for (const BalanceEvent& e : r.events) EXPECT_FALSE(cpu_acts(e, 1)) << "event " << e.index();
    EXPECT_TRUE(s.machine().rq(1).tasks.empty());

    ASSERT_EQ(s.cpu_up(1, r), HotplugResult::Done);
    r.events.clear();
    s.run_ticks(300, r);
    bool ticked = false, pulled = false;
    for (const BalanceEvent& e : r.events) {
      if (const auto* t = std::get_if<TickEvent>(&e)) ticked |= t->cpu == 1 && t->attached;
      if (const auto* m = std::get_if<TaskMigrateEvent>(&e)) pulled |= m->to_cpu == 1;
    }
    EXPECT_TRUE(ticked);
    EXPECT_TRUE(pulled);
  }
}

// (d) the refusals.
TEST(CpuHotplug, BadCpuLastCpuWrongState) {
  Simulator s = make_sim(sim_config("sockets=1,cores=2", "v6.17", "idle"));
  Recorder r;
  EXPECT_EQ(s.cpu_down(-1, r), HotplugResult::BadCpu);
  EXPECT_EQ(s.cpu_up(2, r), HotplugResult::BadCpu);
  EXPECT_EQ(s.cpu_up(0, r), HotplugResult::WrongState);
  EXPECT_EQ(s.cpu_down(0, r), HotplugResult::Done);
  EXPECT_EQ(s.cpu_down(0, r), HotplugResult::WrongState);
  EXPECT_EQ(s.cpu_down(1, r), HotplugResult::LastCpu);
  EXPECT_TRUE(s.machine().online.test(1));
  EXPECT_EQ(s.cpu_up(0, r), HotplugResult::Done);
  EXPECT_EQ(r.of_type<HotplugEvent>().size(), 2u);  // refusals report nothing
}

// (d) Busy while a SCHED softirq is in flight; the same request succeeds at the jiffy's end.
TEST(CpuHotplug, BusyWhileASoftirqIsInFlight) {
  Simulator s = make_sim(sim_config(kTwoNodes, "v6.17", "busy", 5));
  Recorder r;
  bool busy = false;
  for (int i = 0; i < 20000 && !busy; ++i) {
    s.step(r);
    busy = !s.passes_in_flight().empty();
  }
  ASSERT_TRUE(busy);
  EXPECT_EQ(s.hotplug_allowed(2, false), HotplugResult::Busy);
  const size_t before = r.events.size();
  EXPECT_EQ(s.cpu_down(2, r), HotplugResult::Busy);
  EXPECT_EQ(r.events.size(), before);
  EXPECT_TRUE(s.machine().online.test(2));
  while (!s.at_jiffy_boundary()) s.step(r);
  EXPECT_EQ(s.cpu_down(2, r), HotplugResult::Done);
}

// (e) same seed and commands, same events.
std::vector<std::string> run_with_hotplug(uint64_t seed) {
  class Lines final : public SimObserver {
   public:
    void emit(const BalanceEvent& e) override {
      std::string l = "e" + std::to_string(e.index());
      std::visit(
          [&](const auto& ev) {
            if constexpr (requires { ev.cpu; }) l += " cpu" + std::to_string(ev.cpu);
          },
          e);
      if (const auto* m = std::get_if<TaskMigrateEvent>(&e))
        l += " pid" + std::to_string(m->pid) + " " + std::to_string(m->from_cpu) + "->" +
             std::to_string(m->to_cpu);
      lines.push_back(l);
    }
    void on_jiffy(uint64_t j) override { lines.push_back("jiffies " + std::to_string(j)); }
    std::vector<std::string> lines;
  } log;
  Simulator s = make_sim(sim_config(kTwoNodes, "v6.17", "churn", seed));
  for (int round = 0; round < 6; ++round) {
    s.run_ticks(15, log);
    const int cpu = round % 4;
    log.lines.push_back(hotplug_result_name(s.machine().online.test(cpu) ? s.cpu_down(cpu, log)
                                                                         : s.cpu_up(cpu, log)));
  }
  return log.lines;
}

TEST(CpuHotplug, SameSeedAndCommandsGiveTheSameEvents) {
  const std::vector<std::string> a = run_with_hotplug(11);
  EXPECT_EQ(a, run_with_hotplug(11));
  EXPECT_NE(a, run_with_hotplug(12));
}

// The checkers under hotplug: a busy machine losing and regaining CPUs raises nothing.
TEST(CpuHotplug, CheckedRunHasNoViolations) {
  for (const char* profile : {"v2.6.20", "v2.6.32", "v4.19", "v6.17", "v6.19"}) {
    SCOPED_TRACE(profile);
    Simulator s = make_sim(sim_config("laptop", profile, "churn", 9));
    PropertyChecker checker;
    SimObserver o;
    for (int round = 0; round < 12; ++round) {
      checker.run_ticks(s, 10, o);
      const int cpu = std::array{1, 6, 3, 5}[static_cast<size_t>(round % 4)];  // down, up, down
      const bool up = !s.machine().online.test(cpu);
      EXPECT_EQ(checker.hotplug(s, cpu, up, o), HotplugResult::Done);
    }
    checker.run_ticks(s, 50, o);
    for (const Violation& v : checker.violations())
      ADD_FAILURE() << v.id << " CPU" << v.cpu << ": " << v.observed;
  }
}

// The seeded schedule: a request every `period` jiffies only, never the last online CPU
// down, offline CPUs come back, and the same seed gives the same requests.
TEST(HotplugSchedule, PeriodicSeededAndNeverTheLastCpu) {
  const auto requests = [](uint64_t seed) {
    Simulator s = make_sim(sim_config("sockets=1,cores=2", "v6.17", "churn", 1));
    HotplugSchedule plan(3, seed);
    SimObserver o;
    std::vector<std::pair<uint64_t, HotplugRequest>> out;
    for (uint64_t done = 1; done <= 60; ++done) {
      s.run_jiffy(o);
      const auto r = plan.due(done, s.machine());
      if (!r) continue;
      EXPECT_EQ(done % 3, 0u);
      EXPECT_NE(s.machine().online.test(r->cpu), r->online);
      EXPECT_EQ(r->online ? s.cpu_up(r->cpu, o) : s.cpu_down(r->cpu, o), HotplugResult::Done);
      EXPECT_GE(s.machine().online.weight(), 1);
      out.emplace_back(done, *r);
    }
    return out;
  };
  const auto a = requests(5);
  EXPECT_EQ(a.size(), 20u);  // two CPUs: always one of them can go down or come up
  bool came_up = false;
  for (const auto& [done, r] : a) came_up |= r.online;
  EXPECT_TRUE(came_up);
  const auto b = requests(5), c = requests(6);
  ASSERT_EQ(a.size(), b.size());
  bool same_as_other_seed = a.size() == c.size();
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].second.cpu, b[i].second.cpu);
    EXPECT_EQ(a[i].second.online, b[i].second.online);
    if (same_as_other_seed) same_as_other_seed = a[i].second.cpu == c[i].second.cpu;
  }
  EXPECT_FALSE(same_as_other_seed);
  EXPECT_FALSE(
      HotplugSchedule(0, 5).due(3, make_sim(sim_config("laptop", "v6.17", "idle")).machine()));
}

// MIG-3 skips a hotplug or affinity move (it balanced no domain) but not the same move from
// a balance.
TEST(CpuHotplug, Mig3SkipsHotplugAndAffinityMovesOnly) {
  Simulator s = make_sim(sim_config(kTwoNodes, "v6.17", "idle"));
  TaskMigrateEvent mv{7, 1, 3, 1, -1, 1, CpuMask::range(0, 3), 0, false, MigrateReason::Hotplug};
  EXPECT_TRUE(check_mig3_domain_span(s.machine(), {mv}).empty());
  mv.reason = MigrateReason::Affinity;
  EXPECT_TRUE(check_mig3_domain_span(s.machine(), {mv}).empty());
  mv.reason = MigrateReason::Balance;
  const std::vector<Violation> v = check_mig3_domain_span(s.machine(), {mv});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].id, "MIG-3");
}

// WC-1 after a rebuild: restart() ends the open episode; without it the old bound fires.
TEST(CpuHotplug, Wc1RestartOpensANewEpisode) {
  Simulator s = make_sim(sim_config("laptop", "v6.17", "idle"));
  MachineState m = s.machine();
  Task a, b;
  a.pid = 1;
  a.running = true;
  b.pid = 2;
  a.cpus_allowed = b.cpus_allowed = CpuMask::range(0, 7);
  m.rq(0).tasks = {a, b};
  Wc1Monitor kept, restarted;
  kept.observe(m, {});
  restarted.observe(m, {});
  advance_jiffies(m, wc1_bound(m, 4, false).total() + 1);
  restarted.restart();
  EXPECT_EQ(kept.observe(m, {}).size(), 1u);
  EXPECT_TRUE(restarted.observe(m, {}).empty());
  EXPECT_EQ(restarted.episodes(), 2);
}

// WC-1 speaks only of base domains whose groups are single CPUs: with CPU 0 offline, CPU 4's
// base domain is MC with whole cores as groups, and a core {1,5} running two tasks looks
// balanced from it (2.6.20 moved nothing here while CPU 5's own next_balance was 15 jiffies
// ahead); CPU 5's SMT base domain still has the waiting task.
TEST(CpuHotplug, Wc1SkipsABaseDomainWithWideGroups) {
  Simulator s = make_sim(sim_config("laptop", "v2.6.20", "idle"));
  Recorder r;
  fork_on(s, 1, CpuMask::range(0, 7), r);
  fork_on(s, 1, CpuMask::range(0, 7), r);
  ASSERT_EQ(s.cpu_down(0, r), HotplugResult::Done);
  const RqDomain& base = s.machine().rq(4).sd.front();
  EXPECT_EQ(base.sd.name, "MC");
  EXPECT_FALSE(wc1_waiting_task(s.machine(), 4).has_value());
  const std::optional<WcWaiting> w = wc1_waiting_task(s.machine(), 5);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->src_cpu, 1);
}

}  // namespace
}  // namespace sbm
