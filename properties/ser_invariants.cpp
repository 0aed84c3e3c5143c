#include "properties/ser_invariants.h"

#include <string>

namespace sbm {

const std::vector<InvariantInfo>& ser_invariants() {
  static const std::vector<InvariantInfo> all = {
      {"SER-1",
       "at most one CPU system-wide is inside an SD_SERIALIZE section; only the holder "
       "releases the token",
       "rebalance_domains() 'balancing' trylock (v2.6.20-6.9), sched_balance_running "
       "(214c1b7f1395, 6.10; in sched_balance_rq() since 3324b2180c17, 6.19)"},
  };
  return all;
}

namespace {

std::string cpu_name(int cpu) { return cpu < 0 ? "nobody" : "CPU" + std::to_string(cpu); }

}  // namespace

std::vector<Violation> check_ser1(const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  int holder = -1;
  for (size_t i = 0; i < events.size(); ++i) {
    const auto* s = std::get_if<SerializeEvent>(&events[i]);
    if (!s) continue;
    const int line = static_cast<int>(i) + 1;
    switch (s->action) {
      case SerializeAction::Acquire:
        if (holder >= 0)
          out.push_back(make_violation("SER-1", s->cpu, s->level, line, "token free, held by nobody",
                            cpu_name(s->cpu) + " acquired it while " + cpu_name(holder) + " held it",
                            "two CPUs inside a serialized section at once"));
        holder = s->cpu;
        break;
      case SerializeAction::Busy:
        break;
      case SerializeAction::Release:
        if (holder != s->cpu)
          out.push_back(make_violation("SER-1", s->cpu, s->level, line, "released by " + cpu_name(holder),
                            "released by " + cpu_name(s->cpu),
                            "only the CPU that holds the token may release it"));
        holder = -1;
        break;
    }
  }
  return out;
}

std::vector<Violation> check_ser1(const MachineState& m,
                                  const std::vector<const SchedBalanceDomains*>& passes) {
  std::vector<Violation> out;
  std::vector<const SchedBalanceDomains*> inside;
  for (const SchedBalanceDomains* p : passes)
    if (p && p->holds_serialize_token()) inside.push_back(p);
  const int holder = m.sched_balance_running.holder;
  if (inside.size() > 1) {
    std::string who;
    for (const SchedBalanceDomains* p : inside) who += (who.empty() ? "" : ", ") + cpu_name(p->executing_cpu());
    out.push_back(make_violation("SER-1", inside[1]->executing_cpu(), inside[1]->level(), 0, "at most one CPU", who,
                      "two CPUs inside a serialized section at once"));
  }
  for (const SchedBalanceDomains* p : inside)
    if (p->executing_cpu() != holder)
      out.push_back(make_violation("SER-1", p->executing_cpu(), p->level(), 0, "token held by " + cpu_name(p->executing_cpu()),
                        "token held by " + cpu_name(holder),
                        "a pass inside a serialized section must hold the token"));
  return out;
}

}  // namespace sbm
