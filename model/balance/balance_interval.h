// The balancing arithmetic Z3 reasons about, written once over an Ops policy (jiffies.h
// says what an Ops provides): the interval of a domain, the next_balance minimum, and the
// balance_interval back-off. The machine-level wrappers in rq.h and the pass use exactly
// these functions, so a proof about them is a proof about the code that runs.
#pragma once

#include <cstdint>

#include "model/balance_event.h"
#include "model/jiffies.h"
#include "model/profile.h"

namespace sbm {

// The era's shape of get_sd_balance_interval(), as plain data.
struct IntervalRule {
  unsigned hz = 250;
  bool busy_minus_one = false;  // 5.10+
  bool capped = true;           // false in v2.6.20: only "if (!interval) interval = 1"
  // Code-site mutants (model/mutants.h), false for the model itself.
  bool unclamped = false;            // registry "unclamped-interval": neither 0 -> 1 nor the cap
  bool busy_factor_ignored = false;  // registry "busy-factor-ignored": busy uses the idle interval
};

inline IntervalRule interval_rule(const Profile& p) {
  return IntervalRule{p.hz, p.busy_interval_minus_one, p.interval_cap != IntervalCap::None,
                      is_mutant(p, Mutant::UnclampedInterval),
                      is_mutant(p, Mutant::BusyFactorIgnored)};
}

// get_sd_balance_interval(sd, cpu_busy), kernel/sched/fair.c (v6.17; inline in
// rebalance_domains() in v2.6.20 and v2.6.32):
//   interval = sd->balance_interval (ms), times sd->busy_factor when busy;
//   msecs_to_jiffies() (rounds up);
//   minus 1 when busy (5.10+: keeps the periods of levels from being multiples);
//   clamp(interval, 1, cap) (v2.6.20: only 0 -> 1; 2.6.21-2.6.3x: "> HZ*NR_CPUS/10").
// `cap` is balance_interval_cap() for the machine; ignored when !rule.capped.
template <class Ops>
typename Ops::Value get_sd_balance_interval(const Ops& o, typename Ops::Value balance_interval,
                                            typename Ops::Value busy_factor,
                                            typename Ops::Bool busy, const IntervalRule& rule,
                                            typename Ops::Value cap) {
  // Mutant "busy-factor-ignored" (model/mutants.h): the multiplication is left out.
  const auto busy_ms =
      rule.busy_factor_ignored ? balance_interval : o.mul(balance_interval, busy_factor);
  const auto ms = o.select(busy, busy_ms, balance_interval);
  auto interval = msecs_to_jiffies(o, ms, rule.hz);
  if (rule.busy_minus_one) interval = o.select(busy, o.sub(interval, o.lit(1)), interval);
  // Mutant "unclamped-interval" (model/mutants.h): the scaled value is returned as is.
  if (rule.unclamped) return interval;
  interval = o.select(o.eq(interval, o.lit(0)), o.lit(1), interval);
  if (rule.capped) interval = o.select(o.ult(cap, interval), cap, interval);
  return interval;
}

// The local `next_balance` of the pass and whether any domain lowered it
// (update_next_balance).
template <class Ops>
struct NextBalanceMin {
  typename Ops::Value value;
  typename Ops::Bool updated;
};

// "out:" of rebalance_domains()/sched_balance_domains() (every era) and
// update_next_balance() (newidle): if (time_after(next_balance, candidate)) take it.
// `mutant` is the profile's (Profile::mutant) where the model runs the pass, and None where
// a checker states the kernel's rule.
template <class Ops>
NextBalanceMin<Ops> next_balance_min_update(const Ops& o, const NextBalanceMin<Ops>& acc,
                                            typename Ops::Value candidate,
                                            Mutant mutant = Mutant::None) {
  // Mutant "plain-lt" (model/mutants.h): an unsigned "candidate < next_balance", which
  // disagrees with time_after() once the two straddle a jiffies wrap.
  const auto take =
      mutant == Mutant::PlainLt ? o.ult(candidate, acc.value) : time_after(o, acc.value, candidate);
  return {o.select(take, candidate, acc.value), o.lor(acc.updated, take)};
}

// What rq->next_balance holds after the pass: the minimum when some domain fed it
// (2.6.24+), the minimum (starting at jiffies + 60*HZ) unconditionally in v2.6.20.
template <class Ops>
typename Ops::Value next_balance_after_pass(const Ops& o, typename Ops::Value rq_next_balance,
                                            const NextBalanceMin<Ops>& acc, bool always_write) {
  return o.select(o.lor(o.truth(always_write), acc.updated), acc.value, rq_next_balance);
}

// The tune-up at out_one_pinned (and, up to 5.11, after kicking active balance with
// all_pinned false): double sd->balance_interval iff
//   (ALL_PINNED && bi < MAX_PINNED_INTERVAL) || bi < max_interval.
// The test comes before the doubling, so this is not a hard cap: max_interval can be
// exceeded up to 2*(max_interval-1), and ALL_PINNED reaches 2*511 = 1022.
// load_balance() (v2.6.20 kernel/sched.c, v4.19 / v6.17 kernel/sched/fair.c).
// `mutant` as for next_balance_min_update(): the profile's in the model, None in checkers.
template <class Ops>
typename Ops::Value balance_interval_backoff(const Ops& o, typename Ops::Value bi,
                                             typename Ops::Value max_interval,
                                             typename Ops::Bool all_pinned,
                                             unsigned max_pinned_interval,
                                             Mutant mutant = Mutant::None) {
  // Mutant "unbounded-backoff" (model/mutants.h): doubled on every call, no ceiling test.
  if (mutant == Mutant::UnboundedBackoff) return o.add(bi, bi);
  const auto grow =
      o.lor(o.land(all_pinned, o.ult(bi, o.lit(max_pinned_interval))), o.ult(bi, max_interval));
  return o.select(grow, o.add(bi, bi), bi);
}

// Whether sched_balance_rq() reaches the tune-up at all for this call: not for
// NEWLY_IDLE since 3f130a37c442 (v4.20), not for migrate_misfit since 6.10.
inline bool balance_interval_backoff_applies(const Profile& p, CpuIdleType idle, bool misfit) {
  if (idle == CpuIdleType::NewlyIdle && p.backoff_skips_newidle) return false;
  if (misfit && p.backoff_skips_misfit) return false;
  return true;
}

// The largest balance_interval reachable from min_interval by the back-off rule (with
// ALL_PINNED allowed), i.e. the BI-1 ceiling: repeat the rule until it stops growing.
// balance_interval is an unsigned int in struct sched_domain, so 32 bits.
inline uint64_t balance_interval_ceiling(unsigned min_interval, unsigned max_interval,
                                         unsigned max_pinned_interval) {
  const WrapOps o{32};
  uint64_t bi = min_interval;
  for (;;) {
    const uint64_t next =
        balance_interval_backoff(o, bi, uint64_t{max_interval}, true, max_pinned_interval);
    if (next == bi) return bi;
    bi = next;
  }
}

}  // namespace sbm
