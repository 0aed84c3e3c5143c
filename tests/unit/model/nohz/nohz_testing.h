// Test support for the NOHZ tests: a small machine with the NOHZ hooks, a scripted
// load_balance() double and a recording sink, and the steps a simulator would take
// (tick, softirq, IPI delivery, tick stop).
#pragma once

#include <vector>

#include "model/balance/sched_balance_trigger.h"
#include "model/nohz/nohz.h"
#include "tests/support/sched_balance_testing.h"

namespace sbm::testing {

// CPUs in LLC pairs ("MC", SD_SHARE_LLC) under one package-wide level.
inline Topology nohz_topology(int nr_cpus = 4) {
  const SdFlags mc{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::ShareLlc};
  const SdFlags pkg{SdFlag::LoadBalance, SdFlag::BalanceNewidle};
  return hand_topology(nr_cpus, {{"MC", 2, mc}, {"PKG", nr_cpus, pkg}});
}

struct NohzRig {
  explicit NohzRig(const char* profile_name, int nr_cpus = 4)
      : NohzRig(profile_name, nohz_topology(nr_cpus)) {}
  NohzRig(const char* profile_name, const Topology& t)
      : m(machine(t, profile(profile_name))), j0(m.jiffies) {}

  void add_tasks(int cpu, int n) {
    for (int i = 0; i < n; ++i) m.rq(cpu).tasks.push_back(Task{100 * cpu + i});
  }
  void stop_tick(int cpu) { nohz_stop_tick(m, cpu, sink); }
  TriggerResult tick(int cpu) { return sched_tick_balance(m, cpu, nohz, sink); }
  void softirq(int cpu) { SchedBalanceSoftirq(cpu).run_to_completion(m, balancer, nohz, sink); }
  // Deliver every pending kick IPI and run the softirq it raises.
  void deliver_ipis() {
    for (int cpu : m.nohz.ipi_pending.cpus())
      if (nohz_ipi(m, cpu, sink)) softirq(cpu);
  }
  // The CPUs the ILB balanced, in order.
  std::vector<int> ilb_balanced() const {
    std::vector<int> out;
    for (const IlbBalanceEvent& e : sink.of_type<IlbBalanceEvent>()) out.push_back(e.cpu);
    return out;
  }
  uint64_t at(int64_t delta) const { return m.ops.add(j0, static_cast<uint64_t>(delta)); }

  MachineState m;
  uint64_t j0;  // jiffies at boot
  NohzIdleBalancer nohz;
  ScriptedBalancer balancer;
  RecordingEventSink sink;
};

}  // namespace sbm::testing
