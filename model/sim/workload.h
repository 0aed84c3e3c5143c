// What the simulated machine is asked to run: task arrival (fork), exit, sleep, wake and
// affinity changes, as TaskEvents a Workload hands to the simulator at the start of every
// jiffy. The simulator executes each event as one interleaving step (simulator.h) and
// reports it to its observer, so a trace shows the task life cycle next to the balancing.
//
// Wakeup placement (select_task_rq_fair) and fork balancing (SD_BALANCE_FORK) are not part of
// this model: a forked task starts on the CPU the event names, a woken task on the CPU it
// slept on when that CPU is online and allowed, else on the first allowed online CPU
// (spec/simulator.md, "Workloads").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/cpumask.h"
#include "model/rq.h"
#include "model/sim/sim_rng.h"
#include "model/topology/topology_spec.h"

namespace sbm {

enum class TaskEventKind { Fork, Exit, Sleep, Wake, SetAffinity };
const char* task_event_kind_name(TaskEventKind k);  // "fork", "exit", ...

struct TaskEvent {
  TaskEventKind kind = TaskEventKind::Fork;
  int pid = 0;                       // Fork: 0 lets the simulator number it (pids count from 1)
  int cpu = -1;                      // Fork: where it starts; after execution: the task's CPU
  CpuMask cpus_allowed;              // Fork, SetAffinity; empty at Fork: every CPU
  unsigned long load_weight = 1024;  // Fork: se.load.weight
  unsigned long util = 1024;         // Fork: Task::util (1024 = CPU-bound)

  bool operator==(const TaskEvent&) const = default;
};

// What a workload may look at: the simulator's task table.
enum class TaskState { Runnable, Sleeping, Exited };
struct SimTask {
  int pid = 0;
  TaskState state = TaskState::Exited;
  int cpu = -1;  // Runnable: its rq; Sleeping: the CPU it slept on
};

struct WorkloadView {
  const MachineState& machine;        // online CPUs, nodes, rqs
  const std::vector<SimTask>& tasks;  // indexed by pid; entry 0 unused
  uint64_t tick = 0;                  // jiffies simulated so far (0 = the first)
};

class Workload {
 public:
  virtual ~Workload() = default;
  // The events of this jiffy, in the order they are queued.
  virtual std::vector<TaskEvent> events(const WorkloadView& view, SimRng& rng) = 0;
};

struct WorkloadInfo {
  std::string_view name;
  std::string_view description;  // one line
};
// "idle", "spread", "pinned", "churn", "numa-imbalance", "busy", "wasted-cores".
const std::vector<WorkloadInfo>& workload_names();

struct WorkloadLookup {
  std::unique_ptr<Workload> workload;
  std::string error;  // "unknown workload 'x' (known: idle, spread, ...)"
};
WorkloadLookup make_workload(std::string_view name);

}  // namespace sbm
