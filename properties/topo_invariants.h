// The TOPO invariants: what a sched-domain hierarchy must satisfy for the load balancer
// to work, checked on a Topology from the builder or from a dump (spec/invariants.md,
// section TOPO).
//
// Most checks are the ones sched_domain_debug_one() (kernel/sched/topology.c) runs on
// every CPU's chain when sched_verbose is on; the cross-CPU ones restate what
// topology_span_sane(), build_sched_groups() and build_balance_mask() rely on. A dump
// carries only part of the structure (debugfs has no spans, schedstat no groups, a
// mail may show only CPU0), so every check reports "not checkable" with a reason rather
// than "holds" when the input cannot support it.
#pragma once

#include <string>
#include <vector>

#include "model/topology.h"
#include "properties/violation.h"

namespace sbm {

// Every TOPO invariant, in spec order.
const std::vector<InvariantInfo>& topo_invariants();

// The verdict for one CPU's domain-N: Violated if any TOPO check failed there, Holds if
// at least one check ran there and none failed, NotCheckable if the input carries too
// little about that domain for any check.
struct DomainVerdict {
  int cpu = -1;
  int level = -1;    // index in that CPU's chain (domain-N)
  std::string name;  // sd->name, empty when the input has none
  int line = 0;      // input line of the domain
  CheckOutcome outcome = CheckOutcome::NotCheckable;
};

struct TopoCheckReport {
  // Every violation, ordered by CPU, then domain level (-1, "no domain", first), then
  // group (domain-wide findings first), then spec order of the ID.
  std::vector<Violation> violations;
  // One per TOPO ID in spec order. `instances` counts the (CPU, domain, group) places
  // the check looked at; `reason` says what the input lacks when some or all places
  // could not be checked.
  std::vector<CheckSummary> checks;
  // One per CPU and domain in the input, in CPU then level order.
  std::vector<DomainVerdict> domains;
  // What a verdict assumed because the input did not say it (e.g. the kernel's era).
  std::vector<std::string> notes;

  bool ok() const { return violations.empty(); }
};

// Runs every TOPO check. Deterministic; never throws on malformed structures (they are
// what it reports).
TopoCheckReport check_topology(const Topology& topo);

}  // namespace sbm
