// SER-1: never two CPUs inside an SD_SERIALIZE section at once; the global token
// (`balancing`, later `sched_balance_running`) has at most one holder, and only the
// holder releases it (spec/invariants.md, section 4 (SER)).
#pragma once

#include <vector>

#include "model/balance/sched_balance_domains.h"
#include "model/balance_event.h"
#include "model/rq.h"
#include "properties/violation.h"

namespace sbm {

// SER-1, SER-2.
const std::vector<InvariantInfo>& ser_invariants();

// Over the event stream: an Acquire while another CPU holds the token, or a Release by a
// CPU that does not hold it. Events are numbered from 1 (Violation::line).
std::vector<Violation> check_ser1(const std::vector<BalanceEvent>& events);

// SER-1 over the balances: a balance of an SD_SERIALIZE domain (the machine's rq(cpu).sd[level])
// by a caller the profile serializes (serialize_caller(): periodic callers always, newly idle
// ones since 522fb20fbdbe, v6.19) that got past should_we_balance() and the token
// (BalanceResult with continue_balancing and no serialize_busy) returns while the token is
// held for a different balance: two CPUs were inside at once. The holder's own balance
// returns inside its section (<= 6.18) or right after its release (6.19); both are its own.
std::vector<Violation> check_ser1_balances(const MachineState& m,
                                           const std::vector<BalanceEvent>& events);

// SER-2: where the profile takes the token inside sched_balance_rq() (v6.19, 3324b2180c17),
// a CPU tries for it (acquire or busy) only for a domain its pass found due: the latest
// DomainVisit of that rq and level in the window said due. Without such a visit in the
// window (the pass began in an earlier one) nothing is judged. Other eras try before the
// due test (spec/bugs.md #14), so there it always holds.
std::vector<Violation> check_ser2(SerializePlacement placement,
                                  const std::vector<BalanceEvent>& events);

// Over a simulator state: of the passes in flight, at most one is inside a serialized
// section, and it is the one the token names.
std::vector<Violation> check_ser1(const MachineState& m,
                                  const std::vector<const SchedBalanceDomains*>& passes);

}  // namespace sbm
