#include "properties/mig_invariants.h"

#include <map>
#include <string>
#include <utility>

#include "model/balance/detach_tasks.h"
#include "model/profile.h"

namespace sbm {

namespace {

// pid -> the CPUs whose rq lists it (more than one entry: duplicated).
std::map<int, std::vector<int>> where_is(const MachineState& m) {
  std::map<int, std::vector<int>> at;
  for (const Rq& rq : m.rqs)
    for (const Task& t : rq.tasks) at[t.pid].push_back(rq.cpu);
  return at;
}

std::string cpu_list(const std::vector<int>& cpus) {
  std::string s;
  for (int c : cpus) s += (s.empty() ? "" : ",") + std::to_string(c);
  return s;
}

}  // namespace

std::vector<Violation> check_mig1_unique(const MachineState& m) {
  std::vector<Violation> out;
  for (const auto& [pid, cpus] : where_is(m))
    if (cpus.size() > 1)
      out.push_back(make_violation(
          "MIG-1", cpus.front(), -1, 0, "pid " + std::to_string(pid) + " on one rq",
          "on the rqs of CPUs " + cpu_list(cpus), "a task is queued on more than one runqueue"));
  return out;
}

std::vector<Violation> check_mig1_conserved(const MachineState& before, const MachineState& after) {
  std::vector<Violation> out = check_mig1_unique(after);
  const auto b = where_is(before), a = where_is(after);
  for (const auto& [pid, cpus] : b)
    if (!a.count(pid))
      out.push_back(make_violation("MIG-1", cpus.front(), -1, 0,
                                   "pid " + std::to_string(pid) + " on some rq", "on no rq",
                                   "a balance lost a task"));
  for (const auto& [pid, cpus] : a)
    if (!b.count(pid))
      out.push_back(make_violation("MIG-1", cpus.front(), -1, 0, "no pid " + std::to_string(pid),
                                   "pid " + std::to_string(pid) + " appeared",
                                   "a balance created a task that was on no rq before"));
  return out;
}

std::vector<Violation> check_mig2_affinity(const MachineState& before, const MachineState& after) {
  std::vector<Violation> out;
  const auto b = where_is(before);
  for (const Rq& rq : after.rqs)
    for (const Task& t : rq.tasks) {
      const auto it = b.find(t.pid);
      const bool moved = it == b.end() || it->second.front() != rq.cpu;
      if (moved && !t.cpus_allowed.test(rq.cpu))
        out.push_back(make_violation(
            "MIG-2", rq.cpu, -1, 0, "a CPU of " + t.cpus_allowed.to_cpulist(),
            "pid " + std::to_string(t.pid) + " moved to CPU " + std::to_string(rq.cpu),
            "a task was moved to a CPU outside its affinity"));
    }
  return out;
}

std::vector<Violation> check_mig2_events(const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  for (size_t i = 0; i < events.size(); ++i)
    if (const auto* mv = std::get_if<TaskMigrateEvent>(&events[i]))
      if (!mv->cpus_allowed.test(mv->to_cpu)) {
        out.push_back(make_violation(
            "MIG-2", mv->cpu, mv->level, 0, "a CPU of " + mv->cpus_allowed.to_cpulist(),
            "pid " + std::to_string(mv->pid) + " to CPU " + std::to_string(mv->to_cpu),
            "a task was moved to a CPU outside its affinity"));
        stamp_event_line(out, out.size() - 1, i);
      }
  return out;
}

std::vector<Violation> check_mig3_domain_span(const MachineState& m,
                                              const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  for (size_t i = 0; i < events.size(); ++i) {
    const auto* mv = std::get_if<TaskMigrateEvent>(&events[i]);
    // A task moved off a dying CPU or off a CPU its new affinity excludes balanced no domain.
    if (!mv || mv->reason != MigrateReason::Balance) continue;
    const size_t first = out.size();
    const RqDomain* d = m.domain_at(mv->cpu, mv->level);
    const std::string move = "pid " + std::to_string(mv->pid) + " from CPU " +
                             std::to_string(mv->from_cpu) + " to CPU " + std::to_string(mv->to_cpu);
    if (!d) {
      out.push_back(make_violation("MIG-3", mv->cpu, mv->level, 0, "a domain of the balancing CPU",
                                   move + " for a domain that does not exist",
                                   "a migration names a domain the balancing CPU does not have"));
      stamp_event_line(out, first, i);
      continue;
    }
    if (!d->span().test(mv->from_cpu) || !d->span().test(mv->to_cpu)) {
      Violation v =
          make_violation("MIG-3", mv->cpu, mv->level, 0, "both CPUs in " + d->span().to_cpulist(),
                         move, "a balance moved a task outside the span of the domain it balanced");
      v.level_name = d->sd.name;
      out.push_back(v);
    }
    stamp_event_line(out, first, i);
  }
  return out;
}

std::vector<Violation> check_mig4_migration_limit(const Profile& p,
                                                  const std::vector<BalanceEvent>& events) {
  const Profile era = era_profile(p);
  std::vector<Violation> out;
  // (balance_seq, round) -> tasks detached so far in the round.
  std::map<std::pair<uint64_t, int>, unsigned> detached;
  for (size_t i = 0; i < events.size(); ++i) {
    const auto* d = std::get_if<DetachPassEvent>(&events[i]);
    if (!d) continue;
    const size_t first = out.size();
    const unsigned bound = detach_limit(era, d->src_nr_running);
    const std::string where = "round " + std::to_string(d->round) + " from CPU " +
                              std::to_string(d->src_cpu) + " with " +
                              std::to_string(d->src_nr_running) + " tasks";
    if (d->limit != bound)
      out.push_back(make_violation("MIG-4", d->cpu, d->level, 0, "limit " + std::to_string(bound),
                                   "limit " + std::to_string(d->limit) + " in " + where,
                                   "the migration limit was not computed by the era's rule"));
    const bool examine_bounded = era.detach_limit != DetachLimit::NrRunningMinusOne;
    if (examine_bounded && d->examined > bound)
      out.push_back(make_violation(
          "MIG-4", d->cpu, d->level, 0, "at most " + std::to_string(bound) + " examined",
          std::to_string(d->examined) + " examined in " + where,
          "one balance looked at more tasks than the per-pass limit allows"));
    unsigned& sum = detached[{d->balance_seq, d->round}];
    sum += d->detached;
    if (sum > bound && sum - d->detached <= bound)  // report a round once
      out.push_back(make_violation("MIG-4", d->cpu, d->level, 0,
                                   "at most " + std::to_string(bound) + " moved",
                                   std::to_string(sum) + " moved in " + where,
                                   "one balance moved more tasks than the per-pass limit allows"));
    stamp_event_line(out, first, i);
  }
  return out;
}

std::vector<Violation> check_mig_invariants(const MachineState& before, const MachineState& after,
                                            const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  for (const std::vector<Violation>& part :
       {check_mig1_conserved(before, after), check_mig2_affinity(before, after),
        check_mig2_events(events), check_mig3_domain_span(after, events),
        check_mig4_migration_limit(after.profile, events)})
    out.insert(out.end(), part.begin(), part.end());
  return out;
}

}  // namespace sbm
