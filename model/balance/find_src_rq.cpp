#include "model/balance/find_src_rq.h"

#include "model/balance/lb_load.h"

namespace sbm {

int find_src_rq(const MachineState& m, const Profile& era, const LbEnv& env,
                const SchedGroup& group) {
  const RqDomain& d = env_domain(m, env);
  const uint64_t imbalance = env.imbalance > 0 ? static_cast<uint64_t>(env.imbalance) : 0;
  int busiest = -1;
  uint64_t busiest_load = 0, busiest_capacity = 1, busiest_util = 0;
  unsigned busiest_nr = 0;
  // Mutant migration-outside-span (model/mutants.h): the first search of a balance looks at
  // every active CPU but dst, not at the busiest group's span. The redo after
  // LBF_ALL_PINNED searches the group again: a CPU outside env->cpus can never be taken out
  // of the search, so the kernel would redo for ever there.
  const bool everywhere = is_mutant(m.profile, Mutant::MigrationOutsideSpan) && env.round == 0;
  const CpuMask candidates =
      everywhere ? m.active.andnot(CpuMask::single(env.dst_cpu)) : group.span & env.cpus;
  for (int i : candidates.cpus()) {
    const Rq& rq = m.rq(i);
    const unsigned nr = rq.nr_running();
    const uint64_t load = cpu_load(rq);
    const uint64_t capacity = capacity_of(i);
    switch (era.busiest_group_rule) {
      case BusiestGroupRule::AvgLoad2620:
        if (nr == 1 && load > imbalance) continue;
        if (load > busiest_load) {
          busiest_load = load;
          busiest = i;
        }
        continue;
      case BusiestGroupRule::AvgLoad2632: {
        // capacity = DIV_ROUND_CLOSEST(power, SCHED_LOAD_SCALE) is 1 with power 1024.
        if (nr == 1 && load > imbalance) continue;
        const uint64_t wl = load * kSchedCapacityScale / capacity;
        if (wl > busiest_load) {
          busiest_load = wl;
          busiest = i;
        }
        continue;
      }
      case BusiestGroupRule::AvgLoad419:
        break;
      case BusiestGroupRule::GroupType55:
        if (nr == 0) continue;  // no CFS task
        if (env.migration_type == MigrationType::Util) {
          // Pulling util from a CPU with one task would fail to detach it.
          if (nr <= 1) continue;
          if (busiest_util < cpu_util(rq)) {
            busiest_util = cpu_util(rq);
            busiest = i;
          }
          continue;
        }
        if (env.migration_type == MigrationType::Task) {
          if (busiest_nr < nr) {
            busiest_nr = nr;
            busiest = i;
          }
          continue;
        }
        break;  // migrate_load: as v4.19 below (misfit does not occur in the model)
    }
    if (nr == 1 && load > imbalance && !check_cpu_capacity(d.imbalance_pct)) continue;
    // max(load_i / capacity_i) as load_i * capacity_j > load_j * capacity_i.
    if (load * busiest_capacity > busiest_load * capacity) {
      busiest_load = load;
      busiest_capacity = capacity;
      busiest = i;
    }
  }
  return busiest;
}

}  // namespace sbm
