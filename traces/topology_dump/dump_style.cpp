#include "traces/topology_dump/dump_style.h"

#include "traces/topology_dump/eras.h"

namespace sbm {

DumpStyle dump_style(KernelVersion era) {
  DumpStyle s;
  s.dmesg_online_header = era < kDmesgBareCpuHeader;
  s.dmesg_attach_header = era >= kDmesgAttachHeader;
  s.dmesg_cpulist = era >= kDmesgCpulist;
  s.dmesg_level_name = era >= kDmesgLevelName;
  s.dmesg_group_power = era >= kDmesgGroupPower;
  s.dmesg_cpu_capacity_name = era >= kDmesgGroupCapacity;
  s.dmesg_new_layout = era >= kDmesgNewLayout;
  s.dmesg_root_domain_span = era >= kDmesgRootDomainSpan;
  s.dmesg_does_not_load_balance = era < kLoadBalanceFlagGone;
  s.sysctl_name_entry = era >= kSysctlNameEntry;
  s.sysctl_flag_names = era >= kSysctlFlagNames;
  s.debugfs_level_file = era >= kDebugfsLevelFile;
  s.schedstat_version = era >= kSchedstatV17 ? 17 : era >= kSchedstatV16 ? 16 : 15;
  return s;
}

}  // namespace sbm
