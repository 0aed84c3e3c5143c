#include "properties/nohz_kick_invariants.h"

#include <string>

#include "model/nohz/nohz.h"

namespace sbm {

const InvariantInfo& nohz3_info() {
  static const InvariantInfo info{
      "NOHZ-3",
      "a NOHZ idle-balance kick is served or dropped before the next jiffy; its kick bits never "
      "stay set",
      "kick_ilb(), nohz_csd_func(), nohz_idle_balance(), kernel/sched/fair.c and core.c (v6.17); "
      "scheduler_ipi() / got_nohz_idle_kick() (v4.19); 873b4c65b519"};
  return info;
}

std::vector<Violation> check_nohz3_kick_served(const MachineState& m) {
  std::vector<Violation> out;
  for (const Rq& rq : m.rqs) {
    const unsigned pending = (rq.nohz_flags | rq.nohz_idle_balance) & kNohzKickMask;
    if (!pending) continue;
    out.push_back(make_violation(
        "NOHZ-3", rq.cpu, -1, 0, "no kick bits at the jiffy boundary",
        nohz_flags_name(pending) + " still set at jiffies " + std::to_string(m.jiffies),
        "a kick whose bits outlive their IPI silences every later kick of this "
        "CPU (spec/bugs.md #13)"));
  }
  return out;
}

}  // namespace sbm
