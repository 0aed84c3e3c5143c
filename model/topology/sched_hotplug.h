// CPU hotplug, the scheduler's part: what taking a CPU down or bringing it up does to the
// sched domains, the dying CPU's tasks and the NOHZ state. Pure functions over MachineState;
// the simulator (Simulator::cpu_down / cpu_up, spec/simulator.md "CPU hotplug") orders them
// into one atomic step.
//
//   down  v6.17: sched_cpu_deactivate() (nohz_balance_exit_idle(), clear cpu_active, the
//         cpuset rebuild through partition_sched_domains()), then sched_cpu_dying() moves
//         the tasks (the balance_push / migrate path, select_fallback_rq()) and
//         update_max_interval(). v4.19: the same split, sched_cpu_dying() -> migrate_tasks().
//         v2.6.32: migration_call(CPU_DEAD) -> migrate_live_tasks() ->
//         move_task_off_dead_cpu(); update_sched_domains() rebuilds. v2.6.20: the same
//         with no cpu_active_mask (active follows online).
//   up    set online and active, rebuild the domains (sched_cpu_activate(), cpuset rebuild).
#pragma once

#include <cstdint>
#include <optional>

#include "model/rq.h"
#include "model/sim/sim_rng.h"
#include "model/topology/topology_spec.h"

namespace sbm {

// partition_sched_domains() for m.active (kernel/sched/topology.c, v6.17; the cpuset code
// hands it the active CPUs, and active follows online in 2.6.20 where the rebuild runs on
// cpu_online_map at CPU_DEAD): every active CPU gets the domains build_sched_domains() makes
// for `spec` with m.active as the cpu_map, as sd_init() leaves them (last_balance = jiffies,
// balance_interval initial, nr_balance_failed 0, fresh schedstat counters, sd->nohz_idle
// clear, so the LLC's nr_busy_cpus starts at sd_weight, see llc_nr_busy_cpus()); a CPU outside
// m.active gets the NULL domain. With a single partition its span changes on every hotplug,
// so the kernel rebuilds all domains rather than keeping a matching one. rq state (tasks,
// rq->next_balance, NOHZ) is kept.
void rebuild_sched_domains(MachineState& m, const MachineSpec& spec);

// Where a task goes when its CPU is not usable for it: select_fallback_rq()
// (kernel/sched/core.c, v4.19, v6.17), move_task_off_dead_cpu() (kernel/sched.c, v2.6.20,
// v2.6.32). In order: the first CPU of `cpu`'s node that p may run on and that is online and
// active; else the first such CPU anywhere; else p's affinity is widened to every possible
// CPU (cpuset_cpus_allowed_fallback() / cpus_setall(), "no longer affine to cpu%d") and the
// first online active CPU is taken.
struct FallbackRq {
  int cpu = -1;          // -1 only when no CPU is online and active
  bool widened = false;  // p.cpus_allowed was replaced by every possible CPU
};
FallbackRq select_fallback_rq(const MachineState& m, int cpu, Task& p);

// The dying CPU leaves NOHZ: nohz_balance_exit_idle() from sched_cpu_deactivate() (v6.17) or
// sched_cpu_dying() (v4.19): out of nohz.idle_cpus_mask, rq->nohz_tick_stopped clear, its
// kick bits and any kick IPI to it dropped. v2.6.32 select_nohz_load_balancer(): an owner
// that is going offline gives up nohz.load_balancer. Also drops a raised SCHED_SOFTIRQ that
// has not run (the CPU never runs it).
void nohz_cpu_offline(MachineState& m, int cpu);

// A seeded hotplug schedule for runs that exercise it (`sbm trace gen --hotplug N`): every
// `period` jiffies one request. When some described CPU is offline it is brought up with
// probability 1/2 (always when only one CPU is online), else a random online CPU goes down.
// Same seed, same requests; the schedule draws from its own stream, so a run without hotplug
// is the same run as before it existed.
struct HotplugRequest {
  int cpu = -1;
  bool online = false;  // true: cpu_up
};
class HotplugSchedule {
 public:
  HotplugSchedule(uint64_t period, uint64_t seed);
  // The request due once `jiffies_done` jiffies have run (period > 0 and a multiple of it).
  std::optional<HotplugRequest> due(uint64_t jiffies_done, const MachineState& m);

 private:
  uint64_t period_;
  SimRng rng_;
};

}  // namespace sbm
