// INT-1: every interval the pass uses lies in [1, cap] (the cap of the era: none in
// v2.6.20, HZ*NR_CPUS/10 in 2.6.21-2.6.3x, max_load_balance_interval later).
// BI-1: sd->balance_interval stays in [min(min_interval, its attach value), the back-off
// ceiling] (SD_NODE_INIT attaches 1 below min_interval 8 in 2.6.2x), and changes
// only by reset to min_interval or by the back-off rule, never by doubling on NEWLY_IDLE
// where the era forbids it (spec/invariants.md, section 4 (INT, BI)).
#pragma once

#include <vector>

#include "model/balance_event.h"
#include "model/rq.h"
#include "properties/violation.h"

namespace sbm {

// INT-1, INT-2, BI-1.
const std::vector<InvariantInfo>& interval_invariants();

// INT-1 over DomainVisit and BalanceResult events; `cap` is balance_interval_cap() at the
// time of the events (ignored for eras without a cap). Events are numbered from 1.
std::vector<Violation> check_int1(const Profile& p, uint64_t cap,
                                  const std::vector<BalanceEvent>& events);

// INT-2 over DomainVisit events that say what they were computed from: the interval is the
// era's get_sd_balance_interval() of that sd->balance_interval, the domain's busy_factor (from
// the machine) and the busy state, clamped to `cap`. The kernel's rule: a mutant of the
// model's own interval code does not change what this check expects.
std::vector<Violation> check_int2(const MachineState& m, uint64_t cap,
                                  const std::vector<BalanceEvent>& events);

// BI-1 over a state: every domain's balance_interval in [min(min_interval, attach), ceiling].
std::vector<Violation> check_bi1(const MachineState& m);

// BI-1 over BalanceResult events (balance_interval before and after each call), with
// min/max_interval taken from the machine's domains.
std::vector<Violation> check_bi1(const MachineState& m, const std::vector<BalanceEvent>& events);

}  // namespace sbm
