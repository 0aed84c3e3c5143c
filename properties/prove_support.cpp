#include "properties/prove_support.h"

#include "model/balance/balance_interval.h"
#include "model/topology/build_sched_domains.h"

namespace sbm::prove {

unsigned bound(const ProveOptions& o, const std::vector<QueryBound>& defaults,
               const std::string& name) {
  if (const auto it = o.bounds.find(name); it != o.bounds.end()) return it->second;
  for (const QueryBound& b : defaults)
    if (b.name == name) return b.value;
  return 0;
}

std::vector<QueryBound> used_bounds(const ProveOptions& o,
                                    const std::vector<QueryBound>& defaults) {
  std::vector<QueryBound> used = defaults;
  for (QueryBound& b : used) b.value = bound(o, defaults, b.name);
  return used;
}

namespace {
Profile at_width(Profile p, unsigned bits) {
  p.jiffies_bits = bits;
  return p;
}
}  // namespace

WidthSolver::WidthSolver(const ProveOptions& opt, unsigned bits)
    : p(at_width(opt.profile, bits)), o{&c, bits}, s(make_solver(c, opt.timeout_ms)) {}

z3::solver make_solver(z3::context& c, unsigned timeout_ms) {
  z3::solver s(c);
  z3::params p(c);
  p.set("random_seed", 1u);
  p.set("timeout", timeout_ms);
  s.set(p);
  return s;
}

ProofVerdict solve(z3::solver& s, std::string& reason) {
  switch (s.check()) {
    case z3::unsat:
      return ProofVerdict::Proved;
    case z3::sat:
      return ProofVerdict::Counterexample;
    case z3::unknown:
      break;
  }
  reason = s.reason_unknown();
  if (reason == "canceled") reason = "timeout";
  return ProofVerdict::Unknown;
}

uint64_t value_of(const z3::model& m, const z3::expr& e) {
  return m.eval(e, true).get_numeral_uint64();
}

bool truth_of(const z3::model& m, const z3::expr& e) { return m.eval(e, true).is_true(); }

Attempt attempt(z3::solver& s) {
  Attempt a;
  a.verdict = solve(s, a.reason);
  return a;
}

bool merge(QueryResult& r, Attempt a) {
  if (r.verdict == ProofVerdict::Counterexample) return true;
  if (a.verdict == ProofVerdict::Counterexample) {
    r.verdict = a.verdict;
    r.reason.clear();
    r.cex = std::move(a.cex);
    return true;
  }
  if (a.verdict == ProofVerdict::Unknown) {
    r.verdict = a.verdict;
    r.reason = a.reason;
  }
  return false;
}

std::vector<unsigned> jiffies_widths(const ProveOptions& o,
                                     const std::vector<QueryBound>& defaults) {
  if (bound(o, defaults, "jiffies-bits") == 64) return {32, 64};
  return {32};
}

QueryResult start_result(const ProveOptions& o, const std::string& query, const std::string& id,
                         const std::vector<QueryBound>& defaults) {
  QueryResult r;
  r.query = query;
  r.property_id = id;
  r.bounds = used_bounds(o, defaults);
  r.verdict = ProofVerdict::Proved;
  return r;
}

std::string generator_line(const ProveOptions& o, const std::string& query) {
  std::string g = "sbm prove " + query + " --profile " + o.profile.name;
  if (o.profile.mutant != Mutant::None)
    g += " --mutant " + std::string(mutant_info(o.profile.mutant).name);
  for (const auto& [k, v] : o.bounds) g += " --bound " + k + "=" + std::to_string(v);
  return g;
}

void set_trace_cex(Counterexample& cex, const ProveOptions& o, const std::string& query,
                   const Profile& p, const MachineSpec& spec, uint64_t jiffies,
                   std::vector<BalanceEvent> events) {
  cex.kind = Counterexample::Kind::Trace;
  cex.generator = generator_line(o, query);
  cex.profile = p;
  cex.machine = spec;
  cex.jiffies = jiffies;
  cex.events = std::move(events);
}

std::vector<BalanceEvent> pass_events(const Profile& p, int cpu, uint64_t jiffies,
                                      uint64_t rq_next_balance,
                                      const std::vector<PassDomain>& domains) {
  const WrapOps o{p.jiffies_bits};
  std::vector<BalanceEvent> events;
  const uint64_t start = o.add(jiffies, o.lit(uint64_t{p.next_balance_horizon_s} * p.hz));
  events.push_back(
      PassStartEvent{cpu, cpu, jiffies, CpuIdleType::NotIdle, true, start, rq_next_balance});
  NextBalanceMin<WrapOps> acc{start, false};
  for (const PassDomain& d : domains) {
    const uint64_t candidate = o.add(d.last_balance, d.interval);
    events.push_back(DomainVisitEvent{cpu, d.level, "level" + std::to_string(d.level), jiffies,
                                      d.interval, d.last_balance,
                                      time_after_eq(o, jiffies, candidate)});
    const auto next = next_balance_min_update(o, acc, candidate, p.mutant);
    events.push_back(
        NextBalanceCandidateEvent{cpu, d.level, candidate, next.value != acc.value, next.value});
    acc = next;
  }
  const bool always = p.next_balance_write == NextBalanceWrite::Always;
  events.push_back(NextBalanceWriteEvent{cpu, rq_next_balance,
                                         next_balance_after_pass(o, rq_next_balance, acc, always),
                                         always || acc.updated});
  return events;
}

MachineSpec flat_machine(int cpus) {
  MachineSpec s;
  s.cores = cpus;
  return s;
}

MachineState flat_machine_state(const Profile& p, int cpus) {
  const uint64_t boot = initial_jiffies(p.hz);
  return *make_machine(build_sched_domains(flat_machine(cpus), p.version, boot), p).machine;
}

}  // namespace sbm::prove
