// next-balance (NB-1): the rebalance loop's next_balance minimum, on Z3 bit-vectors through
// the model's own templates (next_balance_min_update(), next_balance_after_pass(),
// model/balance/balance_interval.h), against an independent statement of the minimum.
#include "properties/prove_queries.h"

#include "model/balance/balance_interval.h"
#include "properties/prove_support.h"
#include "properties/z3_ops.h"

namespace sbm {

namespace {

const std::vector<QueryBound>& defaults() {
  static const std::vector<QueryBound> d = {
      {"domains", 4, "sched domains the pass walks, each visited or not"},
      {"jiffies-bits", 64, "jiffies widths checked: 32, and 64 as well when 64"},
      {"cpus", 8, "online CPUs; intervals range over [1, HZ*cpus/10] (INT-1's cap)"},
  };
  return d;
}

// What both encodings share: the profile at width `bits`, the solver, now (jiffies), the
// value rq->next_balance had, the pass's starting minimum, and the domain constraints.
struct Frame : prove::WidthSolver {
  Frame(const ProveOptions& opt, unsigned bits, unsigned cpus)
      : WidthSolver(opt, bits),
        quarter(uint64_t{1} << (bits - 2)),
        cap(balance_interval_cap(prove::flat_machine_state(p, static_cast<int>(cpus)))),
        jiffies(o.var("jiffies")),
        rq_next_balance(o.var("rq_next_balance")),
        start(o.add(jiffies, o.lit(uint64_t{p.next_balance_horizon_s} * p.hz))) {}

  // Whether rq->next_balance is written when no domain fed it: in the model under test, and
  // in the era's kernel (the statement; an era-switch mutant changes only the former).
  bool model_always() const { return p.next_balance_write == NextBalanceWrite::Always; }
  bool era_always() const { return era_profile(p).next_balance_write == NextBalanceWrite::Always; }
  // key(x) orders deadlines by their distance from now: the statement, written without
  // time_after.
  z3::expr key(const z3::expr& x) const { return o.add(o.sub(x, jiffies), o.lit(quarter)); }
  // A domain balanced within the last eighth of the range, with an interval in [1, cap]
  // (INT-1's cap on this machine; without one, below an eighth): so every deadline lies within
  // a quarter of the range of now, where time_after() is a total order (include/linux/jiffies.h:
  // meaningful for |a - b| < 2^(w-1)).
  void constrain_domain(const z3::expr& last_balance, const z3::expr& interval) {
    s.add(o.ult(o.sub(jiffies, last_balance), o.lit(quarter / 2)));
    s.add(o.ult(o.lit(0), interval));
    s.add(cap ? o.lnot(o.ult(o.lit(cap), interval)) : o.ult(interval, o.lit(quarter / 2)));
  }

