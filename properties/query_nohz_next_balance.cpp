// nohz-next-balance (NOHZ-2 (a) and (b), spec/invariants.md; the rules the era's unmutated
// profile claims, nohz_rules(era_profile(p))):
//  (a) CompleteMinimum (v6.17, v6.19; 3ea2f097b17e, spec/bugs.md #10 c5afb6a87f23): the ILB walk
//      runs ilb_walk_fold() and nohz_next_balance_after_walk() (model/nohz/nohz_ilb_walk.h), the
//      code model/nohz/nohz_kick.cpp's ilb_walk() runs, on Z3 bit-vectors. Every walk over `cpus`
//      CPUs of nohz.idle_cpus_mask is enumerated concretely (the ILB CPU, the CPUs idle_cpu()
//      calls busy, how many CPUs the ILB visits before it gets work) with jiffies,
//      nohz.next_balance and every rq->next_balance symbolic; a complete walk must leave the
//      time_after-minimum of the idle CPUs' (the ILB's included) next_balance from now+60*HZ,
//      or the old value when none is earlier; an aborted walk must leave it unchanged.
//      v2.6.32's OwnerFold (owner_balance_others(), model/nohz/nohz_owner.cpp) is a different walk
//      and is not encoded here.
//  (b) every profile: a kick never moves nohz.next_balance later than both its old value and
//      jiffies+1 (3ea2f097b17e; spec/bugs.md #11). kick_ilb()'s write is encoded per profile
//      (prove::nohz_kick_encoded) and checked for one kick with any jiffies,
//      nohz.next_balance and flags; the rule looks at one kick only, so that covers every
//      sequence of kicks.
#include "model/nohz/nohz.h"
#include "model/nohz/nohz_ilb_walk.h"
#include "properties/nohz_invariants.h"
#include "properties/prove_encodings.h"
#include "properties/prove_queries.h"
#include "properties/prove_support.h"
#include "properties/z3_ops.h"

namespace sbm {

namespace prove {

z3::expr nohz_kick_encoded(const Profile& p, const z3::expr& jiffies,
                           const z3::expr& nohz_next_balance, const z3::expr& balance_kick) {
  const z3::expr one = jiffies.ctx().bv_val(1u, jiffies.get_sort().bv_size());
  switch (p.nohz_kick_next_balance) {
    case NohzKickNextBalance::None:
      return nohz_next_balance;
    case NohzKickNextBalance::Increment:
      return nohz_next_balance + one;
    case NohzKickNextBalance::JiffiesPlusOneOnBalance:
      return z3::ite(balance_kick, jiffies + one, nohz_next_balance);
  }
  return nohz_next_balance;
}

}  // namespace prove

namespace {

const std::vector<QueryBound>& defaults() {
  static const std::vector<QueryBound> d = {
      {"cpus", 4,
       "CPUs of nohz.idle_cpus_mask the ILB walk visits (NOHZ-2 (a)); every ILB CPU, busy pattern "
       "and "
       "abort point among them"},
      {"jiffies-bits", 64, "jiffies widths checked: 32, and 64 as well when 64"},
  };
  return d;
}

// The walk enumeration grows as cpus * 2^cpus; beyond this it is not attempted.
constexpr unsigned kMaxWalkCpus = 10;

// One walk's pattern, answered to ilb_walk_fold() on any Ops: the CPUs idle_cpu() calls busy
// when the walk reaches them, and how many CPUs the ILB visits before it gets work (the
// kernel's need_resched() can come at any point of the walk; the model's atomic walk only
// knows "from the start" and "never"). No balancing: rq->next_balance is what the CPU
// holds, as after a STATS-only kick.
template <class Ops>
struct PatternWalker {
  CpuMask busy;
  int this_cpu = 0;
  size_t visits_before_work = 0;                  // the number of idle CPUs or more: never
  std::vector<typename Ops::Value> next_balance;  // by CPU
  size_t visits = 0;

