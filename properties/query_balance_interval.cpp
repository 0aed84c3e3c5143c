// balance-interval (BI-1): the back-off of sd->balance_interval (balance_interval_backoff(),
// model/balance/balance_interval.h) on 32-bit Z3 bit-vectors. The proof is inductive, so it holds
// for any number of calls: from any value at or below the ceiling, one call stays at or below it.
#include "model/balance/balance_interval.h"
#include "properties/prove_queries.h"
#include "properties/prove_support.h"
#include "properties/z3_ops.h"

namespace sbm {

namespace {

const std::vector<QueryBound>& defaults() {
  static const std::vector<QueryBound> d = {
      {"cpus", 64,
       "machines of 2..cpus CPUs; their domains give min_interval and max_interval (sd_init())"},
  };
  return d;
}

QueryResult run_balance_interval(const ProveOptions& opt) {
  QueryResult r = prove::start_result(opt, "balance-interval", "BI-1", defaults());
  const Profile& p = opt.profile;
  const int max_cpus = static_cast<int>(prove::bound(opt, defaults(), "cpus"));
  z3::context c;
  const Z3Ops o{&c, 32};  // sd->balance_interval is an unsigned int
  z3::solver s = prove::make_solver(c, opt.timeout_ms);

  // max_interval ranges over what the model's sd_init() gives the base domain of every
  // machine within the bound; `machine_of` finds the machine again for the trace.
  const z3::expr max_interval = o.var("max_interval");
  std::map<unsigned, int> machine_of;
  for (int n = 2; n <= max_cpus; ++n) {
    const MachineState m = prove::flat_machine_state(p, n);
    if (!m.rq(0).sd.empty()) machine_of.emplace(m.rq(0).sd[0].max_interval, n);
  }
  z3::expr some_machine = c.bool_val(false);
  for (const auto& [mi, n] : machine_of) some_machine = some_machine || max_interval == o.lit(mi);
  s.add(some_machine);

  // The documented ceiling (spec/kernel-facts.md §0.5): the test comes before the doubling, so
  // balance_interval reaches 2*(MAX_PINNED_INTERVAL-1) = 1022 with ALL_PINNED and
  // 2*(max_interval-1) without; the larger of the two.
  const z3::expr pinned_ceiling = o.lit(2 * (uint64_t{p.max_pinned_interval} - 1));
  const z3::expr own_ceiling = o.sub(o.add(max_interval, max_interval), o.lit(2));
  const z3::expr ceiling =
      o.select(o.ult(pinned_ceiling, own_ceiling), own_ceiling, pinned_ceiling);
  const z3::expr bi = o.var("balance_interval"), all_pinned = c.bool_const("all_pinned");
  s.add(o.ult(o.lit(0), bi) && !o.ult(ceiling, bi));
  const z3::expr next =
      balance_interval_backoff(o, bi, max_interval, all_pinned, p.max_pinned_interval, p.mutant);
  s.add(o.ult(ceiling, next));

  prove::Attempt a = prove::attempt(s);
  if (a.verdict == ProofVerdict::Counterexample) {
    const z3::model m = s.get_model();
    const unsigned mi = static_cast<unsigned>(prove::value_of(m, max_interval));
    const unsigned before = static_cast<unsigned>(prove::value_of(m, bi));
    const unsigned after = static_cast<unsigned>(prove::value_of(m, next));
    const int n = machine_of.at(mi);
    Counterexample cex;
    cex.summary.push_back(std::to_string(n) +
                          "-CPU machine, base domain max_interval=" + std::to_string(mi) +
                          ", ceiling " + std::to_string(prove::value_of(m, ceiling)));
    cex.summary.push_back("balance_interval " + std::to_string(before) + " -> " +
                          std::to_string(after) +
                          (prove::truth_of(m, all_pinned) ? " (ALL_PINNED)" : ""));
    // One balance of the base domain that found nothing to pull, as the model reports it.
    const MachineState ms = prove::flat_machine_state(p, n);
    const uint64_t j = ms.jiffies;
    const uint64_t interval = sd_balance_interval(ms, ms.rq(0).sd[0], false);
    const std::vector<BalanceEvent> events = {
        BalanceResultEvent{0, 0, CpuIdleType::Idle, 0, false, true, j, interval, before, after}};
    prove::set_trace_cex(cex, opt, "balance-interval", p, prove::flat_machine(n), j, events);
    a.cex = std::move(cex);
  }
  prove::merge(r, std::move(a));
  r.reason =
      r.verdict == ProofVerdict::Proved ? "inductive: holds after any number of calls" : r.reason;
  return r;
}

}  // namespace

QueryInfo balance_interval_query() {
  return {"balance-interval", "BI-1",
          "sd->balance_interval never passes max(2*(MAX_PINNED_INTERVAL-1), 2*(max_interval-1)) "
          "(1022 with "
          "ALL_PINNED), after any number of back-offs",
          defaults(), run_balance_interval};
}

}  // namespace sbm
