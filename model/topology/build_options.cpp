#include "model/topology/build_options.h"

namespace sbm {

BuildOptions build_options_for(KernelVersion era) {
  BuildOptions o;
  o.sched_domain_node_span = era < KernelVersion{3, 5, 0};
  o.mc_prefer_sibling = era < KernelVersion{3, 5, 0};
  o.node_init_newidle = era >= KernelVersion{2, 6, 32};
  o.cluster_level = era >= KernelVersion{5, 16, 0};
  o.numa_node_level = era >= KernelVersion{4, 14, 0};
  o.numa_distances_whole_table = era >= KernelVersion{5, 12, 0};
  o.groups_walk_from_own_cpu = era >= KernelVersion{4, 13, 0};
  o.balance_mask_from_child_span = era >= KernelVersion{4, 13, 0};
  o.find_descended_sibling = era >= KernelVersion{5, 13, 0};
  o.asym_capacity_flags = era >= KernelVersion{5, 14, 0};
  o.group_flags = era >= KernelVersion{6, 6, 0}    ? GroupFlags::AlignOnSplice
                  : era >= KernelVersion{6, 5, 0}  ? GroupFlags::PropagateSmt
                  : era >= KernelVersion{5, 16, 0} ? GroupFlags::FromChild
                                                   : GroupFlags::Absent;
  o.sd_init_rule = era >= KernelVersion{5, 10, 0}   ? SdInitRule::SdInit510
                   : era >= KernelVersion{3, 16, 0} ? SdInitRule::SdInit316
                                                    : SdInitRule::InitMacros;
  o.sd_load_balance_flag = era < KernelVersion{5, 8, 0};
  o.level_names = era >= KernelVersion{6, 7, 0}    ? LevelNames::SmtMcPkg
                  : era >= KernelVersion{3, 16, 0} ? LevelNames::SmtMcDie
                                                   : LevelNames::SiblingMcCpu;
  o.cluster_flag = era >= KernelVersion{6, 7, 0};
  o.degenerate_needs_groups_meta = era >= KernelVersion{5, 10, 0};
  return o;
}

}  // namespace sbm
