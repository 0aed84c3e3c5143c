// What stands for load, utilisation, runnable and capacity in a model without PELT
// (spec/load-balance.md, "Quantities"). Every balancing decision reads these functions and
// nothing else, so the stand-ins are stated once.
//
//   load      cpu_load(rq)      = sum of se.load.weight of the rq's tasks (running one
//                                 included): what cfs_rq->avg.load_avg converges to for
//                                 always-runnable tasks (v6.17), weighted_cpuload() (v4.19),
//                                 raw_weighted_load (v2.6.20); the cpu_load[] history that
//                                 source_load()/target_load() read in 2.6.x-5.x is not
//                                 modelled, so both equal this value (as with load_idx 0).
//   util      cpu_util(rq)      = min(capacity, sum of Task::util): util_avg of a CPU is
//                                 bounded by its capacity (cpu_util_cfs(), v6.17).
//   runnable  cpu_runnable(rq)  = sum of Task::util, not capped: each task's demand, so
//                                 CPU-bound tasks count 1024 each however they share a CPU.
//   capacity  capacity_of(cpu)  = SCHED_CAPACITY_SCALE (1024): no RT/IRQ pressure, so
//                                 check_cpu_capacity() is false everywhere.
#pragma once

#include <cstdint>

#include "model/rq.h"
#include "model/topology.h"

namespace sbm {

unsigned long cpu_load(const Rq& rq);
unsigned long cpu_util(const Rq& rq);
unsigned long cpu_runnable(const Rq& rq);
inline unsigned long capacity_of(int /*cpu*/) { return kSchedCapacityScale; }

// check_cpu_capacity(rq, sd): cpu_capacity * imbalance_pct < arch capacity * 100. With
// capacity_of() == arch capacity it holds for no imbalance_pct >= 100.
inline bool check_cpu_capacity(unsigned imbalance_pct) {
  return kSchedCapacityScale * imbalance_pct < kSchedCapacityScale * 100;
}

// rq_clock_task(), the ns clock task_hot() compares se.exec_start with: the time since boot
// as jiffies tell it, (jiffies - INITIAL_JIFFIES) * NSEC_PER_SEC / HZ, so it advances with
// the model's only clock.
uint64_t rq_clock_task_ns(const MachineState& m);

}  // namespace sbm
