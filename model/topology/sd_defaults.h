// What a dump leaves out, filled in the way the kernel would have set it, so that a topology
// read from a real machine can be simulated (`sbm trace gen --topology FILE`). A sched_verbose
// dmesg dump prints spans, groups and flags but no tunables; a schedstat dump prints no flags.
// For every domain missing any of them, sd_init() of the era (model/topology/sd_init.h) is run for
// the domain's level and span weight, and only the missing fields are taken from it.
//
// The level comes from sd->name ("SMT"/"SIBLING", "CLS", "MC", "PKG"/"DIE"/"CPU", "NODE",
// "NUMA", "ALLNODES"), else from the flags the dump shows (SD_SHARE_CPUCAPACITY: SMT,
// SD_SHARE_LLC: MC, SD_NUMA: NUMA), else PKG. A NUMA level's distance is unknown in a dump;
// it is taken as REMOTE_DISTANCE (20), which keeps the wakeup/exec/fork flags, as on every
// two-level NUMA machine.
#pragma once

#include <string>
#include <vector>

#include "model/kernel_version.h"
#include "model/topology.h"

namespace sbm {

struct SdDefaultsFilled {
  int domains = 0;                  // (CPU, domain) pairs that got at least one field
  std::vector<std::string> fields;  // missing somewhere: "flags", "tunables", "balance_interval"
};

SdDefaultsFilled fill_sd_init_defaults(Topology& t, KernelVersion era);

}  // namespace sbm
