// LOCK-*: rq lock acquisitions as the balance emits them (RqLockEvent, model/balance/rq_lock.h);
// spec/invariants.md, section 5 states them.
//
//   LOCK-1  a CPU that holds an rq lock and waits for another (a blocking acquire; a
//           trylock never waits) takes it in the profile's order: rq address until 5.13,
//           rq_order_less() from 5.14. Across CPUs, the "held -> waited for" edges must not
//           form a cycle: such a cycle is an AB-BA deadlock (spec/bugs.md #21, #22).
//   LOCK-2  lock discipline: a CPU never takes a lock it holds (self-deadlock), never
//           releases a lock it does not hold, no lock has two holders, and every lock taken
//           is released by the end of the sequence.
#pragma once

#include <vector>

#include "model/balance/rq_lock.h"
#include "model/balance_event.h"
#include "model/profile.h"
#include "properties/violation.h"

namespace sbm {

std::vector<Violation> check_lock1_order(LockOrder order, const RqLockLayout& layout,
                                         const std::vector<BalanceEvent>& events);
std::vector<Violation> check_lock2_discipline(const RqLockLayout& layout,
                                              const std::vector<BalanceEvent>& events);

}  // namespace sbm
