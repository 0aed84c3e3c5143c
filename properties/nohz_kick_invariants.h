// NOHZ-3: a kick of the NOHZ idle load balancer is served or dropped, never left pending
// (spec/bugs.md #13, 873b4c65b519; spec/mutants.md, nohz-kick-never-cleared).
//
// kick_ilb() sets NOHZ_*_KICK in nohz_flags(ilb) and only the kicker that set the first bit
// sends the IPI ("he who sets the first flag owns it", kernel/sched/fair.c v6.17). So bits
// that stay set after their IPI was handled silence every later kick: no IPI, no idle
// balance, until something else raises SCHED_SOFTIRQ on that CPU. The kernel clears them on
// every path: nohz_csd_func() takes them (v5.8+, v6.17), got_nohz_idle_kick() drops them when
// the CPU got work (scheduler_ipi(), v4.19), nohz_idle_balance() takes them in the softirq.
//
// In the simulator an IPI sent in a jiffy is delivered, and a SCHED softirq raised in it
// runs, before jiffies advance (model/sim/simulator.h), so at every jiffy boundary no CPU may
// still hold kick bits, in nohz_flags or handed to its softirq (rq->nohz_idle_balance).
// A state check at jiffy boundaries; a trace has no flag state, so replay cannot run it.
#pragma once

#include <vector>

#include "model/rq.h"
#include "properties/violation.h"

namespace sbm {

const InvariantInfo& nohz3_info();

// NOHZ-3 over a machine at a jiffy boundary (Simulator::at_jiffy_boundary()).
std::vector<Violation> check_nohz3_kick_served(const MachineState& m);

}  // namespace sbm
