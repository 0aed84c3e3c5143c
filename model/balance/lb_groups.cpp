#include "model/balance/lb_groups.h"

namespace sbm {

namespace {

// The span and flags of CPU j's domain at `level`, or {j} and no flags when j has no domain
// there (a CPU of the span that is not described, or an empty chain).
const RqDomain* domain_at(const MachineState& m, int j, int level) {
  if (j < 0 || j >= m.nr_cpu_ids() || level < 0) return nullptr;
  const Rq& rq = m.rq(j);
  return static_cast<size_t>(level) < rq.sd.size() ? &rq.sd[static_cast<size_t>(level)] : nullptr;
}

// build_sched_groups()' span of the group that starts at CPU i: i's child-domain span inside
// the domain, or i alone at the base level.
CpuMask built_group_span(const MachineState& m, const RqDomain& d, int i, int level) {
  const RqDomain* child = domain_at(m, i, level - 1);
  return child ? (child->span() & d.span()) : CpuMask::single(i);
}

}  // namespace

std::vector<SchedGroup> sched_groups_of(const MachineState& m, int cpu, int level) {
  const RqDomain& d = m.rq(cpu).sd.at(static_cast<size_t>(level));
  std::vector<SchedGroup> groups;
  if (d.sd.groups) {
    groups = *d.sd.groups;
  } else {
    // build_sched_groups(): for_each_cpu_wrap(i, span, cpu), skipping covered CPUs.
    CpuMask covered;
    for (int i : d.span().cpus_wrap(cpu)) {
      if (covered.test(i)) continue;
      SchedGroup g;
      g.span = built_group_span(m, d, i, level);
      covered |= g.span;
      groups.push_back(g);
    }
  }
  for (SchedGroup& g : groups) {
    if (!g.flags) {
      const RqDomain* child = domain_at(m, g.span.first(), level - 1);
      g.flags = child ? child->flags() : SdFlags{};
    }
    if (!g.capacity) g.capacity = kSchedCapacityScale * static_cast<unsigned long>(g.span.weight());
    // A capacity is never 0 in the kernel (update_cpu_capacity(): "if (!capacity) capacity
    // = 1"); a dump claiming 0 gets the same floor instead of a division by zero.
    if (*g.capacity == 0) g.capacity = 1;
  }
  return groups;
}

CpuMask local_group_span(const MachineState& m, int cpu, int level) {
  const RqDomain& d = m.rq(cpu).sd.at(static_cast<size_t>(level));
  if (!d.sd.groups) return built_group_span(m, d, cpu, level);
  return d.sd.groups->empty() ? CpuMask{} : d.sd.groups->front().span;  // a dump may list none
}

int group_balance_cpu(const SchedGroup& g) { return g.effective_balance_mask().first(); }

CpuMask cpu_smt_mask(const MachineState& m, int cpu) {
  for (const RqDomain& d : m.rq(cpu).sd)
    if (d.flags().has(SdFlag::ShareCpucapacity)) return d.span();
  return CpuMask::single(cpu);
}

bool is_core_idle(const MachineState& m, int cpu) {
  for (int sibling : cpu_smt_mask(m, cpu).cpus()) {
    if (sibling == cpu) continue;
    if (!idle_cpu(m.rq(sibling))) return false;
  }
  return true;
}

int group_cores(const MachineState& m, const SchedGroup& g) {
  CpuMask left = g.span;
  int cores = 0;
  while (!left.empty()) {
    const int cpu = left.first();
    ++cores;
    left = left.andnot(cpu_smt_mask(m, cpu) | CpuMask::single(cpu));
  }
  return cores;
}

}  // namespace sbm