  bool idle(int cpu) const { return !busy.test(cpu); }
  bool ilb_has_work() const { return visits == visits_before_work; }
  typename Ops::Value visit(int cpu) {
    ++visits;
    return next_balance[static_cast<size_t>(cpu)];
  }
  typename Ops::Value balance_self() { return next_balance[static_cast<size_t>(this_cpu)]; }
};

struct WalkPattern {
  int ilb = 0;
  CpuMask busy;
  size_t visits_before_work = 0;
};

std::string pattern_text(const WalkPattern& w, size_t idle_count) {
  return "ILB CPU" + std::to_string(w.ilb) +
         ", busy when reached: " + (w.busy.empty() ? std::string("none") : w.busy.to_cpulist()) +
         ", " +
         (w.visits_before_work >= idle_count
              ? std::string("the walk completes")
              : "the ILB gets work after visiting " + std::to_string(w.visits_before_work) +
                    " CPU(s)");
}

// The counterexample run: the same template on machine integers with the solver's values.
Counterexample walk_counterexample(const ProveOptions& opt, const Profile& p, unsigned bits,
                                   unsigned cpus, const WalkPattern& w, uint64_t jiffies,
                                   uint64_t before, const std::vector<uint64_t>& next_balance,
                                   uint64_t expected) {
  const WrapOps o{bits};
  const IlbWalkRule rule = ilb_walk_rule(p);
  const CpuMask idle_cpus = CpuMask::range(0, static_cast<int>(cpus) - 1);
  PatternWalker<WrapOps> walker{w.busy, w.ilb, w.visits_before_work, next_balance};
  const IlbWalkFold<WrapOps> fold = ilb_walk_fold(o, rule, idle_cpus, w.ilb, jiffies, walker);
  const uint64_t after = nohz_next_balance_after_walk(o, rule, fold, before);

  Counterexample cex;
  const size_t idle_count = static_cast<size_t>(idle_cpus.andnot(w.busy).weight());
  cex.summary.push_back(std::to_string(bits) + "-bit jiffies=" + std::to_string(jiffies) +
                        ", nohz.next_balance=" + std::to_string(before) + ", nohz.idle_cpus_mask " +
                        idle_cpus.to_cpulist() + ": " + pattern_text(w, idle_count));
  std::string values = "rq->next_balance:";
  for (unsigned c = 0; c < cpus; ++c)
    values += " CPU" + std::to_string(c) + "=" + std::to_string(next_balance[c]);
  cex.summary.push_back(values);
  cex.summary.push_back("the walk leaves nohz.next_balance=" + std::to_string(after) +
                        ", NOHZ-2 (a) requires " + std::to_string(expected));
  const std::vector<BalanceEvent> events = {
      ilb_pass_end_event(w.ilb, kNohzStatsKick, jiffies, idle_cpus, fold, before, after)};
  prove::set_trace_cex(cex, opt, "nohz-next-balance", p,
                       prove::flat_machine(static_cast<int>(cpus)), jiffies, events);
  return cex;
}

// Within a quarter of the range of now: where time_after() is a total order.
z3::expr near_now(const Z3Ops& o, const z3::expr& jiffies, const z3::expr& x) {
  const uint64_t quarter = uint64_t{1} << (o.bits - 2);
  return o.ult(o.add(o.sub(x, jiffies), o.lit(quarter)), o.lit(2 * quarter));
}

// The lemma that lets the statement take the minimum in any order: two steps of
// next_balance_min_update() commute (value and update_next_balance) for any local minimum
// and candidates near now. Proved once per width; then the time_after-minimum of a set, and
// whether any member was earlier than the start, do not depend on the order of the set.
prove::Attempt check_minimum_commutes(const ProveOptions& opt, unsigned bits) {
  prove::WidthSolver ws(opt, bits);
  const Z3Ops& o = ws.o;
  const z3::expr jiffies = o.var("jiffies"), v = o.var("local_next_balance"), x = o.var("x"),
                 y = o.var("y");
  const z3::expr u = ws.c.bool_const("update_next_balance");
  for (const z3::expr& e : {v, x, y}) ws.s.add(near_now(o, jiffies, e));
  const NextBalanceMin<Z3Ops> acc{v, u};
  const auto xy = next_balance_min_update(o, next_balance_min_update(o, acc, x), y);
  const auto yx = next_balance_min_update(o, next_balance_min_update(o, acc, y), x);
  ws.s.add(xy.value != yx.value || xy.updated != yx.updated);
  return prove::attempt(ws.s);
}

// NOHZ-2 (a), CompleteMinimum, at width `bits`: every walk pattern over `cpus` idle CPUs. One
// solver call per ILB CPU and busy set, on the disjunction of its walks' breaches (a fresh
// solver each time: the non-incremental bit-vector solver is far faster than push/pop, and
// the formulas stay small). The statement is check_walk()'s (properties/nohz_invariants.cpp):
// the time_after-minimum, from now+60*HZ, over exactly the idle CPUs (the ILB's own
// included), taken in wrap order from ILB+1; by check_minimum_commutes() any order gives the
// same. Returns the number of walks checked; a counterexample (the first walk, in
// enumeration order, the solver's values break) or an unknown is merged into `r`.
size_t check_walks(const ProveOptions& opt, unsigned bits, unsigned cpus, QueryResult& r) {
  prove::WidthSolver ws(opt, bits);
  const Profile& p = ws.p;
  const Z3Ops& o = ws.o;
  const IlbWalkRule rule = ilb_walk_rule(p);  // the model under test, mutant included
  const Profile era = era_profile(p);         // the statement's horizon

  const z3::expr jiffies = o.var("jiffies"), before = o.var("nohz_next_balance");
  std::vector<z3::expr> next_balance;
  for (unsigned c = 0; c < cpus; ++c)
    next_balance.push_back(o.var(("next_balance_cpu" + std::to_string(c)).c_str()));
  z3::expr_vector near(ws.c);
  near.push_back(near_now(o, jiffies, before));
  for (const z3::expr& nb : next_balance) near.push_back(near_now(o, jiffies, nb));
  const z3::expr start = o.add(jiffies, o.lit(uint64_t{era.next_balance_horizon_s} * era.hz));

  const CpuMask idle_cpus = CpuMask::range(0, static_cast<int>(cpus) - 1);
  size_t walks = 0;
  for (int ilb = 0; ilb < static_cast<int>(cpus); ++ilb) {
    for (uint64_t busy_bits = 0; busy_bits < (uint64_t{1} << cpus); ++busy_bits) {
      CpuMask busy;
      for (unsigned c = 0; c < cpus; ++c)
        if ((busy_bits >> c) & 1u) busy.set(static_cast<int>(c));
      const CpuMask idle = idle_cpus.andnot(busy);
      const size_t idle_count = static_cast<size_t>(idle.weight());
      NextBalanceMin<Z3Ops> min{start, ws.c.bool_val(false)};
      for (int c : idle.cpus_wrap(ilb + 1))
        min = next_balance_min_update(o, min, next_balance[static_cast<size_t>(c)]);
      const z3::expr complete_expected = o.select(min.updated, min.value, before);

      std::vector<z3::expr> breaks, expected;
      z3::expr_vector any(ws.c);
      for (size_t k = 0; k <= idle_count; ++k) {
        PatternWalker<Z3Ops> walker{busy, ilb, k, next_balance};
        const IlbWalkFold<Z3Ops> fold = ilb_walk_fold(o, rule, idle_cpus, ilb, jiffies, walker);
        expected.push_back(k == idle_count ? complete_expected : before);
        breaks.push_back(nohz_next_balance_after_walk(o, rule, fold, before) != expected.back());
        any.push_back(breaks.back());
      }
      walks += breaks.size();
      z3::solver s = prove::make_solver(ws.c, opt.timeout_ms);
      s.add(near);
      s.add(z3::mk_or(any));
      prove::Attempt a = prove::attempt(s);
      if (a.verdict == ProofVerdict::Counterexample) {
        const z3::model m = s.get_model();
        size_t k = 0;
        while (k + 1 < breaks.size() && !prove::truth_of(m, breaks[k])) ++k;
        std::vector<uint64_t> values;
        for (const z3::expr& nb : next_balance) values.push_back(prove::value_of(m, nb));
        a.cex = walk_counterexample(opt, p, bits, cpus, WalkPattern{ilb, busy, k},
                                    prove::value_of(m, jiffies), prove::value_of(m, before), values,
                                    prove::value_of(m, expected[k]));
      }
      if (prove::merge(r, std::move(a))) return walks;
    }
  }
  return walks;
}

// NOHZ-2 (b) at width `bits`: one kick.
prove::Attempt check_kick(const ProveOptions& opt, unsigned bits) {
  prove::WidthSolver w(opt, bits);
  const Profile& p = w.p;
  z3::context& c = w.c;
  const Z3Ops& o = w.o;
  z3::solver& s = w.s;
  const z3::expr jiffies = o.var("jiffies"), before = o.var("nohz_next_balance");
  const z3::expr balance_kick = c.bool_const("balance_kick");
  s.add(near_now(o, jiffies, before));
  const z3::expr after = prove::nohz_kick_encoded(p, jiffies, before, balance_kick);
  const z3::expr next_tick = o.add(jiffies, o.lit(1));
  const z3::expr bound = o.select(time_after(o, next_tick, before), next_tick, before);
  s.add(time_after(o, after, bound));

  prove::Attempt a = prove::attempt(s);
  if (a.verdict != ProofVerdict::Counterexample) return a;
  const z3::model m = s.get_model();
  const uint64_t j = prove::value_of(m, jiffies), b = prove::value_of(m, before),
                 af = prove::value_of(m, after);
  const unsigned flags = prove::truth_of(m, balance_kick) ? kNohzKickMask : kNohzStatsKick;
  Counterexample cex;
  cex.summary.push_back(std::to_string(bits) + "-bit jiffies=" + std::to_string(j) + ", " +
                        nohz_flags_name(flags) + " kick moves nohz.next_balance " +
                        std::to_string(b) + " -> " + std::to_string(af));
  const std::vector<BalanceEvent> events = {NohzKickEvent{0, -1, flags, j, b, af, false, false}};
  prove::set_trace_cex(cex, opt, "nohz-next-balance", p, prove::flat_machine(2), j, events);
  a.cex = std::move(cex);
  return a;
}

QueryResult run_nohz_next_balance(const ProveOptions& opt) {
  QueryResult r = prove::start_result(opt, "nohz-next-balance", "NOHZ-2", defaults());
  const unsigned cpus = prove::bound(opt, defaults(), "cpus");
  const NohzWalkRule walk_rule = nohz_rules(era_profile(opt.profile)).walk;
  std::string what_a;
  if (walk_rule == NohzWalkRule::CompleteMinimum) {
    if (cpus > kMaxWalkCpus) {
      r.verdict = ProofVerdict::Unknown;
      r.reason = "cpus=" + std::to_string(cpus) +
                 ": the ILB walks are enumerated (cpus * 2^cpus busy patterns), up to cpus=" +
                 std::to_string(kMaxWalkCpus);
      return r;
    }
    size_t walks = 0;
    for (unsigned bits : prove::jiffies_widths(opt, defaults())) {
      const prove::Attempt lemma = check_minimum_commutes(opt, bits);
      if (lemma.verdict != ProofVerdict::Proved) {
        r.verdict = ProofVerdict::Unknown;
        r.reason =
            std::to_string(bits) +
            "-bit: the time_after-minimum's order independence was not shown (" +
            (lemma.verdict == ProofVerdict::Unknown ? lemma.reason : std::string("it fails")) + ")";
        return r;
      }
      walks += check_walks(opt, bits, cpus, r);
      if (r.verdict != ProofVerdict::Proved) return r;
    }
    what_a =
        "(a) " + std::to_string(walks) + " ILB walks over " + std::to_string(cpus) +
        " idle CPUs (every ILB CPU, busy pattern and abort point, at each jiffies width) through "
        "ilb_walk_fold(), the model's own walk";
  } else if (walk_rule == NohzWalkRule::OwnerFold) {
    what_a = "(a) not covered: v2.6.32's OwnerFold walk (owner_balance_others()) is not encoded";
  } else {
    what_a = "(a) not checked: the era claims no NOHZ-2 (a) rule";
  }
  for (unsigned bits : prove::jiffies_widths(opt, defaults()))
    if (prove::merge(r, check_kick(opt, bits))) return r;
  if (r.verdict == ProofVerdict::Proved) r.reason = what_a + "; (b) any single kick";
  return r;
}

}  // namespace

QueryInfo nohz_next_balance_query() {
  return {
      "nohz-next-balance", "NOHZ-2",
      "(a) after a complete ILB walk nohz.next_balance is the time_after-minimum of the idle CPUs' "
      "rq->next_balance (the ILB's own included) from now+60*HZ, unchanged after an aborted walk "
      "(eras with "
      "CompleteMinimum: v6.17, v6.19); (b) a kick never moves it later than both its old value and "
      "jiffies+1",
      defaults(), run_nohz_next_balance};
}

}  // namespace sbm
