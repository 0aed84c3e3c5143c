// build_sched_groups() and get_group(), kernel/sched/topology.c (read at v6.17 and v4.19):
// the groups of a non-overlapping domain are its CPUs' child domains, one group per child
// span, keyed by the first CPU of that span and shared by every CPU that meets it.
#include <algorithm>

#include "model/topology/build_state.h"

namespace sbm::build {

unsigned long State::capacity_of(const CpuMask& span) const {
  unsigned long sum = 0;
  for (int cpu = span.first(); cpu >= 0; cpu = span.next(cpu))
    sum += capacity[static_cast<size_t>(cpu)];
  return sum;
}

namespace {

// get_group(): the group CPU i sees at level tl, built on first use.
const std::pair<const std::pair<int, int>, SchedGroup>& get_group(State& st, int i, int tl) {
  const Domain* child = tl > 0 ? st.sd(i, tl - 1) : nullptr;
  const int slot = child ? child->span.first() : i;
  auto [it, fresh] = st.shared_groups.try_emplace({tl, slot});
  if (fresh) {
    SchedGroup& sg = it->second;
    sg.span = child ? child->span : CpuMask::single(i);
    sg.balance_mask = sg.span;
    // init_sched_groups_capacity() -> update_group_capacity(): the sum of the CPU
    // capacities, so every CPU's copy of the group agrees (TOPO-sgc).
    sg.capacity = st.capacity_of(sg.span);
    if (st.opts.group_flags != GroupFlags::Absent) sg.flags = child ? child->flags : SdFlags{};
  }
  return *it;
}

}  // namespace

void rotate_to_cpu_group(Domain& sd, int cpu) {
  size_t head = sd.groups.size();
  for (size_t k = 0; k < sd.groups.size(); ++k) {
    const SchedGroup& sg = sd.groups[k];
    if ((head == sd.groups.size() && sg.span.test(cpu)) ||
        sg.effective_balance_mask().first() == cpu)
      head = k;
  }
  if (head == sd.groups.size()) return;  // no group holds the CPU: leave the build order
  const auto shift = static_cast<std::ptrdiff_t>(head);
  std::rotate(sd.groups.begin(), sd.groups.begin() + shift, sd.groups.end());
  std::rotate(sd.group_slots.begin(), sd.group_slots.begin() + shift, sd.group_slots.end());
}

void build_sched_groups(State& st, int cpu, Domain& sd) {
  const int start = st.opts.groups_walk_from_own_cpu ? cpu : sd.span.first();
  CpuMask covered;
  for_each_cpu_wrap(sd.span, start, [&](int i) {
    if (covered.test(i)) return;
    const auto& [key, sg] = get_group(st, i, sd.tl);
    covered |= sg.span;
    sd.groups.push_back(sg);
    sd.group_slots.push_back(key.second);
  });
  if (!st.opts.groups_walk_from_own_cpu) rotate_to_cpu_group(sd, cpu);
}

void build_all_groups(State& st) {
  for (int cpu : st.cpu_map.cpus())
    for (Domain& sd : st.chains[static_cast<size_t>(cpu)]) {
      // SD_OVERLAP (v3.x - v6.16) and SD_NUMA (v6.17) both mark exactly the NUMA levels; the
      // level kind decides here so that eras whose flag layout lacks both still work.
      const TopologyLevel& tl = st.topo.levels[static_cast<size_t>(sd.tl)];
      if (tl.kind == LevelKind::Numa)
        build_overlap_sched_groups(st, cpu, sd);
      else if (tl.kind == LevelKind::AllNodes || tl.nodes_per_domain > 0)
        build_node_sched_groups(st, cpu, sd);
      else
        build_sched_groups(st, cpu, sd);
    }
}

}  // namespace sbm::build
