// The v5.5+ rule (0b0695f2b34a) as in kernel/sched/fair.c, v6.17:
// update_sg_lb_stats(), group_classify(), update_sd_pick_busiest(), sibling_imbalance(),
// sched_balance_find_src_group(), calculate_imbalance().
#include <algorithm>

#include "model/balance/find_src_group.h"
#include "model/balance/lb_groups.h"
#include "model/balance/lb_load.h"

namespace sbm {

namespace {

bool has_flag(const SchedGroup& g, SdFlag f) { return g.flags && g.flags->has(f); }

// group_has_capacity() (v6.17).
bool group_has_capacity(unsigned pct, const SgLbStats& sgs) {
  if (sgs.sum_nr_running < sgs.group_weight) return true;
  if (sgs.group_capacity * pct < sgs.group_runnable * 100) return false;
  return sgs.group_capacity * 100 > sgs.group_util * pct;
}

// group_is_overloaded() (v6.17).
bool group_is_overloaded(unsigned pct, const SgLbStats& sgs) {
  if (sgs.sum_nr_running <= sgs.group_weight) return false;
  if (sgs.group_capacity * 100 < sgs.group_util * pct) return true;
  return sgs.group_capacity * pct < sgs.group_runnable * 100;
}

// group_classify() (v6.17): the first matching type, in this order.
GroupType group_classify(unsigned pct, bool imbalanced, const SgLbStats& sgs) {
  if (group_is_overloaded(pct, sgs)) return GroupType::Overloaded;
  if (imbalanced) return GroupType::Imbalanced;
  if (sgs.group_smt_balance) return GroupType::SmtBalance;
  if (!group_has_capacity(pct, sgs)) return GroupType::FullyBusy;
  return GroupType::HasSpare;
}

SgLbStats update_sg_lb_stats(const MachineState& m, const LbState& s, const LbEnv& env,
                             const SchedGroup& g, bool local) {
  const RqDomain& d = env_domain(m, env);
  SgLbStats sgs;
  for (int i : (g.span & env.cpus).cpus()) {
    const Rq& rq = m.rq(i);
    sgs.group_load += cpu_load(rq);
    sgs.group_util += cpu_util(rq);
    sgs.group_runnable += cpu_runnable(rq);
    sgs.sum_h_nr_running += rq.nr_running();
    sgs.sum_nr_running += rq.nr_running();
    if (rq.nr_running() == 0 && idle_cpu(rq)) sgs.idle_cpus++;
  }
  sgs.group_capacity = *g.capacity;
  sgs.group_weight = static_cast<unsigned>(g.span.weight());
  sgs.cores = group_cores(m, g);
  // smt_balance(): an idle dst, a non-local SMT group running more than one task.
  sgs.group_smt_balance = !local && env.idle != CpuIdleType::NotIdle &&
                          has_flag(g, SdFlag::ShareCpucapacity) && sgs.sum_h_nr_running > 1;
  sgs.group_type = group_classify(d.imbalance_pct, sgc_imbalanced(s, env.level, g.span), sgs);
  if (sgs.group_type == GroupType::Overloaded)
    sgs.avg_load = sgs.group_load * kSchedCapacityScale / sgs.group_capacity;
  return sgs;
}

bool smt_vs_nonsmt_groups(const SchedGroup* a, const SchedGroup* b) {
  if (!a || !b) return false;
  return has_flag(*a, SdFlag::ShareCpucapacity) != has_flag(*b, SdFlag::ShareCpucapacity);
}

// update_sd_pick_busiest() (v6.17), without the misfit and asym cases the model lacks.
bool update_sd_pick_busiest(const SgLbStats& sgs, const SchedGroup& sg, const SgLbStats& busiest,
                            const SchedGroup* busiest_group) {
  if (!sgs.sum_h_nr_running) return false;  // at least one task to pull
  if (sgs.group_type > busiest.group_type) return true;
  if (sgs.group_type < busiest.group_type) return false;
  bool has_spare_rule = false;
  switch (sgs.group_type) {
    case GroupType::Overloaded:
      return sgs.avg_load > busiest.avg_load;
    case GroupType::Imbalanced:
      return false;  // the first imbalanced group
    case GroupType::SmtBalance:
      if (sgs.idle_cpus != 0 || busiest.idle_cpus != 0) {
        has_spare_rule = true;
        break;
      }
      [[fallthrough]];
    case GroupType::FullyBusy:
      if (sgs.avg_load < busiest.avg_load) return false;
      if (sgs.avg_load == busiest.avg_load && busiest_group &&
          has_flag(*busiest_group, SdFlag::ShareCpucapacity))
        return false;
      break;
    case GroupType::HasSpare:
      if (smt_vs_nonsmt_groups(busiest_group, &sg))
        return !(has_flag(sg, SdFlag::ShareCpucapacity) && sgs.sum_h_nr_running <= 1);
      has_spare_rule = true;
      break;
    default:
      break;
  }
  if (has_spare_rule) {
    // The group with the fewest idle CPUs, then the most tasks.
    if (sgs.idle_cpus > busiest.idle_cpus) return false;
    if (sgs.idle_cpus == busiest.idle_cpus && sgs.sum_nr_running <= busiest.sum_nr_running)
      return false;
  }
  return true;
}

// Mutant group-imbalance (model/mutants.h; spec/bugs.md #1, Wasted Cores "Group Imbalance"):
// the busiest group is the one with the highest average load (group_load scaled by its
// capacity), with no group classification, as before the v5.5 rework (0b0695f2b34a). A
// CPU holding one heavy task then outranks one where light tasks wait, the search of its
// rq finds nothing to pull, and the domain is declared balanced.
uint64_t group_avg_load(const SgLbStats& sgs) {
  return sgs.group_capacity ? sgs.group_load * kSchedCapacityScale / sgs.group_capacity : 0;
}

bool pick_busiest(const MachineState& m, const SgLbStats& sgs, const SchedGroup& sg,
                  const SgLbStats& busiest, const SchedGroup* busiest_group) {
  if (is_mutant(m.profile, Mutant::GroupImbalance))
    return sgs.sum_h_nr_running &&
           (!busiest_group || group_avg_load(sgs) > group_avg_load(busiest));
  return update_sd_pick_busiest(sgs, sg, busiest, busiest_group);
}

// sibling_imbalance() (v6.17).
int64_t sibling_imbalance(const LbEnv& env, const SgLbStats& busiest, const SgLbStats& local) {
  if (env.idle == CpuIdleType::NotIdle || !busiest.sum_nr_running) return 0;
  const int64_t nb = busiest.cores, nl = local.cores;
  if (nb == nl) return std::max<int64_t>(0, int64_t{busiest.sum_nr_running} - local.sum_nr_running);
  int64_t imbalance = std::max<int64_t>(0, nl * busiest.sum_nr_running - nb * local.sum_nr_running);
  imbalance = (2 * imbalance + nl + nb) / (nl + nb);  // normalise with rounding
  if (imbalance <= 1 && local.sum_nr_running == 0 && busiest.sum_nr_running > 1) imbalance = 2;
  return imbalance;
}

struct SdLbStats {
  int local = -1;
  int busiest = -1;
  uint64_t total_load = 0;
  uint64_t total_capacity = 0;
  uint64_t avg_load = 0;
  bool prefer_sibling = false;
};

// calculate_imbalance() (v6.17), without misfit and asym packing.
void calculate_imbalance(const MachineState& m, LbEnv& env, SdLbStats& sds, SgLbStats& local,
                         const SgLbStats& busiest) {
  const RqDomain& d = env_domain(m, env);
  if (busiest.group_type == GroupType::SmtBalance || busiest.group_type == GroupType::Imbalanced) {
    // Reduce the tasks sharing a core / move any task to fix an affinity-made imbalance.
    env.migration_type = MigrationType::Task;
    env.imbalance = 1;
    return;
  }
  if (local.group_type == GroupType::HasSpare) {
    if (busiest.group_type > GroupType::FullyBusy && !d.flags().has(SdFlag::ShareLlc)) {
      // Fill the local spare capacity.
      env.migration_type = MigrationType::Util;
      env.imbalance =
          static_cast<int64_t>(std::max(local.group_capacity, local.group_util) - local.group_util);
      if (env.idle != CpuIdleType::NotIdle && env.imbalance == 0) {
        env.migration_type = MigrationType::Task;
        env.imbalance = 1;
      }
      return;
    }
    env.migration_type = MigrationType::Task;
    if (busiest.group_weight == 1 || sds.prefer_sibling)
      env.imbalance = sibling_imbalance(env, busiest, local);
    else
      env.imbalance = std::max<int64_t>(0, int64_t{local.idle_cpus} - busiest.idle_cpus);
    env.imbalance >>= 1;  // tasks to move to restore balance
    return;
  }
  if (local.group_type < GroupType::Overloaded) {
    local.avg_load = local.group_load * kSchedCapacityScale / local.group_capacity;
    if (local.avg_load >= busiest.avg_load) {
      env.imbalance = 0;
      return;
    }
    sds.avg_load = sds.total_load * kSchedCapacityScale / sds.total_capacity;
    if (local.avg_load >= sds.avg_load) {
      env.imbalance = 0;
      return;
    }
  }
  env.migration_type = MigrationType::Load;
  // Unsigned long arithmetic, as the kernel's.
  env.imbalance =
      static_cast<int64_t>(std::min((busiest.avg_load - sds.avg_load) * busiest.group_capacity,
                                    (sds.avg_load - local.avg_load) * local.group_capacity) /
                           kSchedCapacityScale);
}

}  // namespace

SrcGroupResult find_src_group_v6(const MachineState& m, const LbState& s, LbEnv& env,
                                 const std::vector<SchedGroup>& groups) {
  const RqDomain& d = env_domain(m, env);
  SrcGroupResult r;
  SdLbStats sds;
  SgLbStats busiest_stat;  // init_sd_lb_stats(): idle_cpus = UINT_MAX, group_has_spare
  busiest_stat.idle_cpus = ~0u;
  busiest_stat.group_type = GroupType::HasSpare;
  r.local = sds.local = local_group_index(env, groups);
  for (size_t i = 0; i < groups.size(); ++i) {
    const bool local = static_cast<int>(i) == sds.local;
    SgLbStats sgs = update_sg_lb_stats(m, s, env, groups[i], local);
    const SchedGroup* bg = sds.busiest >= 0 ? &groups[static_cast<size_t>(sds.busiest)] : nullptr;
    if (!local && pick_busiest(m, sgs, groups[i], busiest_stat, bg)) {
      sds.busiest = static_cast<int>(i);
      busiest_stat = sgs;
    }
    sds.total_load += sgs.group_load;
    sds.total_capacity += sgs.group_capacity;
    r.stats.push_back(sgs);
  }
  env.imbalance = 0;
  auto balanced = [&](const char* why) {
    env.imbalance = 0;
    r.decision = why;
    return r;
  };
  if (sds.busiest < 0 || sds.local < 0) return balanced("no busiest group");
  const SchedGroup& bgroup = groups[static_cast<size_t>(sds.busiest)];
  sds.prefer_sibling = has_flag(bgroup, SdFlag::PreferSibling);
  SgLbStats& local = r.stats[static_cast<size_t>(sds.local)];
  const SgLbStats& busiest = busiest_stat;

  bool force = busiest.group_type == GroupType::Imbalanced;
  r.decision = force ? "busiest group_imbalanced: force" : "";
  if (!force) {
    if (local.group_type > busiest.group_type) return balanced("local group busier than busiest");
    if (local.group_type == GroupType::Overloaded) {
      if (local.avg_load >= busiest.avg_load) return balanced("local avg_load >= busiest avg_load");
      sds.avg_load = sds.total_load * kSchedCapacityScale / sds.total_capacity;
      if (local.avg_load >= sds.avg_load) return balanced("local avg_load >= domain avg_load");
      if (100 * busiest.avg_load <= d.imbalance_pct * local.avg_load)
        return balanced("busiest avg_load within imbalance_pct");
    }
    if (sds.prefer_sibling && local.group_type == GroupType::HasSpare &&
        sibling_imbalance(env, busiest, local) > 1) {
      force = true;
      r.decision = "prefer_sibling: force";
    }
  }
  if (!force && busiest.group_type != GroupType::Overloaded) {
    if (env.idle == CpuIdleType::NotIdle) return balanced("busiest not overloaded, dst busy");
    const SchedGroup& lgroup = groups[static_cast<size_t>(sds.local)];
    if (!(busiest.group_type == GroupType::SmtBalance && smt_vs_nonsmt_groups(&lgroup, &bgroup))) {
      if (busiest.group_weight > 1 && local.idle_cpus <= busiest.idle_cpus + 1)
        return balanced("idle CPUs differ by at most one");
      if (busiest.sum_h_nr_running == 1) return balanced("busiest has no waiting task");
    }
  }
  if (r.decision.empty()) r.decision = "force";
  calculate_imbalance(m, env, sds, local, busiest);
  if (env.imbalance == 0) return balanced("calculate_imbalance() found nothing to move");
  r.busiest = sds.busiest;
  r.imbalance = env.imbalance;
  r.migration_type = env.migration_type;
  return r;
}

}  // namespace sbm
