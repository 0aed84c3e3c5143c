// What a kernel of a given era prints in each sched-domain dump format, as switches: the
// writers print by them and the readers take an era hint through them. dump_style() is the
// one place that compares a version with the format boundaries of eras.h.
#pragma once

#include "model/kernel_version.h"

namespace sbm {

struct DumpStyle {
  // sched_domain_debug() (dmesg).
  bool dmesg_online_header = false;  // "CPU%d:  online" / ": offline" (before kDmesgBareCpuHeader)
  bool dmesg_attach_header = true;   // "CPU%d attaching sched-domain:" (kDmesgAttachHeader)
  bool dmesg_cpulist = true;         // cpulists, not hex words (kDmesgCpulist)
  bool dmesg_level_name = true;      // " level %s" in the old layout (kDmesgLevelName)
  bool dmesg_group_power = true;     // a group's power/capacity printed (kDmesgGroupPower)
  bool dmesg_cpu_capacity_name = true;  // "cpu_capacity", not "cpu_power" (kDmesgGroupCapacity)
  bool dmesg_new_layout = true;         // "domain-%d: span=... level=..." (kDmesgNewLayout)
  bool dmesg_root_domain_span = true;   // "root domain span: ..." (kDmesgRootDomainSpan)
  bool dmesg_does_not_load_balance =
      false;  // "does not load-balance" (before kLoadBalanceFlagGone)
  // kernel.sched_domain sysctl.
  bool sysctl_name_entry = true;  // the "name" entry (kSysctlNameEntry)
  bool sysctl_flag_names = true;  // flags as names, not a number (kSysctlFlagNames)
  // debugfs sched/domains.
  bool debugfs_level_file = true;  // the "level" file (kDebugfsLevelFile)
  // /proc/schedstat.
  int schedstat_version = 17;  // 15, 16 (kSchedstatV16), 17 (kSchedstatV17)
};

// The dump style of a kernel of release `era`.
DumpStyle dump_style(KernelVersion era);

}  // namespace sbm
