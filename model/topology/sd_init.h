// sd_init(): the flags and tunables a new sched_domain starts with, per era.
//
//   v5.10+        sd_init(), kernel/sched/topology.c (read at v6.17): busy_factor 16,
//                 imbalance_pct 117, SD_PREFER_SIBLING in the base flags, cleared on NUMA.
//   v3.16 - v5.9  sd_init() (read at v4.19): busy_factor 32, imbalance_pct 125,
//                 SD_LOAD_BALANCE until v5.8, SD_PREFER_SIBLING added per level.
//   before v3.16  the SD_SIBLING_INIT / SD_MC_INIT / SD_CPU_INIT macros of
//                 include/linux/topology.h (read in a v3.11 - v3.15 tree; spec/kernel-facts.md §6
//                 gives the same SD_CPU_INIT numbers for 2.6.x), and for NUMA levels
//                 sd_numa_init() as introduced in v3.5 (cb83b629bae0). Before v3.5 the NODE
//                 level takes x86's SD_NODE_INIT (include/asm-x86_64/topology.h v2.6.20,
//                 arch/x86/include/asm/topology.h v2.6.32) and ALLNODES SD_ALLNODES_INIT
//                 (include/linux/topology.h); SD_MC_INIT ORs in sd_balance_for_mc_power().
//                 What differs between those eras is in BuildOptions.
// min_interval = sd_weight, max_interval = 2 * sd_weight and balance_interval = sd_weight
// (ms) hold from v3.16 on; the macros used fixed numbers. Flags are restricted to those the
// era has (sd_flag_layout()).
#pragma once

#include "model/kernel_version.h"
#include "model/sd_flags.h"
#include "model/topology.h"
#include "model/topology/build_options.h"
#include "model/topology/sched_domain_topology.h"

namespace sbm {

// node_reclaim_distance (RECLAIM_DISTANCE): NUMA levels further than this lose
// SD_BALANCE_EXEC, SD_BALANCE_FORK and SD_WAKE_AFFINE.
inline constexpr int kReclaimDistance = 30;

struct SdInit {
  SdFlags flags;
  SdTunables tunables;        // every field set
  unsigned balance_interval;  // ms
};

SdInit sd_init(const TopologyLevel& tl, int sd_weight, KernelVersion era, const BuildOptions& opts);
// The same with build_options_for(era).
SdInit sd_init(const TopologyLevel& tl, int sd_weight, KernelVersion era);

// The flags of `flags` that exist in `era`.
SdFlags sd_flags_in_era(SdFlags flags, KernelVersion era);

}  // namespace sbm
