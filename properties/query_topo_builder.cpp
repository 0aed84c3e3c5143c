// topo-builder (TOPO-*): bounded exhaustive, without Z3. Every machine description within
// the bounds is built by the model's builder (build_sched_domains() with the run's
// BuildOptions) and checked by the TOPO checker (check_topology(), properties/topo_invariants.h).
// Descriptions: 1..nodes NUMA nodes, every symmetric distance table whose remote entries are
// drawn from the first `distances` of 20, 30, 40, 50 (the local distance is 10), and every
// number of cores per node that keeps the machine within `cpus` CPUs (one thread per core).
// "Proved" means: all of these, each one built and checked.
#include "model/topology/build_sched_domains.h"
#include "properties/prove_queries.h"
#include "properties/prove_support.h"
#include "properties/topo_invariants.h"

namespace sbm {

namespace {

const std::vector<QueryBound>& defaults() {
  static const std::vector<QueryBound> d = {
      {"cpus", 8, "CPUs of the machine at most"},
      {"nodes", 4, "NUMA nodes, 1..nodes"},
      {"distances", 3, "remote distances drawn from the first N of 20, 30, 40, 50"},
  };
  return d;
}

// The remote entries (i < j) of the n-node table number `index`, in base `values.size()`.
std::vector<std::vector<int>> distance_table(int n, uint64_t index,
                                             const std::vector<int>& values) {
  std::vector<std::vector<int>> t(static_cast<size_t>(n),
                                  std::vector<int>(static_cast<size_t>(n), kLocalDistance));
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      const int v = values[index % values.size()];
      index /= values.size();
      t[static_cast<size_t>(i)][static_cast<size_t>(j)] =
          t[static_cast<size_t>(j)][static_cast<size_t>(i)] = v;
    }
  return t;
}

QueryResult run_topo_builder(const ProveOptions& opt) {
  QueryResult r = prove::start_result(opt, "topo-builder", "TOPO-*", defaults());
  const int max_cpus = static_cast<int>(prove::bound(opt, defaults(), "cpus"));
  const int max_nodes = static_cast<int>(prove::bound(opt, defaults(), "nodes"));
  std::vector<int> values;
  for (unsigned k = 0; k < prove::bound(opt, defaults(), "distances"); ++k)
    values.push_back(20 + 10 * static_cast<int>(k));
  const KernelVersion era = opt.profile.version;
  uint64_t built = 0;
  for (int n = 1; n <= max_nodes && n <= max_cpus; ++n) {
    uint64_t tables = 1;
    for (int pairs = n * (n - 1) / 2; pairs > 0; --pairs) tables *= values.size();
    for (uint64_t t = 0; t < tables; ++t)
      for (int cores = 1; n * cores <= max_cpus; ++cores) {
        MachineSpec spec;
        spec.cores = n * cores;
        spec.nodes = n;
        if (n > 1) spec.distance = distance_table(n, t, values);
        if (!validate_machine_spec(spec).empty()) continue;
        const Topology topo =
            build_sched_domains(spec, era, initial_jiffies(opt.profile.hz), opt.build);
        ++built;
        const TopoCheckReport report = check_topology(topo);
        if (report.violations.empty()) continue;
        const Violation& v = report.violations.front();
        r.verdict = ProofVerdict::Counterexample;
        r.property_id = v.id;
        Counterexample cex;
        cex.kind = Counterexample::Kind::Topology;
        cex.topology = topo;
        cex.era = era;
        cex.summary.push_back("machine " + format_machine_spec(spec));
        cex.summary.push_back(v.id + " CPU" + std::to_string(v.cpu) + " level " +
                              std::to_string(v.level) + ": expected " + v.expected + ", observed " +
                              v.observed);
        r.cex = std::move(cex);
        return r;
      }
  }
  r.reason =
      "bounded exhaustive: " + std::to_string(built) + " machines built and checked (no solver)";
  return r;
}

}  // namespace

QueryInfo topo_builder_query() {
  return {
      "topo-builder", "TOPO-*",
      "every machine within the bounds (nodes, distance tables, cores per node) builds domains and "
      "groups that satisfy every TOPO invariant",
      defaults(), run_topo_builder};
}

}  // namespace sbm
