#include "model/balance/should_we_balance.h"

#include "model/balance/lb_groups.h"

namespace sbm {

namespace {

// v6.17: idle core first, then the first idle SMT thread with busy siblings.
int idle_core_first(const MachineState& m, const LbEnv& env, const SchedGroup& local,
                    const SdFlags& sd_flags) {
  CpuMask swb_cpus = local.effective_balance_mask();
  int idle_smt = -1;
  // for_each_cpu_and() over a mask the loop shrinks: cpumask_next() on the live mask.
  for (int cpu = (swb_cpus & env.cpus).first(); cpu >= 0; cpu = (swb_cpus & env.cpus).next(cpu)) {
    if (!idle_cpu(m.rq(cpu))) continue;
    if (!sd_flags.has(SdFlag::ShareCpucapacity) && !is_core_idle(m, cpu)) {
      if (idle_smt == -1) idle_smt = cpu;
      // The rest of this core cannot be an idle core either.
      swb_cpus = swb_cpus.andnot(cpu_smt_mask(m, cpu));
      continue;
    }
    return cpu;
  }
  return idle_smt != -1 ? idle_smt : group_balance_cpu(local);
}

int first_idle_or(const MachineState& m, const CpuMask& candidates, int fallback) {
  for (int cpu : candidates.cpus())
    if (idle_cpu(m.rq(cpu))) return cpu;
  return fallback;
}

}  // namespace

int designated_balance_cpu(const MachineState& m, const LbEnv& env, const SchedGroup& local,
                           const SdFlags& sd_flags) {
  const ShouldWeBalance rule = m.profile.should_we_balance;
  if (rule != ShouldWeBalance::FirstIdleOfLocalGroup && !env.cpus.test(env.dst_cpu)) return -1;
  if (env.idle == CpuIdleType::NewlyIdle) return -1;
  switch (rule) {
    case ShouldWeBalance::FirstIdleOfLocalGroup:
      return first_idle_or(m, local.span & env.cpus, local.span.first());
    case ShouldWeBalance::FirstIdleOfBalanceMask:
      return first_idle_or(m, local.effective_balance_mask() & env.cpus, group_balance_cpu(local));
    case ShouldWeBalance::IdleCoreFirst:
      return idle_core_first(m, env, local, sd_flags);
  }
  return -1;
}

bool should_we_balance(const MachineState& m, const LbEnv& env, const SchedGroup& local,
                       const SdFlags& sd_flags) {
  const ShouldWeBalance rule = m.profile.should_we_balance;
  // "Ensure the balancing environment is consistent; can happen when the softirq triggers
  // 'during' hotplug" (3.x+; not in 2.6.x).
  if (rule != ShouldWeBalance::FirstIdleOfLocalGroup && !env.cpus.test(env.dst_cpu)) return false;
  if (env.idle == CpuIdleType::NewlyIdle) {
    if (rule != ShouldWeBalance::IdleCoreFirst) return true;
    const Rq& dst = m.rq(env.dst_cpu);
    return !(dst.nr_running() > 0 || dst.ttwu_pending);
  }
  return designated_balance_cpu(m, env, local, sd_flags) == env.dst_cpu;
}

}  // namespace sbm
