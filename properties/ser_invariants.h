// SER-1: never two CPUs inside an SD_SERIALIZE section at once; the global token
// (`balancing`, later `sched_balance_running`) has at most one holder, and only the
// holder releases it (spec/invariants.md, section 4 (SER)).
#pragma once

#include <vector>

#include "model/balance_event.h"
#include "model/rq.h"
#include "model/sched_balance_domains.h"
#include "properties/violation.h"

namespace sbm {

// SER-1, SER-2.
const std::vector<InvariantInfo>& ser_invariants();

// Over the event stream: an Acquire while another CPU holds the token, or a Release by a
// CPU that does not hold it. Events are numbered from 1 (Violation::line).
std::vector<Violation> check_ser1(const std::vector<BalanceEvent>& events);

// SER-2: where the profile takes the token inside sched_balance_rq() (v6.19, 3324b2180c17),
// a CPU tries for it (acquire or busy) only for a domain its pass found due: the latest
// DomainVisit of that rq and level in the window said due. Without such a visit in the
// window (the pass began in an earlier one) nothing is judged. Other eras try before the
// due test (bugs.md #14), so there it always holds.
std::vector<Violation> check_ser2(SerializePlacement placement, const std::vector<BalanceEvent>& events);

// Over a simulator state: of the passes in flight, at most one is inside a serialized
// section, and it is the one the token names.
std::vector<Violation> check_ser1(const MachineState& m,
                                  const std::vector<const SchedBalanceDomains*>& passes);

}  // namespace sbm
