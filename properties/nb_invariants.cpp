#include "properties/nb_invariants.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "model/balance_interval.h"

namespace sbm {

const std::vector<InvariantInfo>& nb_invariants() {
  static const std::vector<InvariantInfo> all = {
      {"NB-1",
       "rq->next_balance is the time_after-minimum of last_balance + interval over the domains "
       "the pass reached, written only when one fed it (always in v2.6.20)",
       "rebalance_domains() / sched_balance_domains(), kernel/sched/fair.c (v4.19, v6.17); "
       "kernel/sched.c (v2.6.20, v2.6.32)"},
      {"NB-2",
       "the tick raises SCHED_SOFTIRQ iff time_after_eq(jiffies, rq->next_balance) on an "
       "attached (2.6.21+), active (5.12+) CPU",
       "sched_balance_trigger() / trigger_load_balance(), kernel/sched/fair.c; scheduler_tick(), "
       "kernel/sched.c (v2.6.20)"},
  };
  return all;
}

namespace {

std::string num(uint64_t v) { return std::to_string(v); }

// The state of one CPU's pass while its events stream by.
struct OpenPass {
  WrapOps ops;
  NextBalanceMin<WrapOps> min{0, false};
  uint64_t rq_next_balance = 0;
  // Visited domain -> the candidate it must feed (updated by its BalanceResult).
  std::map<int, uint64_t> owed;
  std::map<int, std::string> names;
};

}  // namespace

std::vector<Violation> check_nb1(const Profile& p, const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  const WrapOps o{p.jiffies_bits};
  std::map<int, OpenPass> open;
  for (size_t i = 0; i < events.size(); ++i) {
    const int line = static_cast<int>(i) + 1;
    const BalanceEvent& e = events[i];
    if (const auto* s = std::get_if<PassStartEvent>(&e)) {
      const uint64_t start = o.add(s->jiffies, o.lit(uint64_t{p.next_balance_horizon_s} * p.hz));
      if (s->next_balance_start != start)
        out.push_back(make_violation("NB-1", s->cpu, -1, line, num(start), num(s->next_balance_start),
                         "the pass must start its minimum at jiffies + 60*HZ"));
      open[s->cpu] = OpenPass{o, {start, false}, s->rq_next_balance, {}, {}};
    } else if (const auto* v = std::get_if<DomainVisitEvent>(&e)) {
      auto it = open.find(v->cpu);
      if (it == open.end()) continue;
      it->second.owed[v->level] = o.add(v->last_balance, v->interval);
      it->second.names[v->level] = v->name;
    } else if (const auto* r = std::get_if<BalanceResultEvent>(&e)) {
      auto it = open.find(r->cpu);
      if (it != open.end() && it->second.owed.count(r->level))
        it->second.owed[r->level] = o.add(r->last_balance, r->interval);
    } else if (const auto* c = std::get_if<NextBalanceCandidateEvent>(&e)) {
      auto it = open.find(c->cpu);
      if (it == open.end()) continue;
      OpenPass& ps = it->second;
      const auto owed = ps.owed.find(c->level);
      if (owed == ps.owed.end()) {
        out.push_back(make_violation("NB-1", c->cpu, c->level, line, "no candidate from a domain not visited",
                         num(c->candidate),
                         "only domains the pass reached may feed next_balance"));
        continue;
      }
      if (owed->second != c->candidate) {
        Violation wrong = make_violation("NB-1", c->cpu, c->level, line, num(owed->second), num(c->candidate),
                             "the candidate must be last_balance + interval after the balance");
        wrong.level_name = ps.names[c->level];
        out.push_back(std::move(wrong));
      }
      ps.owed.erase(owed);
      const auto next = next_balance_min_update(o, ps.min, c->candidate);
      const bool taken = next.value != ps.min.value;
      if (taken != c->taken || next.value != c->next_balance)
        out.push_back(make_violation("NB-1", c->cpu, c->level, line,
                         std::string(taken ? "taken" : "not taken") + ", next_balance " + num(next.value),
                         std::string(c->taken ? "taken" : "not taken") + ", next_balance " +
                             num(c->next_balance),
                         "the minimum must follow time_after(next_balance, candidate)"));
      ps.min = next;
    } else if (const auto* w = std::get_if<NextBalanceWriteEvent>(&e)) {
      auto it = open.find(w->cpu);
      if (it == open.end()) continue;
      const OpenPass& ps = it->second;
      for (const auto& [level, candidate] : ps.owed)
        out.push_back(make_violation("NB-1", w->cpu, level, line, "candidate " + num(candidate), "none",
                         "a domain the pass visited did not feed next_balance"));
      const bool always = p.next_balance_write == NextBalanceWrite::Always;
      const bool written = always || ps.min.updated;
      const uint64_t expected = next_balance_after_pass(o, ps.rq_next_balance, ps.min, always);
      if (w->written != written || w->new_value != expected || w->old_value != ps.rq_next_balance)
        out.push_back(make_violation("NB-1", w->cpu, -1, line,
                         std::string(written ? "written " : "kept ") + num(expected),
                         std::string(w->written ? "written " : "kept ") + num(w->new_value),
                         written ? "rq->next_balance must be the minimum over the reached domains"
                                 : "nothing fed next_balance, so rq->next_balance keeps its value"));
      open.erase(it);
    }
  }
  return out;
}

std::vector<Violation> check_nb2(const Profile& p, const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  const WrapOps o{p.jiffies_bits};
  // A tick's raise is its CPU's next trigger raise before that CPU's next tick. The simulator
  // emits it right after the tick; a kernel's trace interleaves other CPUs' events in between.
  // One pass: each CPU's open tick waits for its raise, or is settled unraised.
  struct Open {
    size_t tick;
    bool raised = false;
  };
  std::vector<std::pair<int, Open>> open;  // by CPU, few per window
  std::vector<std::pair<size_t, bool>> settled;  // (tick index, raised), settled in any order
  // Replay checks a window per jiffy: one allocation each, not one per growth.
  open.reserve(events.size());
  settled.reserve(events.size());
  auto settle = [&](std::vector<std::pair<int, Open>>::iterator it) {
    settled.emplace_back(it->second.tick, it->second.raised);
    open.erase(it);
  };
  auto find = [&open](int cpu) {
    return std::find_if(open.begin(), open.end(), [cpu](const auto& x) { return x.first == cpu; });
  };
  for (size_t i = 0; i < events.size(); ++i) {
    if (const auto* t = std::get_if<TickEvent>(&events[i])) {
      if (auto it = find(t->cpu); it != open.end()) settle(it);
      open.push_back({t->cpu, Open{i}});
    } else if (const auto* r = std::get_if<SoftirqRaiseEvent>(&events[i]); r && r->source == RaiseSource::Trigger) {
      if (auto it = find(r->cpu); it != open.end()) {
        it->second.raised = r->vec == p.sched_softirq_vec;
        settle(it);
      }
    }
  }
  while (!open.empty()) settle(open.begin());
  std::sort(settled.begin(), settled.end());
  for (const auto& [i, raised] : settled) {
    const auto& t = std::get<TickEvent>(events[i]);
    const bool allowed = (!p.trigger_checks_null_domain || t.attached) &&
                         (!p.trigger_checks_cpu_active || t.active) && !t.nohz_defers;
    const bool expected = allowed && time_after_eq(o, t.jiffies, t.next_balance);
    if (raised != expected)
      out.push_back(make_violation("NB-2", t.cpu, -1, static_cast<int>(i) + 1,
                       expected ? "SCHED_SOFTIRQ raised" : "not raised",
                       raised ? "SCHED_SOFTIRQ raised" : "not raised",
                       "jiffies " + num(t.jiffies) + ", next_balance " + num(t.next_balance) +
                           (t.attached ? "" : ", NULL domain") + (t.active ? "" : ", inactive") +
                           (t.nohz_defers ? ", NOHZ owner defers" : "") +
                           ": the trigger raises iff time_after_eq(jiffies, next_balance)"));
  }
  return out;
}

}  // namespace sbm
