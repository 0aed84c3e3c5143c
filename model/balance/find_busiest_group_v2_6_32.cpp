// find_busiest_group() of v2.6.32 (kernel/sched.c, v2.6.32.60),
// BusiestGroupRule::AvgLoad2632.
// Arithmetic is unsigned long (64-bit) as in the kernel, wrap-arounds included.
#include <algorithm>

#include "model/balance/find_src_group.h"
#include "model/balance/lb_load.h"

namespace sbm {

// v2.6.32 update_sg_lb_stats() / update_sd_lb_stats() / find_busiest_group() /
// calculate_imbalance() / fix_small_imbalance(), without the power-savings balance.
SrcGroupResult find_busiest_group_2632(const MachineState& m, LbEnv& env,
                                       const std::vector<SchedGroup>& groups) {
  const RqDomain& d = env_domain(m, env);
  SrcGroupResult r;
  r.local = local_group_index(env, groups);
  const RqDomain* child =
      env.level > 0 ? &m.rq(env.this_cpu).sd[static_cast<size_t>(env.level - 1)] : nullptr;
  const bool prefer_sibling = child && child->flags().has(SdFlag::PreferSibling);
  uint64_t total_load = 0, total_pwr = 0, max_load = 0;
  int busiest = -1;
  bool this_has_capacity = false;
  for (size_t i = 0; i < groups.size(); ++i) {
    const SchedGroup& g = groups[i];
    const bool local = static_cast<int>(i) == r.local;
    SgLbStats sgs;
    uint64_t max_cpu_load = 0, min_cpu_load = ~uint64_t{0}, max_nr_running = 0;
    for (int c : (g.span & env.cpus).cpus()) {
      const Rq& rq = m.rq(c);
      const uint64_t load = cpu_load(rq);
      if (!local) {
        if (load > max_cpu_load) {
          max_cpu_load = load;
          max_nr_running = rq.nr_running();
        }
        min_cpu_load = std::min(min_cpu_load, load);
      }
      sgs.group_load += load;
      sgs.sum_nr_running += rq.nr_running();
      sgs.sum_weighted_load += load;
      if (idle_cpu(rq)) sgs.idle_cpus++;
    }
    sgs.group_capacity = *g.capacity;  // cpu_power
    sgs.avg_load = sgs.group_load * kSchedLoadScale / sgs.group_capacity;
    const uint64_t avg_load_per_task =
        sgs.sum_nr_running ? sgs.sum_weighted_load / sgs.sum_nr_running : 0;
    // "Consider the group unbalanced when the imbalance is larger than the average weight
    // of two tasks" (unsigned: a local group's max - min wraps, but max_nr_running is 0).
    sgs.group_imb = (max_cpu_load - min_cpu_load) > 2 * avg_load_per_task && max_nr_running > 1;
    sgs.group_capacity_nr =
        (sgs.group_capacity + kSchedLoadScale / 2) / kSchedLoadScale;  // DIV_ROUND_CLOSEST
    sgs.group_weight = static_cast<unsigned>(g.span.weight());
    sgs.group_has_capacity = sgs.group_capacity_nr > sgs.sum_nr_running;
    total_load += sgs.group_load;
    total_pwr += sgs.group_capacity;
    if (prefer_sibling && !local && this_has_capacity)
      sgs.group_capacity_nr = std::min<uint64_t>(sgs.group_capacity_nr, 1);
    if (local) {
      this_has_capacity = sgs.group_has_capacity;
    } else if (sgs.avg_load > max_load &&
               (sgs.sum_nr_running > sgs.group_capacity_nr || sgs.group_imb)) {
      max_load = sgs.avg_load;
      busiest = static_cast<int>(i);
    }
    r.stats.push_back(sgs);
  }
  if (busiest < 0 || r.local < 0) return balanced(r, env, "no busier group");
  const SgLbStats& b = r.stats[static_cast<size_t>(busiest)];
  const SgLbStats& l = r.stats[static_cast<size_t>(r.local)];
  if (b.sum_nr_running == 0) return balanced(r, env, "busiest has no task");
  uint64_t avg_load = 0;  // sds.avg_load stays 0 on the NEWLY_IDLE force path
  const bool force =
      env.idle == CpuIdleType::NewlyIdle && this_has_capacity && !b.group_has_capacity;
  if (!force) {
    if (l.avg_load >= max_load) return balanced(r, env, "this_load >= max_load");
    avg_load = kSchedLoadScale * total_load / total_pwr;
    if (l.avg_load >= avg_load) return balanced(r, env, "this_load >= avg_load");
    if (env.idle == CpuIdleType::NewlyIdle || !idle_cpu(m.rq(env.dst_cpu))) {
      if (100 * max_load <= d.imbalance_pct * l.avg_load)
        return balanced(r, env, "within imbalance_pct");
    } else if (l.idle_cpus <= b.idle_cpus + 1 && b.sum_nr_running <= b.group_weight) {
      return balanced(r, env, "idle CPUs differ by at most one, busiest not overloaded");
    }
  }
  // calculate_imbalance()
  const uint64_t busiest_pwr = b.group_capacity, this_pwr = l.group_capacity;
  uint64_t busiest_lpt = b.sum_weighted_load / b.sum_nr_running;
  if (b.group_imb) busiest_lpt = std::min(busiest_lpt, avg_load);
  uint64_t imbalance = 0;
  bool small = max_load < avg_load;
  if (!small) {
    uint64_t load_above_capacity = ~uint64_t{0};
    if (!b.group_imb) {
      // Don't want to pull so many tasks that a group would go idle.
      load_above_capacity = (b.sum_nr_running - b.group_capacity_nr) *
                            (kSchedLoadScale * kSchedLoadScale) / busiest_pwr;
    }
    const uint64_t max_pull = std::min(max_load - avg_load, load_above_capacity);
    imbalance =
        std::min(max_pull * busiest_pwr, (avg_load - l.avg_load) * this_pwr) / kSchedLoadScale;
    small = imbalance < busiest_lpt;
  }
  if (small) {
    // fix_small_imbalance() sets the imbalance to one task's load or leaves it as it was
    // (0 when max_load < avg_load, else the small value just computed).
    unsigned imbn = 2;
    uint64_t this_lpt = l.sum_weighted_load;
    if (l.sum_nr_running) {
      this_lpt /= l.sum_nr_running;
      if (busiest_lpt > this_lpt) imbn = 1;
    } else {
      this_lpt = cpu_avg_load_per_task(m.rq(env.dst_cpu));
    }
    const uint64_t scaled = busiest_lpt * kSchedLoadScale / busiest_pwr;
    if (max_load - l.avg_load + scaled >= scaled * imbn ||
        moving_one_task_gains(busiest_pwr, max_load, busiest_lpt, this_pwr, l.avg_load, this_lpt))
      imbalance = busiest_lpt;
  }
  // v2.6.32 returns the busiest group even with imbalance 0.
  env.imbalance = static_cast<int64_t>(imbalance);
  r.busiest = busiest;
  r.imbalance = env.imbalance;
  r.decision = force ? "NEWLY_IDLE with spare capacity: force"
                     : (small ? "fix_small_imbalance" : "imbalance");
  return r;
}

}  // namespace sbm
