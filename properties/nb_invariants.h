// NB-1 and NB-2: rq->next_balance is the time_after-minimum of the domains the pass
// reached, and the tick raises SCHED_SOFTIRQ exactly when it is due
// (spec/invariants.md, section 4 (NB)).
//
// Both are checked over the event stream the model emits (balance_event.h), which is
// also what a trace from another implementation is read into; events are numbered from
// 1 and that number is the Violation's `line`.
#pragma once

#include <vector>

#include "model/balance_event.h"
#include "model/profile.h"
#include "properties/violation.h"

namespace sbm {

// NB-1, NB-2.
const std::vector<InvariantInfo>& nb_invariants();

// NB-1, per pass (PassStart .. NextBalanceWrite of one CPU):
//  - every domain the pass visited (DomainVisit) feeds the min-update exactly once, with
//    last_balance + interval as they stand after its balance (BalanceResult, if any);
//    no other domain feeds it;
//  - the local minimum starts at jiffies + 60*HZ and follows time_after;
//  - rq->next_balance is written iff some domain fed it (2.6.24+) or always (v2.6.20),
//    with the minimum; otherwise it keeps the value it had when the pass started.
std::vector<Violation> check_nb1(const Profile& p, const std::vector<BalanceEvent>& events);

// NB-2, per TickEvent: the next event is SoftirqRaise(cpu, SCHED vec) iff
// time_after_eq(jiffies, next_balance), the CPU is attached (2.6.21+), active (5.12+)
// and no NOHZ owner rule defers it.
std::vector<Violation> check_nb2(const Profile& p, const std::vector<BalanceEvent>& events);

}  // namespace sbm