  const uint64_t quarter;
  const uint64_t cap;  // balance_interval_cap() (0: none, v2.6.20)
  const z3::expr jiffies, rq_next_balance, start;
};

prove::Attempt check_width(const ProveOptions& opt, unsigned bits, unsigned nr_domains,
                           unsigned cpus) {
  Frame f(opt, bits, cpus);
  const Profile& p = f.p;
  z3::context& c = f.c;
  const Z3Ops& o = f.o;
  z3::solver& s = f.s;
  const z3::expr &jiffies = f.jiffies, &rq_next_balance = f.rq_next_balance, &start = f.start;
  const auto key = [&f](const z3::expr& x) { return f.key(x); };

  std::vector<z3::expr> visited, last_balance, interval;
  NextBalanceMin<Z3Ops> acc{start, c.bool_val(false)};
  z3::expr expected_min = start, fed = c.bool_val(false);
  for (unsigned i = 0; i < nr_domains; ++i) {
    const std::string n = std::to_string(i);
    visited.push_back(c.bool_const(("visited" + n).c_str()));
    last_balance.push_back(o.var(("last_balance" + n).c_str()));
    interval.push_back(o.var(("interval" + n).c_str()));
    f.constrain_domain(last_balance[i], interval[i]);
    const z3::expr candidate = o.add(last_balance[i], interval[i]);

    // The model: the loop's update at "out:", for a visited domain only.
    const auto next = next_balance_min_update(o, acc, candidate, p.mutant);
    acc = {o.select(visited[i], next.value, acc.value),
           z3::ite(visited[i], next.updated, acc.updated)};

    // The statement: the earliest of start and the visited candidates.
    const z3::expr earlier = visited[i] && o.ult(key(candidate), key(expected_min));
    expected_min = o.select(earlier, candidate, expected_min);
    fed = fed || (visited[i] && o.ult(key(candidate), key(start)));
  }
  const z3::expr result = next_balance_after_pass(o, rq_next_balance, acc, f.model_always());
  const z3::expr expected =
      o.select(o.lor(o.truth(f.era_always()), fed), expected_min, rq_next_balance);
  s.add(result != expected);

  prove::Attempt w = prove::attempt(s);
  if (w.verdict != ProofVerdict::Counterexample) return w;

  const z3::model m = s.get_model();
  const uint64_t j = prove::value_of(m, jiffies), old = prove::value_of(m, rq_next_balance);
  std::vector<prove::PassDomain> domains;
  Counterexample cex;
  cex.summary.push_back(std::to_string(bits) + "-bit jiffies=" + std::to_string(j) +
                        ", rq->next_balance before the pass=" + std::to_string(old));
  for (unsigned i = 0; i < nr_domains; ++i) {
    if (!prove::truth_of(m, visited[i])) continue;
    domains.push_back({static_cast<int>(i), prove::value_of(m, last_balance[i]),
                       prove::value_of(m, interval[i])});
    cex.summary.push_back("domain " + std::to_string(i) +
                          ": last_balance=" + std::to_string(domains.back().last_balance) +
                          " interval=" + std::to_string(domains.back().interval));
  }
  if (domains.empty())
    cex.summary.push_back(
        "no domain visited (each skipped: a CPU whose domains lack SD_LOAD_BALANCE, <= 5.7)");
  cex.summary.push_back(
      "the pass leaves rq->next_balance=" + std::to_string(prove::value_of(m, result)) +
      ", the time_after-minimum is " + std::to_string(prove::value_of(m, expected)));
  const std::vector<BalanceEvent> events = prove::pass_events(p, 0, j, old, domains);
  prove::set_trace_cex(cex, opt, "next-balance", p, prove::flat_machine(static_cast<int>(cpus)), j,
                       events);
  w.cex = std::move(cex);
  return w;
}

// The same statement by induction over the domains, for any number of them. Invariant of the
// loop's local (value v, updated u): v is the statement's minimum so far, a deadline within
// the window, no later than start, and u == (v is earlier than start). One visited domain
// keeps it (the step), and the write after the loop then gives the statement (the end).
// Unsat proves the pass for every number of domains; sat says only that the invariant is not
// preserved, and the bounded unrolling above then looks for a pass that shows it.
prove::Attempt check_inductive(const ProveOptions& opt, unsigned bits, unsigned cpus) {
  Frame f(opt, bits, cpus);
  const Profile& p = f.p;
  const Z3Ops& o = f.o;
  z3::solver& s = f.s;
  const z3::expr &rq_next_balance = f.rq_next_balance, &start = f.start;
  const auto key = [&f](const z3::expr& x) { return f.key(x); };
  const z3::expr v = o.var("local_next_balance"), u = f.c.bool_const("update_next_balance");
  s.add(o.ult(key(v), o.lit(2 * f.quarter)) && !o.ult(key(start), key(v)));
  s.add(u == o.ult(key(v), key(start)));
  const z3::expr last_balance = o.var("last_balance"), interval = o.var("interval");
  f.constrain_domain(last_balance, interval);
  const z3::expr candidate = o.add(last_balance, interval);

  const NextBalanceMin<Z3Ops> acc{v, u};
  const auto next = next_balance_min_update(o, acc, candidate, p.mutant);
  const z3::expr expected_v = o.select(o.ult(key(candidate), key(v)), candidate, v);
  const z3::expr step_breaks =
      next.value != expected_v || next.updated != o.ult(key(expected_v), key(start));
  const z3::expr end_breaks = next_balance_after_pass(o, rq_next_balance, acc, f.model_always()) !=
                              o.select(o.lor(o.truth(f.era_always()), u), v, rq_next_balance);
  s.add(step_breaks || end_breaks);
  return prove::attempt(s);
}

QueryResult run_next_balance(const ProveOptions& opt) {
  QueryResult r = prove::start_result(opt, "next-balance", "NB-1", defaults());
  const unsigned nr_domains = prove::bound(opt, defaults(), "domains");
  const unsigned cpus = prove::bound(opt, defaults(), "cpus");
  bool inductive = true;
  for (unsigned bits : prove::jiffies_widths(opt, defaults())) {
    prove::Attempt a = check_inductive(opt, bits, cpus);
    if (a.verdict == ProofVerdict::Counterexample) {
      inductive = false;
      a = check_width(opt, bits, nr_domains, cpus);
    }
    if (prove::merge(r, std::move(a))) break;
  }
  if (r.verdict == ProofVerdict::Proved && inductive)
    r.reason = "inductive over the domains: holds for any number of them";
  return r;
}

}  // namespace

QueryInfo next_balance_query() {
  return {
      "next-balance", "NB-1",
      "the pass leaves rq->next_balance at the time_after-minimum of last_balance + interval over "
      "the visited domains (kept when none fed it; always written in v2.6.20)",
      defaults(), run_next_balance};
}

}  // namespace sbm
