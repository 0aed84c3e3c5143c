// The deterministic multi-CPU simulator: N CPUs of a built topology run ticks, the SCHED
// softirq pass (sched_balance_domains.h), queued active-balance work and a workload's task
// events, interleaved one atomic step at a time by a seeded scheduler (spec/simulator.md).
//
// A step is one action of one CPU: its tick for the current jiffy (update_curr, idle
// sampling and the trigger), one step of its softirq (SchedBalanceSoftirq::step, so two CPUs
// can be inside the pass at once, which SER-1 needs), one run of its queued stopper work, a
// NOHZ tick stop or restart or the delivery of a kick IPI (model/nohz/nohz.h); or the next
// workload event. jiffies advance when every online CPU whose tick is not stopped
// has ticked for the current jiffy and nothing else is pending, so a softirq raised in a
// jiffy also runs in it. Same topology, profile, workload, seed and number of ticks: the same
// steps, the same events in the same order.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/balance/sched_balance_domains.h"
#include "model/balance_event.h"
#include "model/profile.h"
#include "model/rq.h"
#include "model/sim/sim_rng.h"
#include "model/sim/workload.h"
#include "model/topology/topology_spec.h"

namespace sbm {

// Everything a run reports, in order: the model's BalanceEvents (via emit()), the task events
// it executed, and each advance of jiffies.
class SimObserver : public BalanceEventSink {
 public:
  void emit(const BalanceEvent&) override {}
  virtual void on_task_event(const TaskEvent&) {}
  virtual void on_jiffy(uint64_t /*jiffies*/) {}
};

// What a run did, for `sbm demo` and `sbm trace gen` summaries.
struct SimSummary {
  uint64_t ticks = 0;  // jiffies advanced
  uint64_t steps = 0;
  uint64_t cpu_ticks = 0;        // tick steps
  uint64_t softirqs = 0;         // SCHED softirq runs completed
  uint64_t passes = 0;           // sched_balance_domains() passes started (any executing CPU)
  uint64_t balances = 0;         // sched_balance_rq() calls from the pass
  uint64_t migrations = 0;       // tasks moved by balancing (active balance included)
  uint64_t active_balances = 0;  // stopper runs
  uint64_t serialize_busy = 0;   // SD_SERIALIZE token found taken
  uint64_t task_events = 0;      // workload events executed (rejected ones included)
};

struct SimConfig {
  MachineSpec machine;
  // A topology read from a dump, simulated instead of the era's build of `machine` (which is
  // then unused): fields the dump lacks come from sd_init() (model/topology/sd_defaults.h), every
  // CPU it describes is online, nodes come from its cpu_node map (one node when it has none), and
  // hotplug is refused (no machine description to rebuild the domains from).
  std::optional<Topology> topology;
  Profile profile;
  std::string workload = "idle";
  uint64_t seed = 1;
  // Replacements for the model's own parts (tests inject doubles here; nullptr: the model's
  // sched_balance_rq() and, for profiles with NOHZ, the model's idle load balancer). The
  // simulator does not own them; they must outlive it. Active-balance work is queued in the
  // model's LoadBalancer, so with an injected balancer no stopper work runs.
  SchedBalanceRq* balancer = nullptr;
  NohzHooks* nohz = nullptr;
};

// Why a task event was not executed (the kernel would return an error, or the pid is gone).
enum class TaskEventResult { Done, NoSuchTask, WrongState, NoAllowedCpu, BadCpu };
const char* task_event_result_name(TaskEventResult r);

// Why a hotplug request was not executed.
enum class HotplugResult {
  Done,
  BadCpu,      // no such CPU
  LastCpu,     // the last online CPU never goes offline
  WrongState,  // already offline (down) or online (up)
  Busy,        // a SCHED softirq is in flight or stopper work is queued (spec/simulator.md)
  NoMachine,   // the topology came from a dump: nothing to rebuild the domains from
};
const char* hotplug_result_name(HotplugResult r);

// One step, as chosen by the scheduler: a CPU's tick, softirq step, stopper run, NOHZ tick
// stop or restart (model/nohz/nohz.h) or kick IPI; a workload event; the end of the jiffy.
enum class StepKind { Tick, Softirq, Stopper, TickStop, TickRestart, Ipi, Task, JiffyEnd };
struct StepInfo {
  StepKind kind = StepKind::Tick;
  int cpu = -1;  // the acting CPU (-1 for Task and JiffyEnd)
};

class Simulator {
 public:
  struct Build;
  // Builds the topology for the profile's era (build_sched_domains), the machine at
  // INITIAL_JIFFIES and the workload; errors (bad workload, machine) come back as text.
  static Build create(const SimConfig& config);

  Simulator(Simulator&&) noexcept;
  Simulator& operator=(Simulator&&) noexcept;
  ~Simulator();

  // One step. When nothing is left in the current jiffy the step is the jiffy end: jiffies
  // advance, the workload's events for the new jiffy are queued.
  StepInfo step(SimObserver& observer);
  // Steps until jiffies advanced once (the JiffyEnd step included).
  void run_jiffy(SimObserver& observer);
  void run_ticks(uint64_t ticks, SimObserver& observer);

  // Executes a task event at once, as one step of the machine (rc::state commands use this;
  // the workload's events go through the same function). Fills `e.pid` for a fork and
  // `e.cpu` with where the task is afterwards; reports the event to the observer when done.
  TaskEventResult apply(TaskEvent& e, SimObserver& observer);

  // CPU hotplug as one atomic step (spec/simulator.md, "CPU hotplug"; the pure parts are in
  // model/topology/sched_hotplug.h). cpu_down: active cleared, every remaining online CPU's domains
  // rebuilt, the CPU's tasks moved to select_fallback_rq() CPUs (TaskMigrateEvent with
  // hotplug set), its NOHZ state dropped, online cleared. cpu_up: online and active set,
  // domains rebuilt. Both report a HotplugEvent first.
  HotplugResult cpu_down(int cpu, SimObserver& observer);
  HotplugResult cpu_up(int cpu, SimObserver& observer);
  // What cpu_up (online) or cpu_down would return now, without doing it.
  HotplugResult hotplug_allowed(int cpu, bool online) const;

  const MachineState& machine() const;
  const MachineSpec& machine_spec() const;
  // The topology the run started from (built, or the completed dump).
  const Topology& topology() const;
  const std::vector<SimTask>& tasks() const;  // indexed by pid
  const SimSummary& summary() const;
  uint64_t seed() const;
  // The passes in flight, for SER-1 over a state.
  std::vector<const SchedBalanceDomains*> passes_in_flight() const;
  // True when the current jiffy has nothing left but its end.
  bool at_jiffy_boundary() const;

 private:
  struct Impl;
  explicit Simulator(std::unique_ptr<Impl> impl);
  HotplugResult set_cpu_online(int cpu, bool online, SimObserver& observer);
  std::unique_ptr<Impl> impl_;
};

struct Simulator::Build {
  std::optional<Simulator> sim;
  std::string error;
  int error_line = 0;  // the dump line the error is about (SimConfig::topology), 0 if none
};

}  // namespace sbm
