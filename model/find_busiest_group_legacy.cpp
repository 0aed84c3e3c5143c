// find_busiest_group() before the v5.5 rework: the average-load rules of v2.6.20
// (kernel/sched.c, v2.6.20), v2.6.32 (kernel/sched.c, v2.6.32.60) and v4.19
// (kernel/sched/fair.c, v4.19).
// Arithmetic is unsigned long (64-bit) as in the kernel, wrap-arounds included.
// SCHED_LOAD_SCALE is 1024 here in every era (the model's nice-0 weight); v2.6.20's
// 128-based units scale every quantity by the same factor and only change rounding.
#include <algorithm>

#include "model/find_src_group.h"
#include "model/lb_load.h"

namespace sbm {

namespace {

constexpr uint64_t kScale = kSchedCapacityScale;

uint64_t sum_nr_running(const MachineState& m, const CpuMask& span, const CpuMask& cpus) {
  uint64_t n = 0;
  for (int i : (span & cpus).cpus()) n += m.rq(i).nr_running();
  return n;
}

// cpu_avg_load_per_task(cpu): the rq's load per running task, 0 when empty.
uint64_t cpu_avg_load_per_task(const Rq& rq) {
  return rq.nr_running() ? cpu_load(rq) / rq.nr_running() : 0;
}

// The power/capacity half of fix_small_imbalance() (v2.6.20 small_imbalance, v2.6.32 and
// v4.19 fix_small_imbalance()): moving one busiest task is worth it when the capacity
// used afterwards ("pwr_move", "capa_move") exceeds the capacity used now.
bool moving_one_task_gains(uint64_t busiest_power, uint64_t busiest_avg, uint64_t busiest_lpt,
                           uint64_t this_power, uint64_t this_avg, uint64_t this_lpt) {
  uint64_t now = busiest_power * std::min(busiest_lpt, busiest_avg) +
                 this_power * std::min(this_lpt, this_avg);
  now /= kScale;
  uint64_t move = 0;
  uint64_t tmp = busiest_lpt * kScale / busiest_power;  // load we'd subtract
  if (busiest_avg > tmp) move += busiest_power * std::min(busiest_lpt, busiest_avg - tmp);
  if (busiest_avg * busiest_power < busiest_lpt * kScale)  // load we'd add
    tmp = busiest_avg * busiest_power / this_power;
  else
    tmp = busiest_lpt * kScale / this_power;
  move += this_power * std::min(this_lpt, this_avg + tmp);
  move /= kScale;
  return move > now;
}

SrcGroupResult balanced(SrcGroupResult r, LbEnv& env, const char* why) {
  env.imbalance = 0;
  r.busiest = -1;
  r.imbalance = 0;
  r.decision = why;
  return r;
}

}  // namespace

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
    sgs.avg_load = sgs.group_load * kScale / sgs.group_capacity;
    sgs.group_capacity_nr = sgs.group_capacity / kScale;
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
  const uint64_t avg_load = kScale * total_load / total_pwr;
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
    imbalance = std::min(max_pull * busiest_pwr, (avg_load - this_load) * this_pwr) / kScale;
    small = imbalance < busiest_lpt;
  }
  if (small) {
    unsigned imbn = 2;
    if (this_nr) {
      this_lpt /= this_nr;
      if (busiest_lpt > this_lpt) imbn = 1;
    } else {
      this_lpt = kScale;
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
    sgs.avg_load = sgs.group_load * kScale / sgs.group_capacity;
    const uint64_t avg_load_per_task = sgs.sum_nr_running ? sgs.sum_weighted_load / sgs.sum_nr_running : 0;
    // "Consider the group unbalanced when the imbalance is larger than the average weight
    // of two tasks" (unsigned: a local group's max - min wraps, but max_nr_running is 0).
    sgs.group_imb = (max_cpu_load - min_cpu_load) > 2 * avg_load_per_task && max_nr_running > 1;
    sgs.group_capacity_nr = (sgs.group_capacity + kScale / 2) / kScale;  // DIV_ROUND_CLOSEST
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
  const bool force = env.idle == CpuIdleType::NewlyIdle && this_has_capacity && !b.group_has_capacity;
  if (!force) {
    if (l.avg_load >= max_load) return balanced(r, env, "this_load >= max_load");
    avg_load = kScale * total_load / total_pwr;
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
      load_above_capacity = (b.sum_nr_running - b.group_capacity_nr) * (kScale * kScale) / busiest_pwr;
    }
    const uint64_t max_pull = std::min(max_load - avg_load, load_above_capacity);
    imbalance = std::min(max_pull * busiest_pwr, (avg_load - l.avg_load) * this_pwr) / kScale;
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
    const uint64_t scaled = busiest_lpt * kScale / busiest_pwr;
    if (max_load - l.avg_load + scaled >= scaled * imbn ||
        moving_one_task_gains(busiest_pwr, max_load, busiest_lpt, this_pwr, l.avg_load, this_lpt))
      imbalance = busiest_lpt;
  }
  // v2.6.32 returns the busiest group even with imbalance 0.
  env.imbalance = static_cast<int64_t>(imbalance);
  r.busiest = busiest;
  r.imbalance = env.imbalance;
  r.decision = force ? "NEWLY_IDLE with spare capacity: force" : (small ? "fix_small_imbalance" : "imbalance");
  return r;
}

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
    sgs.avg_load = sgs.group_load * kScale / sgs.group_capacity;
    if (sgs.sum_nr_running) sgs.load_per_task = sgs.sum_weighted_load / sgs.sum_nr_running;
    sgs.group_weight = static_cast<unsigned>(g.span.weight());
    sgs.group_no_capacity = sgs.sum_nr_running > sgs.group_weight &&
                            sgs.group_capacity * 100 < sgs.group_util * pct;
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
      const bool pick = sgs.group_type > busiest_stat.group_type ||
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
  const uint64_t sds_avg = kScale * total_load / total_capacity;
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
      load_above_capacity = uint64_t{b.sum_nr_running} * kScale;
      if (load_above_capacity > b.group_capacity) {
        load_above_capacity -= b.group_capacity;
        load_above_capacity *= kScale;  // scale_load_down(NICE_0_LOAD)
        load_above_capacity /= b.group_capacity;
      } else {
        load_above_capacity = ~uint64_t{0};
      }
    }
    const uint64_t max_pull = std::min(b.avg_load - sds_avg, load_above_capacity);
    imbalance = std::min(max_pull * b.group_capacity, (sds_avg - l.avg_load) * l.group_capacity) / kScale;
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
    const uint64_t scaled = b.load_per_task * kScale / b.group_capacity;
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
