// interval-bounds (INT-1): get_sd_balance_interval() (model/balance/balance_interval.h) run on Z3
// bit-vectors for every balance_interval, busy_factor, busy state and online CPU count.
#include "model/balance/balance_interval.h"
#include "properties/prove_queries.h"
#include "properties/prove_support.h"
#include "properties/z3_ops.h"

namespace sbm {

namespace {

const std::vector<QueryBound>& defaults() {
  static const std::vector<QueryBound> d = {
      {"cpus", 64, "online CPUs, 1..cpus (max_load_balance_interval = HZ*online/10)"},
      {"jiffies-bits", 64, "jiffies widths checked: 32, and 64 as well when 64"},
  };
  return d;
}

prove::Attempt check_width(const ProveOptions& opt, unsigned bits, unsigned max_cpus) {
  prove::WidthSolver w(opt, bits);
  const Profile& p = w.p;
  z3::context& c = w.c;
  const Z3Ops& o = w.o;
  z3::solver& s = w.s;

  // sd->balance_interval and sd->busy_factor are unsigned ints (struct sched_domain).
  const z3::expr balance_interval = o.var("balance_interval"), busy_factor = o.var("busy_factor");
  const z3::expr busy = c.bool_const("busy"), online = o.var("online");
  if (bits > 32) {
    s.add(o.ult(balance_interval, o.lit(uint64_t{1} << 32)));
    s.add(o.ult(busy_factor, o.lit(uint64_t{1} << 32)));
  }
  s.add(o.ult(o.lit(0), online) && !o.ult(o.lit(max_cpus), online));
  // The cap of the era: HZ*NR_CPUS/10 (2.6.21-2.6.3x), update_max_interval()'s
  // HZ*num_online_cpus()/10 later (model/rq.cpp), none in v2.6.20.
  const bool capped = p.interval_cap != IntervalCap::None;
  const z3::expr cap = p.interval_cap == IntervalCap::NrCpus
                           ? o.lit(uint64_t{p.hz} * p.nr_cpus / 10)
                           : o.udiv(o.mul(o.lit(p.hz), online), o.lit(10));
  const z3::expr interval =
      get_sd_balance_interval(o, balance_interval, busy_factor, busy, interval_rule(p), cap);
  s.add(o.ult(interval, o.lit(1)) || (o.truth(capped) && o.ult(cap, interval)));

  prove::Attempt a = prove::attempt(s);
  if (a.verdict != ProofVerdict::Counterexample) return a;
  const z3::model m = s.get_model();
  const int n = static_cast<int>(prove::value_of(m, online));
  const uint64_t iv = prove::value_of(m, interval);
  Counterexample cex;
  cex.summary.push_back(std::to_string(bits) + "-bit jiffies, " + std::to_string(n) +
                        " online CPUs, cap " +
                        (capped ? std::to_string(prove::value_of(m, cap)) : std::string("none")));
  cex.summary.push_back("balance_interval=" + std::to_string(prove::value_of(m, balance_interval)) +
                        " ms, busy_factor=" + std::to_string(prove::value_of(m, busy_factor)) +
                        ", busy=" + (prove::truth_of(m, busy) ? "1" : "0") + " -> interval " +
                        std::to_string(iv) + " jiffies");
  // The interval as the pass would show it: one visited domain at boot.
  const uint64_t j = initial_jiffies(p.hz);
  const std::vector<BalanceEvent> events = prove::pass_events(p, 0, j, j, {{0, j, iv}});
  prove::set_trace_cex(cex, opt, "interval-bounds", p, prove::flat_machine(n), j, events);
  a.cex = std::move(cex);
  return a;
}

QueryResult run_interval_bounds(const ProveOptions& opt) {
  QueryResult r = prove::start_result(opt, "interval-bounds", "INT-1", defaults());
  const unsigned cpus = prove::bound(opt, defaults(), "cpus");
  for (unsigned bits : prove::jiffies_widths(opt, defaults()))
    if (prove::merge(r, check_width(opt, bits, cpus))) break;
  return r;
}

}  // namespace

QueryInfo interval_bounds_query() {
  return {"interval-bounds", "INT-1",
          "get_sd_balance_interval() stays in [1, the era's cap] for every balance_interval, "
          "busy_factor, "
          "busy state and online CPU count",
          defaults(), run_interval_bounds};
}

}  // namespace sbm
