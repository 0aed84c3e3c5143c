// Stateful property (rc::state): random command sequences (tick, step, fork, exit, sleep,
// wake, set affinity, CPU hotplug) drive the simulator (model/sim/simulator.h) for every profile on
// small topologies, and every property of properties/check_all.h is checked after every command.
// The model is the abstract task table (which pids live, runnable or asleep, and where they
// may run) and the online CPUs; the system under test is the simulator with its property checker.
//
// A failure shrinks to a short command list; RapidCheck prints it with the seed, and the log
// adds the line that replays it.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "model/sim/simulator.h"
#include "properties/check_all.h"

namespace sbm {
namespace {

struct ModelTask {
  bool runnable = true;
  CpuMask allowed;
};

struct SimModel {
  int nr_cpus = 0;
  CpuMask online;
  std::map<int, ModelTask> tasks;  // live pids
  int next_pid = 1;

  // select_fallback_rq(): a task none of whose allowed CPUs is online gets every CPU.
  void widen_if_stranded(ModelTask& t) const {
    if (!t.allowed.intersects(online)) t.allowed = CpuMask::range(0, nr_cpus - 1);
  }
};

struct SimSut {
  Simulator sim;
  PropertyChecker checker;
  SimObserver observer;
};

using SimCommand = rc::state::Command<SimModel, SimSut>;

std::string describe(const Violation& v) {
  return v.id + " CPU" + std::to_string(v.cpu) + " level " + std::to_string(v.level) + " event " +
         std::to_string(v.line) + ": expected " + v.expected + ", observed " + v.observed;
}

// After every command: no property violated, and the simulator holds exactly the model's
// runnable tasks, each once, with the model's affinity, on an allowed online CPU; an
// offline CPU has no domains.
void check_after(const SimModel& model, SimSut& sut) {
  for (const Violation& v : sut.checker.violations()) RC_LOG() << describe(v) << "\n";
  RC_ASSERT(sut.checker.violations().empty());
  RC_ASSERT(sut.sim.machine().online == model.online);
  for (const Rq& rq : sut.sim.machine().rqs)
    if (!model.online.test(rq.cpu)) RC_ASSERT(rq.sd.empty() && rq.tasks.empty());
  std::map<int, int> seen;  // pid -> count
  for (const Rq& rq : sut.sim.machine().rqs)
    for (const Task& t : rq.tasks) {
      ++seen[t.pid];
      const auto it = model.tasks.find(t.pid);
      RC_ASSERT(it != model.tasks.end());
      RC_ASSERT(it->second.runnable);
      RC_ASSERT(t.cpus_allowed == it->second.allowed);
      RC_ASSERT(t.cpus_allowed.test(rq.cpu));
    }
  for (const auto& [pid, t] : model.tasks) RC_ASSERT(seen[pid] == (t.runnable ? 1 : 0));
}

CpuMask gen_mask(const SimModel& m) {
  const std::vector<int> cpus = m.online.cpus();
  const int a = *rc::gen::elementOf(cpus);
  const int b = *rc::gen::elementOf(cpus);
  return *rc::gen::element(CpuMask::single(a), CpuMask::single(a) | CpuMask::single(b),
                           CpuMask::range(0, m.nr_cpus - 1));
}

int gen_live_pid(const SimModel& m, std::optional<bool> runnable) {
  std::vector<int> pids;
  for (const auto& [pid, t] : m.tasks)
    if (!runnable || t.runnable == *runnable) pids.push_back(pid);
  RC_PRE(!pids.empty());
  return *rc::gen::elementOf(pids);
}

bool live(const SimModel& m, int pid, std::optional<bool> runnable) {
  const auto it = m.tasks.find(pid);
  return it != m.tasks.end() && (!runnable || it->second.runnable == *runnable);
}

struct Tick final : SimCommand {
  void apply(SimModel&) const override {}
  void run(const SimModel& m, SimSut& s) const override {
    s.checker.run_jiffy(s.sim, s.observer);
    check_after(m, s);
  }
  void show(std::ostream& os) const override { os << "tick"; }
};

struct Step final : SimCommand {
  void apply(SimModel&) const override {}
  void run(const SimModel& m, SimSut& s) const override {
    s.checker.step(s.sim, s.observer);
    check_after(m, s);
  }
  void show(std::ostream& os) const override { os << "step"; }
};

struct Fork final : SimCommand {
  int cpu;
  CpuMask allowed;
  unsigned long weight;
  unsigned long util;
  explicit Fork(const SimModel& m)
      : cpu(*rc::gen::elementOf(m.online.cpus())),
        allowed(gen_mask(m)),
        weight(*rc::gen::element(1024ul, 335ul, 3121ul)),
        util(*rc::gen::element(1024ul, 512ul, 128ul)) {}
  void checkPreconditions(const SimModel& m) const override {
    RC_PRE(m.tasks.size() < 3u * static_cast<size_t>(m.online.weight()));
    RC_PRE(m.online.test(cpu) && allowed.intersects(m.online));
  }
  void apply(SimModel& m) const override { m.tasks[m.next_pid++] = ModelTask{true, allowed}; }
  void run(const SimModel& m, SimSut& s) const override {
    TaskEvent e{TaskEventKind::Fork, 0, cpu, allowed, weight, util};
    RC_ASSERT(s.checker.apply(s.sim, e, s.observer) == TaskEventResult::Done);
    RC_ASSERT(e.pid == m.next_pid);
    SimModel next = m;
    apply(next);
    check_after(next, s);
  }
  void show(std::ostream& os) const override {
    os << "fork cpu=" << cpu << " allowed=" << allowed.to_cpulist() << " weight=" << weight
       << " util=" << util;
  }
};

// Exit, Sleep and Wake of a live pid; Wake needs a sleeping one, Sleep a runnable one.
template <TaskEventKind Kind>
struct TaskCommand final : SimCommand {
  static std::optional<bool> needs() {
    if (Kind == TaskEventKind::Wake) return false;
    if (Kind == TaskEventKind::Sleep) return true;
    return std::nullopt;
  }
  int pid;
  explicit TaskCommand(const SimModel& m) : pid(gen_live_pid(m, needs())) {}
  void checkPreconditions(const SimModel& m) const override { RC_PRE(live(m, pid, needs())); }
  void apply(SimModel& m) const override {
    if (Kind == TaskEventKind::Exit) {
      m.tasks.erase(pid);
    } else {
      m.tasks[pid].runnable = Kind == TaskEventKind::Wake;
      if (Kind == TaskEventKind::Wake) m.widen_if_stranded(m.tasks[pid]);
    }
  }
  void run(const SimModel& m, SimSut& s) const override {
    TaskEvent e{Kind, pid};
    RC_ASSERT(s.checker.apply(s.sim, e, s.observer) == TaskEventResult::Done);
    SimModel next = m;
    apply(next);
    check_after(next, s);
  }
  void show(std::ostream& os) const override { os << task_event_kind_name(Kind) << " pid=" << pid; }
};

struct SetAffinity final : SimCommand {
  int pid;
  CpuMask allowed;
  explicit SetAffinity(const SimModel& m)
      : pid(gen_live_pid(m, std::nullopt)), allowed(gen_mask(m)) {}
  void checkPreconditions(const SimModel& m) const override {
    RC_PRE(live(m, pid, std::nullopt) && allowed.intersects(m.online));
  }
  void apply(SimModel& m) const override { m.tasks[pid].allowed = allowed; }
  void run(const SimModel& m, SimSut& s) const override {
    TaskEvent e{TaskEventKind::SetAffinity, pid, -1, allowed};
    RC_ASSERT(s.checker.apply(s.sim, e, s.observer) == TaskEventResult::Done);
    SimModel next = m;
    apply(next);
    check_after(next, s);
  }
  void show(std::ostream& os) const override {
    os << "set_affinity pid=" << pid << " allowed=" << allowed.to_cpulist();
  }
};

// CPU hotplug of any CPU, down or up; the model predicts LastCpu and WrongState. It cannot see
// whether a softirq is in flight or stopper work is queued, so a Busy answer is retried after
// one more step (a jiffy finishes every pass it starts, so the retries end within it).
struct Hotplug final : SimCommand {
  int cpu;
  bool online;
  explicit Hotplug(const SimModel& m)
      : cpu(*rc::gen::inRange(0, m.nr_cpus)), online(*rc::gen::arbitrary<bool>()) {}
  HotplugResult expected(const SimModel& m) const {
    if (m.online.test(cpu) == online) return HotplugResult::WrongState;
    if (!online && m.online.weight() == 1) return HotplugResult::LastCpu;
    return HotplugResult::Done;
  }
  void apply(SimModel& m) const override {
    if (expected(m) != HotplugResult::Done) return;
    if (online) {
      m.online.set(cpu);
      return;
    }
    m.online.clear(cpu);
    for (auto& [pid, t] : m.tasks)
      if (t.runnable) m.widen_if_stranded(t);
  }
  void run(const SimModel& m, SimSut& s) const override {
    HotplugResult r;
    while ((r = s.checker.hotplug(s.sim, cpu, online, s.observer)) == HotplugResult::Busy)
      s.checker.step(s.sim, s.observer);
    RC_ASSERT(r == expected(m));
    SimModel next = m;
    apply(next);
    check_after(next, s);
  }
  void show(std::ostream& os) const override {
    os << "cpu_" << (online ? "up" : "down") << " cpu=" << cpu;
  }
};

// Runs one random command sequence against a fresh simulator of `spec` under `profile`.
void run_commands(const char* spec, const char* profile_name, const char* test_name) {
  const uint64_t sim_seed = *rc::gen::arbitrary<uint64_t>();
  const bool no_hz = *rc::gen::arbitrary<bool>();
  RC_LOG() << "simulator: " << spec << " " << profile_name << " sim-seed=" << sim_seed
           << " config_no_hz=" << no_hz << "\n"
           << "replay: RC_PARAMS=\"seed=" << rc::detail::configuration().testParams.seed
           << "\" build/tests/sbm_property_tests --gtest_filter=" << test_name << "\n";
  SimConfig c;
  c.machine = parse_machine_spec(spec).spec.value();
  c.profile = find_profile(profile_name).profile.value();
  c.profile.config_no_hz = no_hz;
  c.seed = sim_seed;
  Simulator::Build b = Simulator::create(c);
  RC_ASSERT(b.sim.has_value());
  SimSut sut{std::move(*b.sim), {}, {}};
  SimModel model;
  model.nr_cpus = sut.sim.machine().nr_cpu_ids();
  model.online = sut.sim.machine().online;
  // At most 40 commands per sequence keeps the suite fast; ticks make each one long.
  const auto commands = *rc::gen::resize(
      40, rc::state::gen::commands(
              model, rc::state::gen::execOneOfWithArgs<
                         Tick, Tick, Step, Step, Step, Fork, Fork, TaskCommand<TaskEventKind::Exit>,
                         TaskCommand<TaskEventKind::Sleep>, TaskCommand<TaskEventKind::Wake>,
                         SetAffinity, Hotplug>()));
  rc::state::runAll(commands, model, sut);
  // Finish the jiffy in progress so that its events are checked too.
  sut.checker.run_jiffy(sut.sim, sut.observer);
  for (const Violation& v : sut.checker.violations()) RC_LOG() << describe(v) << "\n";
  RC_ASSERT(sut.checker.violations().empty());
}

#define SIM_STATEFUL(name, spec, profile) \
  RC_GTEST_PROP(SimStateful, name, ()) { run_commands(spec, profile, "SimStateful." #name); }

SIM_STATEFUL(Laptop_v2_6_20, "laptop", "v2.6.20")
SIM_STATEFUL(Laptop_v2_6_32, "laptop", "v2.6.32")
SIM_STATEFUL(Laptop_v4_19, "laptop", "v4.19")
SIM_STATEFUL(Laptop_v6_17, "laptop", "v6.17")
SIM_STATEFUL(Laptop_v6_19, "laptop", "v6.19")
// The 2.6.x NUMA level boots with SD_NODE_INIT's balance_interval = 1 below min_interval = 8
// (arch/x86 topology.h, 2.6.2x); BI-1 allows the attach value as its floor.
SIM_STATEFUL(TwoNodes_v2_6_20, "sockets=2,cores=2,nodes=2", "v2.6.20")
SIM_STATEFUL(TwoNodes_v2_6_32, "sockets=2,cores=2,nodes=2", "v2.6.32")
SIM_STATEFUL(TwoNodes_v4_19, "sockets=2,cores=2,nodes=2", "v4.19")
SIM_STATEFUL(TwoNodes_v6_17, "sockets=2,cores=2,nodes=2", "v6.17")
SIM_STATEFUL(TwoNodes_v6_19, "sockets=2,cores=2,nodes=2", "v6.19")
SIM_STATEFUL(SegmentedBus_v6_17, "segmented-bus", "v6.17")
SIM_STATEFUL(SegmentedBus_v6_19, "segmented-bus", "v6.19")

}  // namespace
}  // namespace sbm
