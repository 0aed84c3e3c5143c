#include "properties/nb_invariants.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "model/balance/balance_interval.h"

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
  int cpu = -1;
  NextBalanceMin<WrapOps> min{0, false};
  uint64_t rq_next_balance = 0;
};

// A domain an open pass visited, and the candidate it must feed (updated by its BalanceResult).
struct Owed {
  int cpu = -1;
  int level = -1;
  uint64_t candidate = 0;
  std::string_view name;  // into the event, which outlives the check
};

}  // namespace

std::vector<Violation> check_nb1(const Profile& p, const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  const WrapOps o{p.jiffies_bits};
  // Replay checks a window per jiffy, so this runs for every few events: the open passes and
  // what they owe are kept flat (a few CPUs, a few levels each), searched in place.
  std::vector<OpenPass> open;
  std::vector<Owed> owed;
  auto find_pass = [&open](int cpu) {
    return std::find_if(open.begin(), open.end(),
                        [cpu](const OpenPass& ps) { return ps.cpu == cpu; });
  };
  auto find_owed = [&owed](int cpu, int level) {
    return std::find_if(owed.begin(), owed.end(),
                        [=](const Owed& d) { return d.cpu == cpu && d.level == level; });
  };
  auto drop_owed = [&owed](int cpu) {
    std::erase_if(owed, [cpu](const Owed& d) { return d.cpu == cpu; });
  };
  for (size_t i = 0; i < events.size(); ++i) {
    const int line = static_cast<int>(i) + 1;
    const BalanceEvent& e = events[i];
    if (const auto* s = std::get_if<PassStartEvent>(&e)) {
      const uint64_t start = o.add(s->jiffies, o.lit(uint64_t{p.next_balance_horizon_s} * p.hz));
      if (s->next_balance_start != start)
        out.push_back(make_violation("NB-1", s->cpu, -1, line, num(start),
                                     num(s->next_balance_start),
                                     "the pass must start its minimum at jiffies + 60*HZ"));
      const OpenPass pass{s->cpu, {start, false}, s->rq_next_balance};
      if (auto it = find_pass(s->cpu); it != open.end())
        *it = pass;
      else
        open.push_back(pass);
      drop_owed(s->cpu);
    } else if (const auto* v = std::get_if<DomainVisitEvent>(&e)) {
      if (find_pass(v->cpu) == open.end()) continue;
      const Owed d{v->cpu, v->level, o.add(v->last_balance, v->interval), v->name};
      if (auto it = find_owed(v->cpu, v->level); it != owed.end())
        *it = d;
      else
        owed.push_back(d);
    } else if (const auto* r = std::get_if<BalanceResultEvent>(&e)) {
      if (find_pass(r->cpu) == open.end()) continue;
      if (auto it = find_owed(r->cpu, r->level); it != owed.end())
        it->candidate = o.add(r->last_balance, r->interval);
    } else if (const auto* c = std::get_if<NextBalanceCandidateEvent>(&e)) {
      auto it = find_pass(c->cpu);
      if (it == open.end()) continue;
      OpenPass& ps = *it;
      const auto d = find_owed(c->cpu, c->level);
      if (d == owed.end()) {
        out.push_back(make_violation("NB-1", c->cpu, c->level, line,
                                     "no candidate from a domain not visited", num(c->candidate),
                                     "only domains the pass reached may feed next_balance"));
        continue;
      }
      if (d->candidate != c->candidate) {
        Violation wrong =
            make_violation("NB-1", c->cpu, c->level, line, num(d->candidate), num(c->candidate),
                           "the candidate must be last_balance + interval after the balance");
        wrong.level_name = std::string(d->name);
        out.push_back(std::move(wrong));
      }
      owed.erase(d);
      const auto next = next_balance_min_update(o, ps.min, c->candidate);
      const bool taken = next.value != ps.min.value;
      if (taken != c->taken || next.value != c->next_balance)
        out.push_back(make_violation(
            "NB-1", c->cpu, c->level, line,
            std::string(taken ? "taken" : "not taken") + ", next_balance " + num(next.value),
            std::string(c->taken ? "taken" : "not taken") + ", next_balance " +
                num(c->next_balance),
            "the minimum must follow time_after(next_balance, candidate)"));
      ps.min = next;
    } else if (const auto* w = std::get_if<NextBalanceWriteEvent>(&e)) {
      auto it = find_pass(w->cpu);
      if (it == open.end()) continue;
      const OpenPass ps = *it;
      open.erase(it);
      std::vector<Owed> unfed;
      for (const Owed& d : owed)
        if (d.cpu == w->cpu) unfed.push_back(d);
      std::sort(unfed.begin(), unfed.end(),
                [](const Owed& a, const Owed& b) { return a.level < b.level; });
      for (const Owed& d : unfed)
        out.push_back(make_violation("NB-1", w->cpu, d.level, line, "candidate " + num(d.candidate),
                                     "none",
                                     "a domain the pass visited did not feed next_balance"));
      drop_owed(w->cpu);
      const bool always = p.next_balance_write == NextBalanceWrite::Always;
      const bool written = always || ps.min.updated;
      const uint64_t expected = next_balance_after_pass(o, ps.rq_next_balance, ps.min, always);
      if (w->written != written || w->new_value != expected || w->old_value != ps.rq_next_balance)
        out.push_back(make_violation(
            "NB-1", w->cpu, -1, line, std::string(written ? "written " : "kept ") + num(expected),
            std::string(w->written ? "written " : "kept ") + num(w->new_value),
            written ? "rq->next_balance must be the minimum over the reached domains"
                    : "nothing fed next_balance, so rq->next_balance keeps its value"));
    }
  }
  return out;
}

