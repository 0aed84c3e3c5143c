#include "model/sim/workload.h"

#include <array>

namespace sbm {

const char* task_event_kind_name(TaskEventKind k) {
  switch (k) {
    case TaskEventKind::Fork:
      return "fork";
    case TaskEventKind::Exit:
      return "exit";
    case TaskEventKind::Sleep:
      return "sleep";
    case TaskEventKind::Wake:
      return "wake";
    case TaskEventKind::SetAffinity:
      return "set_affinity";
  }
  return "?";
}

namespace {

TaskEvent fork_on(int cpu, CpuMask allowed = {}, unsigned long weight = 1024,
                  unsigned long util = 1024) {
  TaskEvent e;
  e.kind = TaskEventKind::Fork;
  e.cpu = cpu;
  e.cpus_allowed = std::move(allowed);
  e.load_weight = weight;
  e.util = util;
  return e;
}

// Nothing runs: the passes still run on every tick, and no CPU ever has work to pull.
class IdleWorkload final : public Workload {
 public:
  std::vector<TaskEvent> events(const WorkloadView&, SimRng&) override { return {}; }
};

// One CPU-bound task per online CPU, all forked on the first online CPU at the first jiffy:
// the balancer has to spread them over the whole machine.
class SpreadWorkload final : public Workload {
 public:
  std::vector<TaskEvent> events(const WorkloadView& v, SimRng&) override {
    std::vector<TaskEvent> out;
    if (v.tick != 0) return out;
    const int first = v.machine.online.first();
    for (int i = 0; i < v.machine.online.weight(); ++i) out.push_back(fork_on(first));
    return out;
  }
};

// As "spread", but every other task is pinned to the first CPU and the rest may only run on
// the first CPU and one other: exercises LBF_SOME_PINNED, LBF_DST_PINNED and LBF_ALL_PINNED.
class PinnedWorkload final : public Workload {
 public:
  std::vector<TaskEvent> events(const WorkloadView& v, SimRng&) override {
    std::vector<TaskEvent> out;
    if (v.tick != 0) return out;
    const std::vector<int> cpus = v.machine.online.cpus();
    const int first = cpus.front();
    for (size_t i = 0; i < cpus.size(); ++i) {
      CpuMask allowed = CpuMask::single(first);
      if (i % 2 == 1) allowed.set(cpus[(i + 1) % cpus.size()]);
      out.push_back(fork_on(first, allowed));
    }
    return out;
  }
};

// Two CPU-bound tasks on every online CPU of the first CPU's NUMA node, none elsewhere:
// only the NUMA (or, on a single node, the top) level can even out the load.
class NumaImbalanceWorkload final : public Workload {
 public:
  std::vector<TaskEvent> events(const WorkloadView& v, SimRng&) override {
    std::vector<TaskEvent> out;
    if (v.tick != 0) return out;
    const int node = v.machine.cpu_to_node(v.machine.online.first());
    for (int cpu : v.machine.online.cpus())
      if (v.machine.cpu_to_node(cpu) == node)
        for (int k = 0; k < 2; ++k) out.push_back(fork_on(cpu));
    return out;
  }
};

// One CPU-bound task per online CPU and a second one on every even-numbered CPU: the load
// cannot be spread evenly, so every level keeps finding imbalance (the benchmark's load).
class BusyWorkload final : public Workload {
 public:
  std::vector<TaskEvent> events(const WorkloadView& v, SimRng&) override {
    std::vector<TaskEvent> out;
    if (v.tick != 0) return out;
    for (int cpu : v.machine.online.cpus()) {
      out.push_back(fork_on(cpu));
      if (cpu % 2 == 0) out.push_back(fork_on(cpu));
    }
    return out;
  }
};

// Random arrival, exit, sleep, wake and affinity changes: 1 + n/16 attempts per jiffy on n
// online CPUs, at most 3n live tasks. Weights are nice 0, 5 and -5 (1024, 335, 3121,
// sched_prio_to_weight[]); utilisation 1024, 512 or 128.
class ChurnWorkload final : public Workload {
 public:
  std::vector<TaskEvent> events(const WorkloadView& v, SimRng& rng) override {
    static constexpr std::array<unsigned long, 3> kWeights{1024, 335, 3121};
    static constexpr std::array<unsigned long, 3> kUtils{1024, 512, 128};
    std::vector<TaskEvent> out;
    const std::vector<int> cpus = v.machine.online.cpus();
    if (cpus.empty()) return out;
    auto random_cpu = [&] { return cpus[rng.below(cpus.size())]; };
    int live = 0;
    for (const SimTask& t : v.tasks) live += t.state != TaskState::Exited;
    const size_t attempts = 1 + cpus.size() / 16;
    for (size_t a = 0; a < attempts; ++a) {
      const uint64_t what = rng.below(16);
      const size_t nr_pids = v.tasks.size();
      if (what < 5 || nr_pids <= 1) {
        if (live >= 3 * static_cast<int>(cpus.size())) continue;
        out.push_back(fork_on(random_cpu(), {}, kWeights[rng.below(3)], kUtils[rng.below(3)]));
        ++live;
        continue;
      }
      const int pid = static_cast<int>(1 + rng.below(nr_pids - 1));
      const SimTask& t = v.tasks[static_cast<size_t>(pid)];
      TaskEvent e;
      e.pid = pid;
      if (t.state == TaskState::Exited) continue;
      if (what == 15) {
        e.kind = TaskEventKind::SetAffinity;
        e.cpus_allowed = CpuMask::single(random_cpu());
        e.cpus_allowed.set(random_cpu());
      } else if (t.state == TaskState::Sleeping) {
        e.kind = TaskEventKind::Wake;
      } else {
        e.kind = what < 12 ? TaskEventKind::Sleep : TaskEventKind::Exit;
      }
      out.push_back(e);
    }
    return out;
  }
};

// The Wasted Cores "Group Imbalance" shape (spec/bugs.md #1) inside one domain: a heavy task
// (nice -5, weight 3121) alone on the first online CPU, two light ones (nice 5, weight 335)
// on the second, the others idle. The classified rule (v5.5+) pulls a light task to an idle
// CPU; comparing average load alone picks the heavy CPU as busiest, finds nothing to pull
// there, and leaves a light task waiting next to idle CPUs (spec/mutants.md, group-imbalance).
class WastedCoresWorkload final : public Workload {
 public:
  std::vector<TaskEvent> events(const WorkloadView& v, SimRng&) override {
    std::vector<TaskEvent> out;
    const std::vector<int> cpus = v.machine.online.cpus();
    if (v.tick != 0 || cpus.size() < 2) return out;
    out.push_back(fork_on(cpus[0], {}, 3121));
    for (int k = 0; k < 2; ++k) out.push_back(fork_on(cpus[1], {}, 335));
    return out;
  }
};

template <class W>
std::unique_ptr<Workload> make() {
  return std::make_unique<W>();
}

struct Entry {
  WorkloadInfo info;
  std::unique_ptr<Workload> (*make)();
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> e{
      {{"idle", "no tasks; the periodic passes run on empty rqs"}, make<IdleWorkload>},
      {{"spread", "one CPU-bound task per CPU, all forked on the first CPU"}, make<SpreadWorkload>},
      {{"pinned", "as spread, half pinned to the first CPU, half allowed on it and one other"},
       make<PinnedWorkload>},
      {{"churn", "random fork, exit, sleep, wake and affinity changes every jiffy"},
       make<ChurnWorkload>},
      {{"numa-imbalance", "two CPU-bound tasks per CPU on the first CPU's node, none elsewhere"},
       make<NumaImbalanceWorkload>},
      {{"busy", "one CPU-bound task per CPU plus one more on every even CPU"}, make<BusyWorkload>},
      {{"wasted-cores",
        "a heavy task alone on the first CPU, two light ones on the second, the rest idle"},
       make<WastedCoresWorkload>},
  };
  return e;
}

}  // namespace

const std::vector<WorkloadInfo>& workload_names() {
  static const std::vector<WorkloadInfo> names = [] {
    std::vector<WorkloadInfo> n;
    for (const Entry& e : entries()) n.push_back(e.info);
    return n;
  }();
  return names;
}

WorkloadLookup make_workload(std::string_view name) {
  WorkloadLookup r;
  std::string known;
  for (const Entry& e : entries()) {
    if (e.info.name == name) {
      r.workload = e.make();
      return r;
    }
    known += (known.empty() ? "" : ", ") + std::string(e.info.name);
  }
  r.error = "unknown workload '" + std::string(name) + "' (known: " + known + ")";
  return r;
}

}  // namespace sbm
