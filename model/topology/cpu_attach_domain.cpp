// cpu_attach_domain(), sd_degenerate() and sd_parent_degenerate(), kernel/sched/topology.c
// (read at v6.17; the pre-v5.10 flag lists at v4.19): trim the domains that do not contribute
// to balancing, then hand the chains out as a Topology.
#include "model/topology/build_state.h"

namespace sbm::build {

namespace {

// Flags that need at least two groups to mean anything. v5.10+: the SDF_NEEDS_GROUPS
// metaflag; before, the explicit list of sd_degenerate() (v4.19), which
// sd_parent_degenerate() extends with SD_PREFER_SIBLING, and SD_SERIALIZE on one node.
SdFlags needs_groups(const BuildOptions& opts, bool for_parent, int nr_nodes) {
  SdFlags mask;
  if (opts.degenerate_needs_groups_meta) {
    for (int f = 0; f < kSdFlagCount; ++f)
      if (sd_flag_meta(static_cast<SdFlag>(f)) & kSdfNeedsGroups) mask.set(static_cast<SdFlag>(f));
    return mask;
  }
  mask = {SdFlag::LoadBalance, SdFlag::BalanceNewidle,   SdFlag::BalanceFork,
          SdFlag::BalanceExec, SdFlag::ShareCpucapacity, SdFlag::AsymCpucapacity,
          SdFlag::ShareLlc,    SdFlag::SharePowerdomain};
  if (for_parent) {
    mask.set(SdFlag::PreferSibling);
    if (nr_nodes == 1) mask.set(SdFlag::Serialize);
  }
  return mask;
}

bool intersects(SdFlags a, SdFlags b) { return (a.raw() & b.raw()) != 0; }

bool sd_degenerate(const State& st, const Domain& sd) {
  if (sd.span.weight() == 1) return true;
  if (intersects(sd.flags, needs_groups(st.opts, false, st.spec.nodes)) && sd.groups.size() >= 2)
    return false;
  return !sd.flags.has(SdFlag::WakeAffine);  // the flag that works without groups
}

bool sd_parent_degenerate(const State& st, const Domain& sd, const Domain& parent) {
  if (sd_degenerate(st, parent)) return true;
  if (!(sd.span == parent.span)) return false;
  uint32_t pflags = parent.flags.raw();
  if (parent.groups.size() == 1) pflags &= ~needs_groups(st.opts, true, st.spec.nodes).raw();
  return (pflags & ~sd.flags.raw()) == 0;
}

// Writes the flags of group `k` of `sd`: shared groups are one object for every CPU.
void set_group_flags(Domain& sd, size_t k, SdFlags flags,
                     std::map<std::pair<int, int>, SdFlags>& shared) {
  sd.groups[k].flags = flags;
  if (sd.group_slots[k] >= 0) shared[{sd.tl, sd.group_slots[k]}] = flags;
}

SdFlags current_group_flags(const Domain& sd, size_t k,
                            const std::map<std::pair<int, int>, SdFlags>& shared) {
  const auto it = shared.find({sd.tl, sd.group_slots[k]});
  return sd.group_slots[k] >= 0 && it != shared.end() ? it->second
                                                      : sd.groups[k].flags.value_or(SdFlags{});
}

void cpu_attach_domain(State& st, std::vector<Domain>& chain,
                       std::map<std::pair<int, int>, SdFlags>& shared) {
  // Splice out degenerate parents; the loop stays on `tmp` until its parent is kept.
  for (size_t tmp = 0; tmp + 1 < chain.size();) {
    if (!sd_parent_degenerate(st, chain[tmp], chain[tmp + 1])) {
      ++tmp;
      continue;
    }
    if (tmp + 2 < chain.size()) {
      Domain& grandparent = chain[tmp + 2];
      if (st.opts.group_flags == GroupFlags::AlignOnSplice) {
        set_group_flags(grandparent, 0, chain[tmp].flags, shared);
      } else if (st.opts.group_flags == GroupFlags::PropagateSmt &&
                 chain[tmp].flags.has(SdFlag::ShareCpucapacity)) {
        SdFlags f = current_group_flags(grandparent, 0, shared);
        f.set(SdFlag::ShareCpucapacity);
        set_group_flags(grandparent, 0, f, shared);
      }
    }
    // The spans match, so SD_PREFER_SIBLING carries over to the child.
    if (chain[tmp + 1].flags.has(SdFlag::PreferSibling))
      chain[tmp].flags.set(SdFlag::PreferSibling);
    chain.erase(chain.begin() + static_cast<std::ptrdiff_t>(tmp + 1));
  }
  // Then drop a degenerate base; the new base has no child, so its first group (which held
  // the old base's flags) is cleared.
  if (!chain.empty() && sd_degenerate(st, chain.front())) {
    chain.erase(chain.begin());
    if (!chain.empty() && st.opts.group_flags != GroupFlags::Absent)
      set_group_flags(chain.front(), 0, SdFlags{}, shared);
  }
}

SchedDomain to_sched_domain(const State& st, Domain&& d, unsigned long jiffies,
                            const std::map<std::pair<int, int>, SdFlags>& shared) {
  SchedDomain sd;
  sd.name = st.topo.levels[static_cast<size_t>(d.tl)].name;
  sd.flags = d.flags;
  sd.tunables = d.tunables;
  sd.balance_interval = d.balance_interval;
  sd.last_balance = jiffies;
  sd.topology_level = d.tl;
  for (size_t k = 0; k < d.groups.size(); ++k) {
    const auto it = shared.find({d.tl, d.group_slots[k]});
    if (d.group_slots[k] >= 0 && it != shared.end()) d.groups[k].flags = it->second;
  }
  sd.span = std::move(d.span);
  sd.groups = std::move(d.groups);
  return sd;
}

}  // namespace

Topology attach_domains(State& st, unsigned long jiffies) {
  std::map<std::pair<int, int>, SdFlags> shared;  // last write to each shared group
  const std::vector<int> cpus = st.cpu_map.cpus();
  for (int cpu : cpus) cpu_attach_domain(st, st.chains[static_cast<size_t>(cpu)], shared);

  Topology t;
  t.era = st.era;
  t.nr_cpu_ids = st.spec.nr_cpus();
  t.root_span = st.cpu_map;
  t.node_distance = distance_table(st.spec);
  t.cpu_node = cpu_to_node(st.spec);
  t.source = {"built", st.spec.text.empty() ? format_machine_spec(st.spec) : st.spec.text};
  for (int cpu : cpus) {
    CpuDomains& out = t.cpus[cpu];
    for (Domain& d : st.chains[static_cast<size_t>(cpu)])
      out.domains.push_back(to_sched_domain(st, std::move(d), jiffies, shared));
  }
  return t;
}

}  // namespace sbm::build