std::vector<Violation> check_nb2(const Profile& p, const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  const WrapOps o{p.jiffies_bits};
  // A tick's raise is its CPU's next trigger raise before that CPU's next tick. The simulator
  // emits it right after the tick; a kernel's trace interleaves other CPUs' events in between.
  // One pass: each CPU's open tick waits for its raise, or is settled unraised, and is judged
  // when it settles (replay checks a window per jiffy, so this runs for every few events:
  // nothing but the open ticks is kept).
  std::vector<std::pair<int, size_t>> open;  // (CPU, tick index), few per window
  open.reserve(events.size());               // one allocation, not one per growth
  auto settle = [&](std::vector<std::pair<int, size_t>>::iterator it, bool raised) {
    const size_t i = it->second;
    open.erase(it);
    const auto& t = std::get<TickEvent>(events[i]);
    const bool allowed = (!p.trigger_checks_null_domain || t.attached) &&
                         (!p.trigger_checks_cpu_active || t.active) && !t.nohz_defers;
    const bool expected = allowed && time_after_eq(o, t.jiffies, t.next_balance);
    if (raised != expected)
      out.push_back(
          make_violation("NB-2", t.cpu, -1, static_cast<int>(i) + 1,
                         expected ? "SCHED_SOFTIRQ raised" : "not raised",
                         raised ? "SCHED_SOFTIRQ raised" : "not raised",
                         "jiffies " + num(t.jiffies) + ", next_balance " + num(t.next_balance) +
                             (t.attached ? "" : ", NULL domain") + (t.active ? "" : ", inactive") +
                             (t.nohz_defers ? ", NOHZ owner defers" : "") +
                             ": the trigger raises iff time_after_eq(jiffies, next_balance)"));
  };
  auto find = [&open](int cpu) {
    return std::find_if(open.begin(), open.end(), [cpu](const auto& x) { return x.first == cpu; });
  };
  for (size_t i = 0; i < events.size(); ++i) {
    if (const auto* t = std::get_if<TickEvent>(&events[i])) {
      if (auto it = find(t->cpu); it != open.end()) settle(it, false);
      open.emplace_back(t->cpu, i);
    } else if (const auto* r = std::get_if<SoftirqRaiseEvent>(&events[i]);
               r && r->source == RaiseSource::Trigger) {
      if (auto it = find(r->cpu); it != open.end()) settle(it, r->vec == p.sched_softirq_vec);
    }
  }
  while (!open.empty()) settle(open.begin(), false);
  // Settled in any order; reported in the order of the ticks.
  std::stable_sort(out.begin(), out.end(),
                   [](const Violation& a, const Violation& b) { return a.line < b.line; });
  return out;
}

}  // namespace sbm
