// The dispatcher of sched_balance_find_src_group() / find_busiest_group() and the helpers
// the era rules share. Each BusiestGroupRule has a file of its own:
// find_busiest_group_v2_6_20.cpp, find_busiest_group_v2_6_32.cpp, find_busiest_group_v4_19.cpp
// and find_busiest_group_v5_5.cpp.
#include "model/balance/find_src_group.h"

#include <algorithm>

#include "model/balance/lb_load.h"

namespace sbm {

const char* group_type_name(GroupType t) {
  switch (t) {
    case GroupType::Other:
      return "group_other";
    case GroupType::HasSpare:
      return "group_has_spare";
    case GroupType::FullyBusy:
      return "group_fully_busy";
    case GroupType::Misfit:
      return "group_misfit_task";
    case GroupType::SmtBalance:
      return "group_smt_balance";
    case GroupType::AsymPacking:
      return "group_asym_packing";
    case GroupType::Imbalanced:
      return "group_imbalanced";
    case GroupType::Overloaded:
      return "group_overloaded";
  }
  return "?";
}

int local_group_index(const LbEnv& env, const std::vector<SchedGroup>& groups) {
  for (size_t i = 0; i < groups.size(); ++i)
    if (groups[i].span.test(env.dst_cpu)) return static_cast<int>(i);
  return -1;
}

uint64_t group_cpu_load(const MachineState& m, const CpuMask& span, const CpuMask& cpus) {
  uint64_t sum = 0;
  for (int i : (span & cpus).cpus()) sum += cpu_load(m.rq(i));
  return sum;
}

void update_sd_idle(const MachineState& m, const Profile& era, LbEnv& env, const CpuMask& scanned) {
  for (int i : scanned.cpus()) {
    const Rq& rq = m.rq(i);
    const bool busy = era.busiest_group_rule == BusiestGroupRule::AvgLoad2620 ? !idle_cpu(rq)
                                                                              : rq.nr_running() > 0;
    if (busy) env.sd_idle = false;
  }
}

SrcGroupResult find_src_group(const MachineState& m, const LbState& s, const Profile& era,
                              LbEnv& env, const std::vector<SchedGroup>& groups) {
  switch (era.busiest_group_rule) {
    case BusiestGroupRule::AvgLoad2620:
      return find_busiest_group_2620(m, env, groups);
    case BusiestGroupRule::AvgLoad2632:
      return find_busiest_group_2632(m, env, groups);
    case BusiestGroupRule::AvgLoad419:
      return find_busiest_group_419(m, s, env, groups);
    case BusiestGroupRule::GroupType55:
      return find_src_group_v6(m, s, env, groups);
  }
  return {};
}

uint64_t sum_nr_running(const MachineState& m, const CpuMask& span, const CpuMask& cpus) {
  uint64_t n = 0;
  for (int i : (span & cpus).cpus()) n += m.rq(i).nr_running();
  return n;
}

uint64_t cpu_avg_load_per_task(const Rq& rq) {
  return rq.nr_running() ? cpu_load(rq) / rq.nr_running() : 0;
}

bool moving_one_task_gains(uint64_t busiest_power, uint64_t busiest_avg, uint64_t busiest_lpt,
                           uint64_t this_power, uint64_t this_avg, uint64_t this_lpt) {
  uint64_t now = busiest_power * std::min(busiest_lpt, busiest_avg) +
                 this_power * std::min(this_lpt, this_avg);
  now /= kSchedLoadScale;
  uint64_t move = 0;
  uint64_t tmp = busiest_lpt * kSchedLoadScale / busiest_power;  // load we'd subtract
  if (busiest_avg > tmp) move += busiest_power * std::min(busiest_lpt, busiest_avg - tmp);
  if (busiest_avg * busiest_power < busiest_lpt * kSchedLoadScale)  // load we'd add
    tmp = busiest_avg * busiest_power / this_power;
  else
    tmp = busiest_lpt * kSchedLoadScale / this_power;
  move += this_power * std::min(this_lpt, this_avg + tmp);
  move /= kSchedLoadScale;
  return move > now;
}

SrcGroupResult balanced(SrcGroupResult r, LbEnv& env, const char* why) {
  env.imbalance = 0;
  r.busiest = -1;
  r.imbalance = 0;
  r.decision = why;
  return r;
}

}  // namespace sbm
