// build_sched_domains() (kernel/sched/topology.c) for a MachineSpec: the per-CPU chains of
// sched domains with their groups, as the kernel of `era` builds them at boot and leaves them
// after cpu_attach_domain() trimmed the degenerate ones.
//
// The algorithm is the sched_init_numa / build_sched_domains one of v3.x and later; eras
// before v3.5 get the 2.6.x NODE/ALLNODES levels instead of sched_init_numa()'s, and eras
// before v3.16 their SD_*_INIT parameters (sd_init.h); the rest of the old builder is not
// modelled (spec/topology-builder.md says what that leaves out). What changes the structure
// between eras is in BuildOptions (build_options.h).
#pragma once

#include "model/kernel_version.h"
#include "model/topology.h"
#include "model/topology/build_options.h"
#include "model/topology/topology_spec.h"

namespace sbm {

// Every field of the result is set: domains with name, span, flags, groups (span,
// balance_mask, capacity, flags from v5.16), tunables, balance_interval = sd_weight (or the
// macro value), last_balance = jiffies and topology_level (an index into
// sched_domain_topology(spec, era, opts).levels); CPUs of the cpu_map only, a CPU whose
// domains all degenerate has an empty chain. Topology::source is {"built", spec.text, or the
// canonical SPEC when text is empty}.
//
// Throws std::invalid_argument when validate_machine_spec(spec) fails (parse_machine_spec()
// never returns such a spec).
Topology build_sched_domains(const MachineSpec& spec, KernelVersion era, unsigned long jiffies);
Topology build_sched_domains(const MachineSpec& spec, KernelVersion era, unsigned long jiffies,
                             const BuildOptions& opts);

}  // namespace sbm
