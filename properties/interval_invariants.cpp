#include "properties/interval_invariants.h"

#include <algorithm>
#include <initializer_list>
#include <string>

#include "model/balance/balance_interval.h"

namespace sbm {

const std::vector<InvariantInfo>& interval_invariants() {
  static const std::vector<InvariantInfo> all = {
      {"INT-1",
       "every balance interval is in [1, max_load_balance_interval] (HZ*NR_CPUS/10 in "
       "2.6.21-2.6.3x; only >= 1 in v2.6.20)",
       "get_sd_balance_interval(), kernel/sched/fair.c (v4.19, v6.17); rebalance_domains(), "
       "kernel/sched.c (v2.6.20, v2.6.32)"},
      {"INT-2",
       "every interval is get_sd_balance_interval() of its domain's balance_interval, busy_factor "
       "and busy state (msecs_to_jiffies, minus 1 when busy in 5.10+, then the clamp)",
       "get_sd_balance_interval(), kernel/sched/fair.c (v4.19, v6.17); rebalance_domains(), "
       "kernel/sched.c (v2.6.20, v2.6.32)"},
      {"BI-1",
       "sd->balance_interval stays in [min(min_interval, attach value), ceiling of the back-off "
       "rule (1022 with "
       "ALL_PINNED)] and changes only by reset or that rule; NEWLY_IDLE never doubles it "
       "(2.6.x, 4.20+)",
       "load_balance() / sched_balance_rq() out_one_pinned, kernel/sched/fair.c; 3f130a37c442"},
  };
  return all;
}

namespace {

std::string range(uint64_t lo, uint64_t hi) {
  return "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

// "a, b or c" over the distinct values, each once and in the order given: "2 or 4" for 2, 4, 2.
std::string one_of(std::initializer_list<uint64_t> values) {
  std::vector<uint64_t> distinct;
  for (const uint64_t v : values)
    if (std::find(distinct.begin(), distinct.end(), v) == distinct.end()) distinct.push_back(v);
  std::string out;
  for (std::size_t k = 0; k < distinct.size(); ++k)
    out += (k == 0 ? "" : k + 1 == distinct.size() ? " or " : ", ") + std::to_string(distinct[k]);
  return out;
}

}  // namespace

std::vector<Violation> check_int1(const Profile& p, uint64_t cap,
                                  const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  const bool capped = p.interval_cap != IntervalCap::None;
  const auto check = [&](int cpu, int level, int line, uint64_t interval) {
    if (interval >= 1 && (!capped || interval <= cap)) return;
    out.push_back(make_violation(
        "INT-1", cpu, level, line, capped ? range(1, cap) : ">= 1", std::to_string(interval),
        "get_sd_balance_interval() clamps the interval to at least 1 jiffy" +
            std::string(capped ? " and at most the era's cap" : "")));
  };
  for (size_t i = 0; i < events.size(); ++i) {
    const int line = static_cast<int>(i) + 1;
    if (const auto* v = std::get_if<DomainVisitEvent>(&events[i]))
      check(v->cpu, v->level, line, v->interval);
    if (const auto* r = std::get_if<BalanceResultEvent>(&events[i]))
      check(r->cpu, r->level, line, r->interval);
  }
  return out;
}

std::vector<Violation> check_int2(const MachineState& m, uint64_t cap,
                                  const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  IntervalRule rule = interval_rule(m.profile);
  rule.unclamped = rule.busy_factor_ignored = false;  // the kernel's rule, not a mutant's
  for (size_t i = 0; i < events.size(); ++i) {
    const auto* v = std::get_if<DomainVisitEvent>(&events[i]);
    if (!v || !v->balance_interval) continue;
    const RqDomain* d = m.domain_at(v->cpu, v->level);
    if (!d) continue;  // MIG-3 and the reader report domains the machine lacks
    const uint64_t expected = get_sd_balance_interval(
        m.ops, m.ops.lit(*v->balance_interval), m.ops.lit(d->busy_factor), v->busy, rule, cap);
    if (expected == v->interval) continue;
    Violation x =
        make_violation("INT-2", v->cpu, v->level, static_cast<int>(i) + 1, std::to_string(expected),
                       std::to_string(v->interval),
                       "the interval is not get_sd_balance_interval() of balance_interval " +
                           std::to_string(*v->balance_interval) + " ms, busy_factor " +
                           std::to_string(d->busy_factor) + (v->busy ? ", busy" : ", idle"));
    x.level_name = d->sd.name;
    out.push_back(std::move(x));
  }
  return out;
}

std::vector<Violation> check_bi1(const MachineState& m) {
  std::vector<Violation> out;
  for (const Rq& rq : m.rqs)
    for (const RqDomain& d : rq.sd) {
      const uint64_t ceiling =
          balance_interval_ceiling(d.min_interval, d.max_interval, m.profile.max_pinned_interval);
      const uint64_t bi = d.sd.balance_interval;
      // Reachable: the attach value or min_interval, doubled up to the ceiling.
      const uint64_t floor = std::min(d.min_interval, d.initial_balance_interval);
      if (bi >= floor && bi <= ceiling) continue;
      Violation v = make_violation(
          "BI-1", rq.cpu, d.level, d.sd.line, range(floor, ceiling), std::to_string(bi),
          "balance_interval leaves the range reachable from its attach value and "
          "min_interval by the back-off rule");
      v.level_name = d.sd.name;
      out.push_back(std::move(v));
    }
  return out;
}

std::vector<Violation> check_bi1(const MachineState& m, const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  const WrapOps o{32};
  for (size_t i = 0; i < events.size(); ++i) {
    const auto* r = std::get_if<BalanceResultEvent>(&events[i]);
    if (!r) continue;
    const RqDomain* d = m.domain_at(r->cpu, r->level);
    if (!d) continue;
    const unsigned before = r->balance_interval_before, after = r->balance_interval_after;
    // The rule with ALL_PINNED allowed: the event does not say whether it was set.
    const uint64_t doubled = balance_interval_backoff(o, before, uint64_t{d->max_interval}, true,
                                                      m.profile.max_pinned_interval);
    const bool is_doubling = after != before && after == doubled;
    const bool newidle_forbidden =
        r->idle == CpuIdleType::NewlyIdle && m.profile.backoff_skips_newidle;
    const bool ok =
        after == before || after == d->min_interval || (is_doubling && !newidle_forbidden);
    if (ok) continue;
    Violation v = make_violation(
        "BI-1", r->cpu, r->level, static_cast<int>(i) + 1,
        newidle_forbidden ? (before == d->min_interval ? std::to_string(before)
                                                       : std::to_string(before) + " or reset to " +
                                                             std::to_string(d->min_interval))
                          : one_of({before, doubled, d->min_interval}),
        std::to_string(after),
        newidle_forbidden ? "a NEWLY_IDLE balance must not double balance_interval"
                          : "balance_interval changes only by reset to "
                            "min_interval or by the back-off rule");
    v.level_name = d->sd.name;
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace sbm
