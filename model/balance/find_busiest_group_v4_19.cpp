// find_busiest_group() of v4.19 (kernel/sched/fair.c, v4.19),
// BusiestGroupRule::AvgLoad419.
// Arithmetic is unsigned long (64-bit) as in the kernel, wrap-arounds included.
#include <algorithm>

#include "model/balance/find_src_group.h"
#include "model/balance/lb_load.h"

namespace sbm {

// v4.19 find_busiest_group() and helpers, without SD_ASYM_PACKING / SD_ASYM_CPUCAPACITY.
SrcGroupResult find_busiest_group_419(const MachineState& m, const LbState& s, LbEnv& env,
                                      const std::vector<SchedGroup>& groups) {
  const RqDomain& d = env_domain(m, env);
  const unsigned pct = d.imbalance_pct;
  SrcGroupResult r;
  r.local = local_group_index(env, groups);
  const RqDomain* child =
      env.level > 0 ? &m.rq(env.this_cpu).sd[static_cast<size_t>(env.level - 1)] : nullptr;
  const bool prefer_sibling = child && child->flags().has(SdFlag::PreferSibling);
  // group_has_capacity(), group_is_overloaded() and group_classify() of v4.19.
  auto has_capacity = [pct](const SgLbStats& g) {
    return g.sum_nr_running < g.group_weight || g.group_capacity * 100 > g.group_util * pct;
  };
  auto classify = [&](const SgLbStats& g, const SchedGroup& sg) {
    if (g.group_no_capacity) return GroupType::Overloaded;
    if (sgc_imbalanced(s, env.level, sg.span)) return GroupType::Imbalanced;
    return GroupType::Other;
  };
  uint64_t total_load = 0, total_capacity = 0;
  int busiest = -1;
  SgLbStats busiest_stat;  // init_sd_lb_stats(): avg_load 0, sum_nr_running 0, group_other
  for (size_t i = 0; i < groups.size(); ++i) {
    const SchedGroup& g = groups[i];
    const bool local = static_cast<int>(i) == r.local;
    SgLbStats sgs;
    for (int c : (g.span & env.cpus).cpus()) {
      const Rq& rq = m.rq(c);
      sgs.group_load += cpu_load(rq);
      sgs.group_util += cpu_util(rq);
      sgs.sum_nr_running += rq.nr_running();
      sgs.sum_weighted_load += cpu_load(rq);
      if (rq.nr_running() == 0 && idle_cpu(rq)) sgs.idle_cpus++;
    }
    sgs.group_capacity = *g.capacity;
    sgs.avg_load = sgs.group_load * kSchedLoadScale / sgs.group_capacity;
    if (sgs.sum_nr_running) sgs.load_per_task = sgs.sum_weighted_load / sgs.sum_nr_running;
    sgs.group_weight = static_cast<unsigned>(g.span.weight());
    sgs.group_no_capacity =
        sgs.sum_nr_running > sgs.group_weight && sgs.group_capacity * 100 < sgs.group_util * pct;
    sgs.group_type = classify(sgs, g);
    if (!local) {
      // The child prefers siblings: treat a group with clearly more tasks than a local
      // group that has room as having no capacity.
      if (prefer_sibling && r.local >= 0 && static_cast<size_t>(r.local) < r.stats.size() &&
          has_capacity(r.stats[static_cast<size_t>(r.local)]) &&
          sgs.sum_nr_running > r.stats[static_cast<size_t>(r.local)].sum_nr_running + 1) {
        sgs.group_no_capacity = true;
        sgs.group_type = classify(sgs, g);
      }
      // update_sd_pick_busiest(): a higher type, else a higher avg_load.
      const bool pick =
          sgs.group_type > busiest_stat.group_type ||
          (sgs.group_type == busiest_stat.group_type && sgs.avg_load > busiest_stat.avg_load);
      if (pick) {
        busiest = static_cast<int>(i);
        busiest_stat = sgs;
      }
    }
    total_load += sgs.group_load;
    total_capacity += sgs.group_capacity;
    r.stats.push_back(sgs);
  }
  if (busiest < 0 || r.local < 0 || busiest_stat.sum_nr_running == 0)
    return balanced(r, env, "no busy sibling group");
  SgLbStats b = busiest_stat;
  const SgLbStats& l = r.stats[static_cast<size_t>(r.local)];
  const uint64_t sds_avg = kSchedLoadScale * total_load / total_capacity;
  const char* why = "imbalance";
  if (b.group_type == GroupType::Imbalanced) {
    why = "busiest group_imbalanced: force";
  } else if (env.idle != CpuIdleType::NotIdle && has_capacity(l) && b.group_no_capacity) {
    why = "dst idle, local has capacity, busiest has none: force";
  } else {
    if (l.avg_load >= b.avg_load) return balanced(r, env, "local avg_load >= busiest avg_load");
    if (l.avg_load >= sds_avg) return balanced(r, env, "local avg_load >= domain avg_load");
    if (env.idle == CpuIdleType::Idle) {
      if (b.group_type != GroupType::Overloaded && l.idle_cpus <= b.idle_cpus + 1)
        return balanced(r, env, "idle CPUs differ by at most one, busiest not overloaded");
    } else if (100 * b.avg_load <= pct * l.avg_load) {
      return balanced(r, env, "busiest avg_load within imbalance_pct");
    }
  }
  // calculate_imbalance()
  if (b.group_type == GroupType::Imbalanced) b.load_per_task = std::min(b.load_per_task, sds_avg);
  uint64_t imbalance = 0;
  bool small = b.avg_load <= sds_avg || l.avg_load >= sds_avg;
  if (!small) {
    uint64_t load_above_capacity = ~uint64_t{0};
    if (b.group_type == GroupType::Overloaded && l.group_type == GroupType::Overloaded) {
      // If there aren't any idle CPUs, avoid creating some.
      load_above_capacity = uint64_t{b.sum_nr_running} * kSchedLoadScale;
      if (load_above_capacity > b.group_capacity) {
        load_above_capacity -= b.group_capacity;
        load_above_capacity *= kSchedLoadScale;  // scale_load_down(NICE_0_LOAD)
        load_above_capacity /= b.group_capacity;
      } else {
        load_above_capacity = ~uint64_t{0};
      }
    }
    const uint64_t max_pull = std::min(b.avg_load - sds_avg, load_above_capacity);
    imbalance = std::min(max_pull * b.group_capacity, (sds_avg - l.avg_load) * l.group_capacity) /
                kSchedLoadScale;
    small = imbalance < b.load_per_task;
  }
  if (small) {
    // fix_small_imbalance(): one task's load, or the imbalance as it was (0 on the first
    // path, else the small value just computed).
    unsigned imbn = 2;
    uint64_t local_lpt = l.load_per_task;
    if (!l.sum_nr_running)
      local_lpt = cpu_avg_load_per_task(m.rq(env.dst_cpu));
    else if (b.load_per_task > local_lpt)
      imbn = 1;
    const uint64_t scaled = b.load_per_task * kSchedLoadScale / b.group_capacity;
    if (b.avg_load + scaled >= l.avg_load + scaled * imbn ||
        moving_one_task_gains(b.group_capacity, b.avg_load, b.load_per_task, l.group_capacity,
                              l.avg_load, local_lpt))
      imbalance = b.load_per_task;
  }
  env.imbalance = static_cast<int64_t>(imbalance);
  if (imbalance == 0) return balanced(r, env, "calculate_imbalance() found nothing to move");
  r.busiest = busiest;
  r.imbalance = env.imbalance;
  r.decision = small ? "fix_small_imbalance" : why;
  return r;
}

}  // namespace sbm
