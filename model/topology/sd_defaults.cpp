#include "model/topology/sd_defaults.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include "model/topology/sd_init.h"

namespace sbm {

namespace {

// sd->name per era (model/topology/sched_domain_topology.h) and the 2.6.x ALLNODES level.
constexpr std::array<std::pair<std::string_view, LevelKind>, 10> kLevelNames{{
    {"SMT", LevelKind::Smt},
    {"SIBLING", LevelKind::Smt},
    {"CLS", LevelKind::Cls},
    {"MC", LevelKind::Mc},
    {"PKG", LevelKind::Pkg},
    {"DIE", LevelKind::Pkg},
    {"CPU", LevelKind::Pkg},
    {"NODE", LevelKind::Node},
    {"NUMA", LevelKind::Numa},
    {"ALLNODES", LevelKind::AllNodes},
}};

// The topology level the domain was built from, with the tl->sd_flags() it implies.
TopologyLevel level_of(const SchedDomain& sd, const BuildOptions& opts) {
  TopologyLevel tl;
  tl.name = sd.name;
  const auto named = std::find_if(kLevelNames.begin(), kLevelNames.end(),
                                  [&](const auto& n) { return n.first == sd.name; });
  const SdFlags shown = sd.flags.value_or(SdFlags{});
  if (named != kLevelNames.end()) {
    tl.kind = named->second;
  } else if (shown.has(SdFlag::ShareCpucapacity)) {
    tl.kind = LevelKind::Smt;
  } else if (shown.has(SdFlag::ShareLlc)) {
    tl.kind = LevelKind::Mc;
  } else if (shown.has(SdFlag::Numa)) {
    tl.kind = LevelKind::Numa;
  } else {
    tl.kind = LevelKind::Pkg;
  }
  // cpu_smt_flags(), cpu_core_flags(), cpu_numa_flags() (kernel/sched/topology.c, v6.17).
  switch (tl.kind) {
    case LevelKind::Smt:
      tl.sd_flags = {SdFlag::ShareCpucapacity, SdFlag::ShareLlc};
      break;
    case LevelKind::Cls:
    case LevelKind::Mc:
      tl.sd_flags = {SdFlag::ShareLlc};
      break;
    case LevelKind::Numa:
      tl.sd_flags = {SdFlag::Numa};
      tl.numa_distance = 20;
      break;
    case LevelKind::Node:
      // Before v3.5 the NODE level spans the nearest nodes and takes SD_NODE_INIT.
      if (opts.sched_domain_node_span) tl.nodes_per_domain = kSdNodesPerDomain;
      break;
    case LevelKind::Pkg:
    case LevelKind::AllNodes:
      break;
  }
  return tl;
}

}  // namespace

SdDefaultsFilled fill_sd_init_defaults(Topology& t, KernelVersion era) {
  const BuildOptions opts = build_options_for(era);
  SdDefaultsFilled filled;
  bool flags_missing = false, tunables_missing = false, interval_missing = false;
  for (auto& [cpu, chain] : t.cpus) {
    for (SchedDomain& sd : chain.domains) {
      SdTunables& tn = sd.tunables;
      const bool no_tunables = !tn.min_interval || !tn.max_interval || !tn.busy_factor ||
                               !tn.imbalance_pct || !tn.cache_nice_tries;
      if (!sd.span || (sd.flags && !no_tunables && sd.balance_interval != 0)) continue;
      const SdInit init = sd_init(level_of(sd, opts), sd.span->weight(), era, opts);
      flags_missing |= !sd.flags;
      tunables_missing |= no_tunables;
      interval_missing |= sd.balance_interval == 0;
      if (!sd.flags) sd.flags = init.flags;
      if (!tn.min_interval) tn.min_interval = init.tunables.min_interval;
      if (!tn.max_interval) tn.max_interval = init.tunables.max_interval;
      if (!tn.busy_factor) tn.busy_factor = init.tunables.busy_factor;
      if (!tn.imbalance_pct) tn.imbalance_pct = init.tunables.imbalance_pct;
      if (!tn.cache_nice_tries) tn.cache_nice_tries = init.tunables.cache_nice_tries;
      if (sd.balance_interval == 0) sd.balance_interval = init.balance_interval;
      ++filled.domains;
    }
  }
  if (flags_missing) filled.fields.push_back("flags");
  if (tunables_missing) filled.fields.push_back("tunables");
  if (interval_missing) filled.fields.push_back("balance_interval");
  return filled;
}

}  // namespace sbm
