// lock-order (LOCK-1): up to K CPUs each take two rq locks on one of the two paths
// (rq_lock_path_before(), model/balance/rq_lock.h); can they deadlock? Each CPU holds at most its
// first lock while it waits, so a deadlock is reachable exactly when some set of CPUs holds
// distinct first locks and each waits for a lock another of them holds (every CPU of the set
// takes its first lock in turn, then all wait). The order of each pair comes from the model,
// evaluated on the machine's own rq lock layout (default_rq_lock_layout()); Z3 searches the
// choice of CPUs, rqs and paths. Machines: `cpus` CPUs, without SMT and with 2-way SMT
// numbered adjacent or split (model/topology/topology_spec.h), so the layout is one a trace
// carries.
#include "model/balance/rq_lock.h"
#include "model/topology/build_sched_domains.h"
#include "properties/prove_queries.h"
#include "properties/prove_support.h"

namespace sbm {

namespace {

const std::vector<QueryBound>& defaults() {
  static const std::vector<QueryBound> d = {
      {"cpus", 4, "CPUs of the machine, each may take two rq locks"},
  };
  return d;
}

const char* path_site(RqLockPath path) {
  return path == RqLockPath::DoubleRqLock ? "double_rq_lock" : "double_lock_balance";
}

std::vector<MachineSpec> machines(int cpus) {
  std::vector<MachineSpec> out{prove::flat_machine(cpus)};
  if (cpus >= 4 && cpus % 2 == 0)
    for (SmtNumbering numbering : {SmtNumbering::Adjacent, SmtNumbering::Split}) {
      MachineSpec s;
      s.cores = cpus / 2;
      s.threads = 2;
      s.smt_numbering = numbering;
      out.push_back(s);
    }
  return out;
}

prove::Attempt check_machine(const ProveOptions& opt, const MachineSpec& spec) {
  const Profile& p = opt.profile;
  const int n = spec.nr_cpus();
  const MachineState ms =
      *make_machine(build_sched_domains(spec, p.version, initial_jiffies(p.hz)), p).machine;
  const RqLockLayout layout = default_rq_lock_layout(ms);

  z3::context c;
  z3::solver s = prove::make_solver(c, opt.timeout_ms);
  const auto id = [&](int v) { return c.bv_val(v, 8); };
  std::vector<z3::expr> in, rq1, rq2, balance_path, first, second;
  for (int i = 0; i < n; ++i) {
    const std::string k = std::to_string(i);
    in.push_back(c.bool_const(("in" + k).c_str()));
    rq1.push_back(c.bv_const(("rq1_" + k).c_str(), 8));
    rq2.push_back(c.bv_const(("rq2_" + k).c_str(), 8));
    balance_path.push_back(c.bool_const(("double_lock_balance" + k).c_str()));
    s.add(z3::ult(rq1[i], id(n)) && z3::ult(rq2[i], id(n)));
    // Two distinct locks (with core scheduling, siblings share one and take it once).
    z3::expr distinct = c.bool_val(false);
    for (int a = 0; a < n; ++a)
      for (int b = 0; b < n; ++b)
        if (rq_lock_id(layout, a) != rq_lock_id(layout, b))
          distinct = distinct || (rq1[i] == id(a) && rq2[i] == id(b));
    s.add(distinct);
    // rq1 goes first on the chosen path, by the model's own order.
    z3::expr rq1_first = c.bool_val(false);
    for (RqLockPath path : {RqLockPath::DoubleRqLock, RqLockPath::DoubleLockBalance})
      for (int a = 0; a < n; ++a)
        for (int b = 0; b < n; ++b)
          if (a != b && rq_lock_path_before(p, layout, path, a, b))
            rq1_first =
                rq1_first ||
                ((path == RqLockPath::DoubleLockBalance ? balance_path[i] : !balance_path[i]) &&
                 rq1[i] == id(a) && rq2[i] == id(b));
    first.push_back(z3::ite(rq1_first, rq1[i], rq2[i]));
    second.push_back(z3::ite(rq1_first, rq2[i], rq1[i]));
  }
  z3::expr members = c.int_val(0);
  for (int i = 0; i < n; ++i) {
    members = members + z3::ite(in[i], c.int_val(1), c.int_val(0));
    z3::expr waits_on_member = c.bool_val(false);
    for (int j = 0; j < n; ++j) {
      if (j == i) continue;
      waits_on_member = waits_on_member || (in[j] && first[j] == second[i]);
      if (j > i) s.add(z3::implies(in[i] && in[j], first[i] != first[j]));
    }
    s.add(z3::implies(in[i], waits_on_member));
  }
  s.add(members >= 2);

  prove::Attempt a = prove::attempt(s);
  if (a.verdict != ProofVerdict::Counterexample) return a;
  const z3::model m = s.get_model();
  Counterexample cex;
  cex.summary.push_back("machine " + format_machine_spec(spec) + ", lock order of " + p.name);
  std::vector<BalanceEvent> events;
  // The deadlocking schedule is: every member takes its first lock, then waits for its
  // second. The trace shows the members one after the other instead (each pair taken and
  // dropped), which a checker of the lock order sees in full without a hung CPU.
  for (int i = 0; i < n; ++i) {
    if (!prove::truth_of(m, in[i])) continue;
    const int f = static_cast<int>(prove::value_of(m, first[i])),
              sd = static_cast<int>(prove::value_of(m, second[i]));
    const RqLockPath path = prove::truth_of(m, balance_path[i]) ? RqLockPath::DoubleLockBalance
                                                                : RqLockPath::DoubleRqLock;
    cex.summary.push_back("CPU" + std::to_string(i) + " in " + path_site(path) + ": holds rq" +
                          std::to_string(f) + ", waits for rq" + std::to_string(sd));
    for (auto [rq, action] :
         {std::pair{f, RqLockAction::Acquire}, std::pair{sd, RqLockAction::Acquire},
          std::pair{sd, RqLockAction::Release}, std::pair{f, RqLockAction::Release}})
      events.push_back(RqLockEvent{i, rq, action, path_site(path)});
  }
  prove::set_trace_cex(cex, opt, "lock-order", p, spec, ms.jiffies, events);
  a.cex = std::move(cex);
  return a;
}

QueryResult run_lock_order(const ProveOptions& opt) {
  QueryResult r = prove::start_result(opt, "lock-order", "LOCK-1", defaults());
  for (const MachineSpec& spec : machines(static_cast<int>(prove::bound(opt, defaults(), "cpus"))))
    if (prove::merge(r, check_machine(opt, spec))) break;
  return r;
}

}  // namespace

QueryInfo lock_order_query() {
  return {"lock-order", "LOCK-1",
          "no set of CPUs, each taking two rq locks by double_rq_lock() or double_lock_balance() "
          "in the "
          "profile's order, can deadlock (machines of `cpus` CPUs, with and without SMT)",
          defaults(), run_lock_order};
}

}  // namespace sbm
