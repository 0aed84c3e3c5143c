// find_busiest_group() of v2.6.20 (kernel/sched.c, v2.6.20),
// BusiestGroupRule::AvgLoad2620.
// Arithmetic is unsigned long (64-bit) as in the kernel, wrap-arounds included.
// SCHED_LOAD_SCALE is 1024 here as in every era (the model's nice-0 weight); v2.6.20's
// 128-based units scale every quantity by the same factor and only change rounding.
#include <algorithm>

#include "model/balance/find_src_group.h"
#include "model/balance/lb_load.h"

namespace sbm {

// v2.6.20 find_busiest_group(), without the power-savings balance.
SrcGroupResult find_busiest_group_2620(const MachineState& m, LbEnv& env,
                                       const std::vector<SchedGroup>& groups) {
  const RqDomain& d = env_domain(m, env);
  SrcGroupResult r;
  r.local = local_group_index(env, groups);
  uint64_t max_load = 0, this_load = 0, total_load = 0, total_pwr = 0;
  uint64_t busiest_lpt = 0, busiest_nr = 0, this_lpt = 0, this_nr = 0;
  int busiest = -1;
  for (size_t i = 0; i < groups.size(); ++i) {
    const SchedGroup& g = groups[i];
    SgLbStats sgs;
    sgs.group_load = group_cpu_load(m, g.span, env.cpus);
    sgs.sum_nr_running = static_cast<unsigned>(sum_nr_running(m, g.span, env.cpus));
    sgs.sum_weighted_load = sgs.group_load;
    sgs.group_capacity = *g.capacity;  // group->cpu_power
    total_load += sgs.group_load;
    total_pwr += sgs.group_capacity;
    sgs.avg_load = sgs.group_load * kSchedLoadScale / sgs.group_capacity;
    sgs.group_capacity_nr = sgs.group_capacity / kSchedLoadScale;
    if (static_cast<int>(i) == r.local) {
      this_load = sgs.avg_load;
      this_nr = sgs.sum_nr_running;
      this_lpt = sgs.sum_weighted_load;
    } else if (sgs.avg_load > max_load && sgs.sum_nr_running > sgs.group_capacity_nr) {
      max_load = sgs.avg_load;
      busiest = static_cast<int>(i);
      busiest_nr = sgs.sum_nr_running;
      busiest_lpt = sgs.sum_weighted_load;
    }
    r.stats.push_back(sgs);
  }
  if (busiest < 0 || r.local < 0 || this_load >= max_load || busiest_nr == 0)
    return balanced(r, env, "no busier group");
  const uint64_t avg_load = kSchedLoadScale * total_load / total_pwr;
  if (this_load >= avg_load || 100 * max_load <= d.imbalance_pct * this_load)
    return balanced(r, env, "this_load >= avg_load or within imbalance_pct");
  busiest_lpt /= busiest_nr;
  if (max_load <= busiest_lpt) return balanced(r, env, "max_load <= busiest load per task");
  const uint64_t busiest_pwr = *groups[static_cast<size_t>(busiest)].capacity;
  const uint64_t this_pwr = *groups[static_cast<size_t>(r.local)].capacity;
  uint64_t imbalance = 0;
  bool small = max_load < avg_load;
  if (!small) {
    // Don't pull so many tasks that a group would go idle.
    const uint64_t max_pull = std::min(max_load - avg_load, max_load - busiest_lpt);
    imbalance =
        std::min(max_pull * busiest_pwr, (avg_load - this_load) * this_pwr) / kSchedLoadScale;
    small = imbalance < busiest_lpt;
  }
  if (small) {
    unsigned imbn = 2;
    if (this_nr) {
      this_lpt /= this_nr;
      if (busiest_lpt > this_lpt) imbn = 1;
    } else {
      this_lpt = kSchedLoadScale;
    }
    if (max_load - this_load >= busiest_lpt * imbn) {
      imbalance = busiest_lpt;
    } else {
      if (!moving_one_task_gains(busiest_pwr, max_load, busiest_lpt, this_pwr, this_load, this_lpt))
        return balanced(r, env, "small_imbalance: no throughput gain");
      imbalance = busiest_lpt;
    }
  }
  env.imbalance = static_cast<int64_t>(imbalance);
  r.busiest = busiest;
  r.imbalance = env.imbalance;
  r.decision = small ? "small_imbalance" : "imbalance";
  return r;
}

}  // namespace sbm
