// The kernel releases at which the dump formats changed, used by the writers to print
// what a given era printed and by the readers where an era hint resolves an ambiguity.
// "verified" = both sides read in kernel sources (see spec/topology-formats.md for the
// trees); "inferred" = the change lies between two verified releases and the release
// named is the one the change most likely entered.
#pragma once

#include "model/kernel_version.h"

namespace sbm {

// --- sched_domain_debug() / sched_domain_debug_one(): kernel/sched.c (2.6), core.c (3.x),
// topology.c (v4.12+) ---

// "CPU%d:\n" instead of "CPU%d: %s\n" with " online"/"offline" (v2.6.7/v2.6.8 print the
// latter; Nick Piggin's Sep 2004 hotplug-notifier patch the former). Inferred.
inline constexpr KernelVersion kDmesgBareCpuHeader{2, 6, 10};
// "CPU%d attaching sched-domain:" printed from cpu_attach_domain(). Verified v2.6.11.
inline constexpr KernelVersion kDmesgAttachHeader{2, 6, 11};
// Spans and groups as cpulists (cpulist_scnprintf) instead of hex words
// (cpumask_scnprintf). Verified: v2.6.24 hex, v2.6.26 cpulist.
inline constexpr KernelVersion kDmesgCpulist{2, 6, 26};
// " level %s" after the span. Verified: absent in v2.6.26, present in v2.6.27.
inline constexpr KernelVersion kDmesgLevelName{2, 6, 27};
// " (cpu_power = %d)" after groups whose power is not SCHED_LOAD_SCALE. Absent in
// v2.6.28, present in v2.6.32; v2.6.31 made sched_group->cpu_power dynamic. Inferred.
inline constexpr KernelVersion kDmesgGroupPower{2, 6, 31};
// " (cpu_capacity = %lu)" (sched_group_power became sched_group_capacity). Verified
// v3.18; the rename is v3.16.
inline constexpr KernelVersion kDmesgGroupCapacity{3, 16, 0};
// "domain-%d: span=%*pbl level=%s", "groups: %d:{ span=%*pbl[ mask=..][ cap=..] }" and
// "CPU%d attaching sched-domain(s):". Verified: v3.18 old layout, v4.14 new layout; v4.13
// carried the 2017 topology rework that introduced sched_group_capacity::id.
inline constexpr KernelVersion kDmesgNewLayout{4, 13, 0};
// build_sched_domains()' "root domain span: %*pbl (max cpu_capacity = %lu)". Verified
// v4.19.
inline constexpr KernelVersion kDmesgRootDomainSpan{4, 19, 0};
// SD_LOAD_BALANCE removed (36c5bdc43870, v5.8): no more "does not load-balance".
inline constexpr KernelVersion kLoadBalanceFlagGone{5, 8, 0};

// --- sysctl kernel.sched_domain (sd_alloc_ctl_domain_table()) ---

// The "name" entry. Verified: absent in v2.6.27, present in v2.6.28.
inline constexpr KernelVersion kSysctlNameEntry{2, 6, 28};
// "flags" printed as names by sd_ctl_doflags() ("sched/debug: Output SD flag names rather
// than their values", v5.10); until v5.9 a decimal number.
inline constexpr KernelVersion kSysctlFlagNames{5, 10, 0};
// The newest era whose sysctl printed numeric flags: the default decoding era.
inline constexpr KernelVersion kSysctlLastNumericFlags{5, 9, 0};
// A listing with busy_idx, idle_idx, newidle_idx, wake_idx or forkexec_idx comes from a
// kernel that still had the per-domain load indexes (removed before SD_LOAD_BALANCE in
// v5.8): its numbers are decoded with the v4.19 layout, the newest verified to print them.
inline constexpr KernelVersion kSysctlLoadIdxEra{4, 19, 0};

// --- debugfs /sys/kernel/debug/sched/domains (register_sd(), kernel/sched/debug.c) ---

// The "level" file (sd->level). v6.10.
inline constexpr KernelVersion kDebugfsLevelFile{6, 10, 0};

// --- /proc/schedstat (show_schedstat(), kernel/sched/stats.c) ---

// Version 16: idle types reordered (busy, idle, newidle). v6.10.
inline constexpr KernelVersion kSchedstatV16{6, 10, 0};
// Version 17: domain name printed, lb_imbalance split in four. v6.14.
inline constexpr KernelVersion kSchedstatV17{6, 14, 0};

}  // namespace sbm
