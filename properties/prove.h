// `sbm prove`: bounded queries over the model with Z3, each about one invariant of
// spec/invariants.md (catalogue and exact statements: spec/queries.md). A query answers
//   Proved          the solver showed the property for every input within the bounds (unsat),
//   Counterexample  an input within the bounds that breaks it (sat), written as a file the
//                   matching checker rejects with the same ID (`sbm trace check` for a trace,
//                   `sbm topology check` for a topology dump),
//   Unknown         timeout or resource limit; never a proof.
// Arithmetic queries run the model's own templates on Z3Ops (properties/z3_ops.h); protocol
// queries encode the model's step functions, and tests/z3 checks encoding and model agree on
// random concrete inputs. Z3 is seeded, so a query gives the same answer and the same
// counterexample text every time. No wall clock here: the tool layer times each run.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/profile.h"
#include "model/topology/build_options.h"
#include "properties/counterexample.h"

namespace sbm {

enum class ProofVerdict { Proved, Counterexample, Unknown };  // unsat / sat / unknown

struct QueryBound {
  std::string name;  // "domains"
  unsigned value = 0;
  std::string meaning;  // "sched domains walked by the pass"
};

struct ProveOptions {
  Profile profile;                         // apply_mutant() already applied by the caller
  BuildOptions build;                      // for topo-builder (mutant applied too)
  std::map<std::string, unsigned> bounds;  // overrides of the defaults, by bound name
  unsigned timeout_ms = 60000;             // per solver call; a timeout is Unknown
};

struct QueryResult {
  std::string query, property_id;  // "next-balance", "NB-1"
  ProofVerdict verdict = ProofVerdict::Unknown;
  std::vector<QueryBound> bounds;  // the bounds actually used
  std::string reason;              // for Unknown: timeout / resource limit; for Proved: the method
  std::optional<Counterexample> cex;
};

struct QueryInfo {
  std::string name, property_id, statement;  // statement: one line for --help and spec
  std::vector<QueryBound> default_bounds;
  QueryResult (*run)(const ProveOptions&);
};

const std::vector<QueryInfo>& query_catalogue();
const QueryInfo* find_query(std::string_view name);

// "proved" / "counterexample" / "unknown".
std::string_view verdict_name(ProofVerdict v);

// Checks `bounds` against the query's bound names and ranges; "" when they are fine, else
// "unknown bound 'x' for next-balance (known: domains, jiffies-bits)" and the like.
std::string check_bounds(const QueryInfo& q, const std::map<std::string, unsigned>& bounds);

}  // namespace sbm
