#include "model/topology/sched_hotplug.h"

#include <stdexcept>
#include <vector>

#include "model/nohz/nohz.h"
#include "model/topology/build_sched_domains.h"

namespace sbm {

void rebuild_sched_domains(MachineState& m, const MachineSpec& spec) {
  // build_sched_domains() runs on the new cpu_map; make_machine() resolves its domains as
  // sd_init() leaves them, the same way boot does, so a rebuild and a fresh boot on this
  // online set give equal domains.
  MachineSpec now = spec;
  now.online = m.active;
  const Topology topology = build_sched_domains(now, m.profile.version, m.jiffies);
  MachineBuild fresh =
      make_machine(topology, m.profile, MachineOptions{m.jiffies, m.online, m.active});
  // build_sched_domains() sets every field make_machine() needs: a failure here is a broken
  // invariant of the model, not bad input.
  if (!fresh.machine) throw std::logic_error("rebuild_sched_domains: " + fresh.error);
  for (int cpu = 0; cpu < m.nr_cpu_ids(); ++cpu) {
    std::vector<RqDomain>& sd = m.rq(cpu).sd;
    if (cpu < fresh.machine->nr_cpu_ids())
      sd = std::move(fresh.machine->rq(cpu).sd);
    else
      sd.clear();
  }
}

FallbackRq select_fallback_rq(const MachineState& m, int cpu, Task& p) {
  const CpuMask usable = m.online & m.active;  // is_cpu_allowed() for a user task
  // The dying CPU's node first ("Look for allowed, online CPU in same node", v2.6.32).
  if (cpu >= 0 && cpu < m.nr_cpu_ids()) {
    const CpuMask node = m.node_mask(m.cpu_to_node(cpu)) & usable & p.cpus_allowed;
    if (!node.empty()) return {node.first(), false};
  }
  if (const CpuMask any = usable & p.cpus_allowed; !any.empty()) return {any.first(), false};
  // task_cpu_possible_mask(): every CPU of the machine.
  p.cpus_allowed = CpuMask::range(0, m.nr_cpu_ids() - 1);
  return {usable.empty() ? -1 : usable.first(), true};
}

void nohz_cpu_offline(MachineState& m, int cpu) {
  Rq& rq = m.rq(cpu);
  rq.nohz_tick_stopped = false;
  if (RqDomain* llc = sd_llc(rq)) llc->nohz_idle = false;  // set_cpu_sd_state_busy()
  rq.nohz_flags = 0;
  rq.nohz_idle_balance = 0;
  rq.in_nohz_recently = false;
  rq.sched_softirq_pending = false;
  m.nohz.idle_cpus_mask.clear(cpu);
  m.nohz.ipi_pending.clear(cpu);
  if (m.nohz.load_balancer == cpu) m.nohz.load_balancer = -1;
}

// The stream is the seed mixed with a constant ("hotplug" in ASCII) so that it is independent
// of the simulator's scheduler and workload streams drawn from the same seed.
HotplugSchedule::HotplugSchedule(uint64_t period, uint64_t seed)
    : period_(period), rng_(seed ^ 0x686f74706c7567ull) {}

std::optional<HotplugRequest> HotplugSchedule::due(uint64_t jiffies_done, const MachineState& m) {
  if (period_ == 0 || jiffies_done == 0 || jiffies_done % period_ != 0) return std::nullopt;
  const CpuMask offline = CpuMask::range(0, m.nr_cpu_ids() - 1).andnot(m.online);
  const std::vector<int> down = offline.cpus();
  if (!down.empty() && (m.online.weight() == 1 || rng_.chance(1, 2)))
    return HotplugRequest{down[rng_.below(down.size())], true};
  const std::vector<int> up = m.online.cpus();
  if (up.size() <= 1) return std::nullopt;
  return HotplugRequest{up[rng_.below(up.size())], false};
}

}  // namespace sbm
