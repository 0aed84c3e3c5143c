#include "model/topology/sd_init.h"

namespace sbm {

namespace {

using F = SdFlag;

SdInit make(SdFlags flags, unsigned min, unsigned max, unsigned busy, unsigned pct, unsigned tries,
            unsigned balance_interval) {
  return SdInit{flags, SdTunables{min, max, busy, pct, tries}, balance_interval};
}

void strip_far_numa(const TopologyLevel& tl, SdFlags& flags) {
  if (tl.numa_distance > kReclaimDistance) {
    flags.clear(F::BalanceExec);
    flags.clear(F::BalanceFork);
    flags.clear(F::WakeAffine);
  }
}

// sd_init(), kernel/sched/topology.c, v6.17 (same rules from v5.10).
SdInit sd_init_v5_10(const TopologyLevel& tl, unsigned w) {
  SdInit sd =
      make({F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::WakeAffine, F::PreferSibling}, w,
           2 * w, 16, 117, 0, w);
  for (SdFlag f : tl.sd_flags.list()) sd.flags.set(f);
  if (sd.flags.has(F::ShareCpucapacity)) {
    sd.tunables.imbalance_pct = 110;
  } else if (sd.flags.has(F::ShareLlc)) {
    sd.tunables.imbalance_pct = 117;
    sd.tunables.cache_nice_tries = 1;
  } else if (sd.flags.has(F::Numa)) {
    sd.tunables.cache_nice_tries = 2;
    sd.flags.clear(F::PreferSibling);
    sd.flags.set(F::Serialize);
    strip_far_numa(tl, sd.flags);
  } else {
    sd.tunables.cache_nice_tries = 1;
  }
  return sd;
}

// sd_init(), kernel/sched/topology.c, v4.19 (v3.16 - v5.9; SD_LOAD_BALANCE until v5.8).
SdInit sd_init_v3_16(const TopologyLevel& tl, unsigned w, const BuildOptions& opts) {
  SdInit sd = make({F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::WakeAffine}, w, 2 * w, 32,
                   125, 0, w);
  if (opts.sd_load_balance_flag) sd.flags.set(F::LoadBalance);
  for (SdFlag f : tl.sd_flags.list()) sd.flags.set(f);
  if (sd.flags.has(F::ShareCpucapacity)) {
    sd.flags.set(F::PreferSibling);
    sd.tunables.imbalance_pct = 110;
  } else if (sd.flags.has(F::ShareLlc)) {
    sd.flags.set(F::PreferSibling);
    sd.tunables.imbalance_pct = 117;
    sd.tunables.cache_nice_tries = 1;
  } else if (sd.flags.has(F::Numa)) {
    sd.tunables.cache_nice_tries = 2;
    sd.flags.set(F::Serialize);
    strip_far_numa(tl, sd.flags);
  } else {
    sd.flags.set(F::PreferSibling);
    sd.tunables.cache_nice_tries = 1;
  }
  return sd;
}

// x86 SD_NODE_INIT (x86_64 values: cache_nice_tries 2): include/asm-x86_64/topology.h v2.6.20
// has LOAD_BALANCE, BALANCE_FORK, BALANCE_EXEC, SERIALIZE and WAKE_BALANCE;
// arch/x86/include/asm/topology.h v2.6.32 adds BALANCE_NEWIDLE and WAKE_AFFINE (its layout
// has no WAKE_BALANCE).
SdInit sd_node_init(const BuildOptions& opts) {
  SdFlags flags{F::LoadBalance, F::BalanceExec, F::BalanceFork, F::WakeBalance, F::Serialize};
  if (opts.node_init_newidle) {
    flags.set(F::BalanceNewidle);
    flags.set(F::WakeAffine);
  }
  return make(flags, 8, 32, 32, 125, 2, 1);
}

// SD_ALLNODES_INIT (include/linux/topology.h, v2.6.20 and v2.6.32): max_interval
// 64*num_online_cpus(), where the span is the cpu_map of online CPUs; LOAD_BALANCE and
// SERIALIZE, plus BALANCE_NEWIDLE at v2.6.32.
SdInit sd_allnodes_init(unsigned w, const BuildOptions& opts) {
  SdFlags flags{F::LoadBalance, F::Serialize};
  if (opts.node_init_newidle) flags.set(F::BalanceNewidle);
  return make(flags, 64, 64 * w, 128, 133, 1, 64);
}

// Before v3.16: SD_SIBLING_INIT, SD_MC_INIT, SD_CPU_INIT (include/linux/topology.h, v3.11 -
// v3.15; the same numbers at v2.6.32) for the package levels; NUMA levels below.
SdInit sd_init_macros(const TopologyLevel& tl, unsigned w, const BuildOptions& opts) {
  const SdFlags balance{F::LoadBalance, F::BalanceNewidle, F::BalanceExec, F::BalanceFork,
                        F::WakeAffine};
  SdFlags flags = balance;
  switch (tl.kind) {
    case LevelKind::Smt:
      flags.set(F::ShareCpucapacity);
      flags.set(F::ShareLlc);
      return make(flags, 1, 2, 64, 110, 0, 1);
    case LevelKind::Cls:
    case LevelKind::Mc:
      flags.set(F::ShareLlc);
      // sd_balance_for_mc_power() at sched_mc_power_savings = 0 (include/linux/sched.h).
      if (opts.mc_prefer_sibling) flags.set(F::PreferSibling);
      return make(flags, 1, 4, 64, 125, 1, 1);
    case LevelKind::Node:
      if (tl.nodes_per_domain > 0) return sd_node_init(opts);
      [[fallthrough]];
    case LevelKind::Pkg:
      // SD_CPU_INIT: sd_balance_for_package_power() is SD_PREFER_SIBLING at the defaults
      // (v2.6.32), a literal 1*SD_PREFER_SIBLING after v3.5.
      flags.set(F::PreferSibling);
      return make(flags, 1, 4, 64, 125, 1, 1);
    case LevelKind::AllNodes:
      return sd_allnodes_init(w, opts);
    case LevelKind::Numa:
      break;
  }
  // Before v3.5 there is no sd_numa_init(): a NUMA level read from a dump is a NODE one.
  if (opts.sched_domain_node_span) return sd_node_init(opts);
  // sd_numa_init(), kernel/sched/core.c, v3.5: imbalance_pct = 100 + numa_scale(25, level)
  // with the scale node_distance(0,0) = 10; sd_local_flags() keeps the wakeup/exec/fork
  // flags up to REMOTE_DISTANCE (20).
  flags = {F::LoadBalance, F::BalanceNewidle, F::Serialize, F::Numa};
  if (tl.numa_distance <= 20) {
    flags.set(F::BalanceExec);
    flags.set(F::BalanceFork);
    flags.set(F::WakeAffine);
  }
  return make(flags, w, 2 * w, 32, 100 + 25 * static_cast<unsigned>(tl.numa_distance) / 10, 2, w);
}

}  // namespace

SdFlags sd_flags_in_era(SdFlags flags, KernelVersion era) {
  return decode_sd_flags(encode_sd_flags(flags, era), era);
}

SdInit sd_init(const TopologyLevel& tl, int sd_weight, KernelVersion era) {
  return sd_init(tl, sd_weight, era, build_options_for(era));
}

SdInit sd_init(const TopologyLevel& tl, int sd_weight, KernelVersion era,
               const BuildOptions& opts) {
  const auto w = static_cast<unsigned>(sd_weight);
  SdInit sd = opts.sd_init_rule == SdInitRule::SdInit510   ? sd_init_v5_10(tl, w)
              : opts.sd_init_rule == SdInitRule::SdInit316 ? sd_init_v3_16(tl, w, opts)
                                                           : sd_init_macros(tl, w, opts);
  // build_sched_domain()/build_sched_domains() add SD_OVERLAP on SDTL_OVERLAP (NUMA) levels,
  // v3.x - v6.16; the era filter drops it from v6.17 on.
  if (tl.kind == LevelKind::Numa) sd.flags.set(F::Overlap);
  sd.flags = sd_flags_in_era(sd.flags, era);
  return sd;
}

}  // namespace sbm
