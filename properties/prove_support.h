// What the queries of properties/prove.h share: bounds, the seeded solver, reading a model,
// and making a counterexample trace (as data: traces/cex_write.h renders it in format v1).
//
// Layering (design.md): the encodings and counterexamples use the model only; sbm_prove links
// no format writer, and traces/ renders what it finds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <z3++.h>

#include "model/balance_event.h"
#include "model/rq.h"
#include "model/topology/topology_spec.h"
#include "properties/prove.h"
#include "properties/z3_ops.h"

namespace sbm::prove {

// The value of bound `name`: the override in `o.bounds`, else the default of `defaults`.
unsigned bound(const ProveOptions& o, const std::vector<QueryBound>& defaults,
               const std::string& name);
// `defaults` with the overrides applied: the bounds a result reports.
std::vector<QueryBound> used_bounds(const ProveOptions& o, const std::vector<QueryBound>& defaults);

// A solver with a fixed random seed and the per-call timeout.
z3::solver make_solver(z3::context& c, unsigned timeout_ms);
// What a query checked at jiffies width `bits` starts from: the profile at that width, a Z3
// context, the model's Ops over it and a solver with the query's timeout.
struct WidthSolver {
  WidthSolver(const ProveOptions& opt, unsigned bits);
  Profile p;
  z3::context c;
  const Z3Ops o;
  z3::solver s;
};

// unsat -> Proved, sat -> Counterexample, unknown -> Unknown with Z3's reason in `reason`.
ProofVerdict solve(z3::solver& s, std::string& reason);

uint64_t value_of(const z3::model& m, const z3::expr& e);
bool truth_of(const z3::model& m, const z3::expr& e);

// One solver call's outcome; queries make several (per jiffies width, per machine).
struct Attempt {
  ProofVerdict verdict = ProofVerdict::Proved;
  std::string reason;
  std::optional<Counterexample> cex;
};
// Solves `s` into an Attempt (the caller adds the counterexample when sat).
Attempt attempt(z3::solver& s);
// Folds `a` into `r`: a counterexample wins, then unknown, then proved. True once `r` holds
// a counterexample (the query stops there).
bool merge(QueryResult& r, Attempt a);

// The widths of the "jiffies-bits" bound: 32, and 64 as well when the bound is 64.
std::vector<unsigned> jiffies_widths(const ProveOptions& o,
                                     const std::vector<QueryBound>& defaults);

// A result with the query's name, ID and bounds filled in, verdict Proved until merged.
QueryResult start_result(const ProveOptions& o, const std::string& query, const std::string& id,
                         const std::vector<QueryBound>& defaults);

// "sbm prove QUERY --profile P [--mutant M] --bound k=v ...": the trace's generator line.
std::string generator_line(const ProveOptions& o, const std::string& query);

// Makes `cex` a trace of `events`, all in the jiffy `jiffies`, with the header of `p` (its
// name, hz and jiffies width) and the topology build_sched_domains() makes of `spec` for p's
// era (rendered by write_counterexample(), traces/cex_write.h).
void set_trace_cex(Counterexample& cex, const ProveOptions& o, const std::string& query,
                   const Profile& p, const MachineSpec& spec, uint64_t jiffies,
                   std::vector<BalanceEvent> events);

// One pass of rebalance_domains()/sched_balance_domains() over domains that are visited and
// not balanced (none is due, or its SD_SERIALIZE token was busy), as the model's events:
// PassStart, then per domain DomainVisit and NextBalanceCandidate, then NextBalanceWrite. The
// values come from the model's templates on machine integers with p's mutant.
struct PassDomain {
  int level = 0;
  uint64_t last_balance = 0;
  uint64_t interval = 0;
};
std::vector<BalanceEvent> pass_events(const Profile& p, int cpu, uint64_t jiffies,
                                      uint64_t rq_next_balance,
                                      const std::vector<PassDomain>& domains);

// A machine of `cpus` CPUs, one core each, in one node (the counterexample traces need a
// topology of that size and nothing more), and its state at boot under `p`
// (build_sched_domains() for p's era, make_machine()).
MachineSpec flat_machine(int cpus);
MachineState flat_machine_state(const Profile& p, int cpus);

}  // namespace sbm::prove
