// build_overlap_sched_groups(), kernel/sched/topology.c: the groups of a NUMA domain are the
// child domains of the sibling CPUs' domains at the same level; they may overlap, so each
// group carries a balance mask (the CPUs that actually reach it). Era switches
// (build_options.h): the walk start and list head (0372dd2736e0), the balance mask rule
// (73bb059f9b8a) and find_descended_sibling() (585b6d2723dc).
#include "model/topology/build_state.h"

namespace sbm::build {

namespace {

// find_descended_sibling(), v5.13+: go down CPU i's chain until the child fits in `span`,
// then past children that span as much as their parent (they degenerate later).
int find_descended_sibling(const State& st, int i, int tl, const CpuMask& span) {
  while (tl > 0 && !st.sd(i, tl - 1)->span.subset_of(span)) --tl;
  while (tl > 0 && st.sd(i, tl - 1)->span == st.sd(i, tl)->span) --tl;
  return tl;
}

// build_balance_mask(), v4.13+: the CPUs of the group whose own domain at that level has the
// group as its child domain. CPUs whose chain stopped below the level have a zeroed
// sched_domain there (no child) and are left out.
const CpuMask& balance_mask(State& st, int tl, const CpuMask& sg_span) {
  auto [it, fresh] = st.balance_masks.try_emplace({tl, sg_span});
  if (fresh)
    for (int j = sg_span.first(); j >= 0; j = sg_span.next(j))
      if (tl > 0 && st.sd(j, tl) != nullptr && st.sd(j, tl - 1)->span == sg_span) it->second.set(j);
  return it->second;
}

// build_group_mask(), before v4.13: every CPU of the building domain that has a domain at
// this level, stored once per sched_group_capacity (level, CPU i) by its first user.
// group_balance_cpu() then took the first CPU of group span AND mask, so the group sees
// their intersection.
const CpuMask& legacy_group_mask(State& st, const Domain& sd, int i) {
  auto [it, fresh] = st.legacy_group_masks.try_emplace({sd.tl, i});
  if (fresh)
    for (int j = sd.span.first(); j >= 0; j = sd.span.next(j))
      if (st.sd(j, sd.tl) != nullptr) it->second.set(j);
  return it->second;
}

}  // namespace

void build_overlap_sched_groups(State& st, int cpu, Domain& sd) {
  const int start = st.opts.groups_walk_from_own_cpu ? cpu : sd.span.first();
  CpuMask covered;
  for_each_cpu_wrap(sd.span, start, [&](int i) {
    if (covered.test(i)) return;
    // Asymmetric distance tables give chains of unequal depth: skip CPUs without a domain
    // at this level (the kernel tests the zeroed span for i).
    if (st.sd(i, sd.tl) == nullptr) return;
    int tl = sd.tl;
    if (st.opts.find_descended_sibling && tl > 0 && !st.sd(i, tl - 1)->span.subset_of(sd.span))
      tl = find_descended_sibling(st, i, tl, sd.span);
    // build_group_from_child_sched_domain(): the sibling's child span (the sibling's own span
    // when it has no child, which a MachineSpec cannot produce: PKG is always below NUMA).
    const Domain* sibling = st.sd(i, tl);
    const Domain* child = tl > 0 ? st.sd(i, tl - 1) : nullptr;
    SchedGroup sg;
    sg.span = child ? child->span : sibling->span;
    if (st.opts.group_flags != GroupFlags::Absent) sg.flags = child ? child->flags : SdFlags{};
    sg.balance_mask = st.opts.balance_mask_from_child_span ? balance_mask(st, tl, sg.span)
                                                           : legacy_group_mask(st, sd, i) & sg.span;
    // update_group_capacity() sums the CPU capacities of an overlapping group's span.
    sg.capacity = st.capacity_of(sg.span);
    covered |= sg.span;
    sd.groups.push_back(std::move(sg));
    sd.group_slots.push_back(-1);
  });
  if (!st.opts.groups_walk_from_own_cpu) rotate_to_cpu_group(sd, cpu);
}

}  // namespace sbm::build
