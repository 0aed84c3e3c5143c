// The switches by which build_sched_domains() differs between kernel eras, one per kernel
// change that alters the hierarchy. build_options_for() derives them from the era; a test or
// a mutant registry may flip any of them to build "this era with that change undone".
#pragma once

#include "model/kernel_version.h"

namespace sbm {

// What sched_group::flags holds and how cpu_attach_domain() keeps it in step.
enum class GroupFlags {
  Absent,         // before v5.16: no sched_group::flags
  FromChild,      // v5.16 (eb54b9e56ceb): child->flags at build time, never updated
  PropagateSmt,   // v6.5 (bf2dc42d6beb): splicing a degenerate parent ORs SD_SHARE_CPUCAPACITY
                  //   into the grandparent's first group
  AlignOnSplice,  // v6.6 (4efcc8bc7e08): splicing sets the grandparent's first group to the
                  //   remaining child's flags
};

// How a new sched_domain gets its flags and tunables (model/topology/sd_init.cpp).
enum class SdInitRule {
  InitMacros,  // before v3.16: SD_SIBLING_INIT / SD_MC_INIT / SD_CPU_INIT, SD_NODE_INIT, ...
  SdInit316,   // v3.16 (143e1e28cb40) - v5.9: sd_init(), busy_factor 32, imbalance_pct 125
  SdInit510,   // v5.10+: sd_init() with busy_factor 16, imbalance_pct 117, SD_PREFER_SIBLING in
               //   the base flags
};

// The names of the package levels of default_topology[].
enum class LevelNames {
  SiblingMcCpu,  // before v3.16: SIBLING, MC, CPU (the sd_init_SIBLING/MC/CPU table)
  SmtMcDie,      // v3.16 (143e1e28cb40): SMT, MC, DIE
  SmtMcPkg,      // v6.7 (f577cd57bfaa): DIE renamed PKG
};

struct BuildOptions {
  // Before v3.5 (cb83b629bae0 brought sched_init_numa()): the 2.6.x NUMA levels of
  // kernel/sched.c (read at v2.6.20 and v2.6.32). NODE spans the CPU's node and its nearest
  // nodes, SD_NODES_PER_DOMAIN (16) in all (sched_domain_node_span(), find_next_best_node()),
  // with one group per node; ALLNODES spans the cpu_map, built for a CPU when the cpu_map has
  // more than 16 times the CPUs of that CPU's node; no level stops the chain early. Off: the
  // NODE/NUMA levels of sched_init_numa().
  bool sched_domain_node_span = false;
  // Before v3.5 (8e7fbcbc22c1 removed the power-savings knobs): SD_MC_INIT ORs in
  // sd_balance_for_mc_power(), which is SD_PREFER_SIBLING at the default
  // sched_mc_power_savings = sched_smt_power_savings = 0 (include/linux/sched.h v2.6.32);
  // the flag exists from the v2.6.32 layout, so earlier eras drop it again.
  bool mc_prefer_sibling = false;
  // SD_NODE_INIT (x86) and SD_ALLNODES_INIT carry SD_BALANCE_NEWIDLE, and SD_NODE_INIT
  // SD_WAKE_AFFINE: so at v2.6.32 (arch/x86/include/asm/topology.h, include/linux/topology.h);
  // v2.6.20 (include/asm-x86_64/topology.h) has neither. The commit between is not pinned.
  bool node_init_newidle = true;
  // v5.16, 778c558f49a2: a CLS level between SMT and MC (CONFIG_SCHED_CLUSTER).
  bool cluster_level = true;
  // v4.14, 051f3ca02e46: sched_init_numa() adds the NUMA identity level NODE before the NUMA
  // levels; before, the first NUMA level is the nearest remote distance.
  bool numa_node_level = true;
  // v5.12, 620a6dc40754: the unique distances come from the whole node_distance() table;
  // before, from node 0's row only ("Assumes node_distance(0,j) includes all distances").
  bool numa_distances_whole_table = true;
  // v4.13, 0372dd2736e0 (spec/bugs.md #2): groups are built walking the span from the domain's own
  // CPU (for_each_cpu_wrap); before, from the span's first CPU, with sd->groups then pointing
  // at the CPU's group (overlap domains: the first group holding the CPU, or a later group
  // whose balance CPU is the CPU).
  bool groups_walk_from_own_cpu = true;
  // v4.13, 73bb059f9b8a (spec/bugs.md #6): an overlap group's balance mask holds the CPUs whose
  // child domain equals the group; before, every CPU of the first building domain that has a
  // domain at this level (build_group_mask()).
  bool balance_mask_from_child_span = true;
  // v5.13, 585b6d2723dc (spec/bugs.md #8): find_descended_sibling() keeps overlap groups inside
  // the domain when the NUMA diameter is above 2.
  bool find_descended_sibling = true;
  // v5.14, c744dc4ab58d: SD_ASYM_CPUCAPACITY(_FULL) set per domain from the CPU capacities
  // (asym_cpu_capacity_classify()); earlier capacity detection is not modelled.
  bool asym_capacity_flags = true;
  GroupFlags group_flags = GroupFlags::AlignOnSplice;
  SdInitRule sd_init_rule = SdInitRule::SdInit510;
  // Until v5.8 (36c5bdc43870 removed the flag): sd_init() sets SD_LOAD_BALANCE.
  bool sd_load_balance_flag = false;
  LevelNames level_names = LevelNames::SmtMcPkg;
  // v6.7, b95303e0aeaf: cpu_cluster_flags() adds SD_CLUSTER to the CLS level.
  bool cluster_flag = true;
  // v5.10: sd_degenerate() / sd_parent_degenerate() take the flags that need groups from the
  // SDF_NEEDS_GROUPS metaflag of include/linux/sched/sd_flags.h (SD_DEGENERATE_GROUPS_MASK);
  // before, from explicit lists (v4.19).
  bool degenerate_needs_groups_meta = true;

  bool operator==(const BuildOptions&) const = default;
};

BuildOptions build_options_for(KernelVersion era);

}  // namespace sbm
