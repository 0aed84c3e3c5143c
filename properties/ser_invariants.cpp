#include "properties/ser_invariants.h"

#include <map>
#include <set>
#include <string>
#include <utility>

namespace sbm {

const std::vector<InvariantInfo>& ser_invariants() {
  static const std::vector<InvariantInfo> all = {
      {"SER-1",
       "at most one CPU system-wide is inside an SD_SERIALIZE section (periodic balances in "
       "every era, newly idle ones too since v6.19); only the holder releases the token",
       "rebalance_domains() 'balancing' trylock (v2.6.20-6.9), sched_balance_running "
       "(214c1b7f1395, 6.10; in sched_balance_rq() since 3324b2180c17, 6.19)"},
      {"SER-2", "in v6.19 a CPU tries for the SD_SERIALIZE token only for a domain that is due",
       "sched_balance_rq() after should_we_balance() (3324b2180c17, v6.19-rc1; spec/bugs.md #14)"},
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
          out.push_back(make_violation(
              "SER-1", s->cpu, s->level, line, "token free, held by nobody",
              cpu_name(s->cpu) + " acquired it while " + cpu_name(holder) + " held it",
              "two CPUs inside a serialized section at once"));
        holder = s->cpu;
        break;
      case SerializeAction::Busy:
        break;
      case SerializeAction::Release:
        if (holder != s->cpu)
          out.push_back(make_violation("SER-1", s->cpu, s->level, line,
                                       "released by " + cpu_name(holder),
                                       "released by " + cpu_name(s->cpu),
                                       "only the CPU that holds the token may release it"));
        holder = -1;
        break;
    }
  }
  return out;
}

std::vector<Violation> check_ser1_balances(const MachineState& m,
                                           const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  const SerializeEvent* held = nullptr;     // the holder's Acquire
  bool held_returned = false;               // the holder's balance returned inside (<= 6.18)
  std::set<std::pair<int, int>> returning;  // (rq, level) released, its return still to come (6.19)
  for (size_t i = 0; i < events.size(); ++i) {
    if (const auto* s = std::get_if<SerializeEvent>(&events[i])) {
      if (s->action == SerializeAction::Acquire) {
        held = s;
        held_returned = false;
      } else if (s->action == SerializeAction::Release) {
        if (!held_returned) returning.insert({s->for_cpu, s->level});
        held = nullptr;
      }
      continue;
    }
    const auto* r = std::get_if<BalanceResultEvent>(&events[i]);
    if (!r || returning.erase({r->cpu, r->level})) continue;
    if (!held) continue;
    if (held->for_cpu == r->cpu && held->level == r->level) {
      held_returned = true;
      continue;
    }
    const RqDomain* d = m.domain_at(r->cpu, r->level);
    if (r->serialize_busy || !r->continue_balancing || !serialize_caller(m.profile, r->idle) ||
        !d || !d->flags().has(SdFlag::Serialize))
      continue;
    Violation v = make_violation(
        "SER-1", r->cpu, r->level, static_cast<int>(i) + 1,
        "no balance of an SD_SERIALIZE domain while " + cpu_name(held->cpu) + " holds the token",
        "CPU" + std::to_string(r->cpu) + " returned from a " + cpu_idle_type_name(r->idle) +
            " balance of it without the token while " + cpu_name(held->cpu) + " held it for CPU" +
            std::to_string(held->for_cpu) + " level " + std::to_string(held->level),
        "two CPUs inside a serialized section at once");
    v.level_name = d->sd.name;
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<Violation> check_ser2(SerializePlacement placement,
                                  const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  if (placement != SerializePlacement::InSchedBalanceRq) return out;
  std::map<std::pair<int, int>, bool> due;  // (rq, level) -> the latest visit's verdict
  for (size_t i = 0; i < events.size(); ++i) {
    if (const auto* d = std::get_if<DomainVisitEvent>(&events[i])) {
      due[{d->cpu, d->level}] = d->due;
      continue;
    }
    const auto* s = std::get_if<SerializeEvent>(&events[i]);
    if (!s || s->action == SerializeAction::Release) continue;
    const auto it = due.find({s->for_cpu, s->level});
    if (it == due.end() || it->second) continue;
    out.push_back(make_violation(
        "SER-2", s->cpu, s->level, static_cast<int>(i) + 1, "no try for a domain not due",
        cpu_name(s->cpu) + " tried for the token (" +
            std::string(s->action == SerializeAction::Acquire ? "acquired" : "busy") + ") for CPU" +
            std::to_string(s->for_cpu) + "'s domain, which its pass found not due",
        "v6.19 takes the token in sched_balance_rq(), only once the balance is due"));
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
    for (const SchedBalanceDomains* p : inside)
      who += (who.empty() ? "" : ", ") + cpu_name(p->executing_cpu());
    out.push_back(make_violation("SER-1", inside[1]->executing_cpu(), inside[1]->level(), 0,
                                 "at most one CPU", who,
                                 "two CPUs inside a serialized section at once"));
  }
  for (const SchedBalanceDomains* p : inside)
    if (p->executing_cpu() != holder)
      out.push_back(make_violation("SER-1", p->executing_cpu(), p->level(), 0,
                                   "token held by " + cpu_name(p->executing_cpu()),
                                   "token held by " + cpu_name(holder),
                                   "a pass inside a serialized section must hold the token"));
  return out;
}

}  // namespace sbm
