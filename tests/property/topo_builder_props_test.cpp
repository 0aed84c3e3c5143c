// Property: what the builder (model/topology/build_sched_domains.h) makes at a modern era satisfies
// every TOPO invariant (spec/invariants.md), for random machines of up to 256 CPUs with
// random symmetric NUMA distance tables and random online CPU sets; at the 2.6.x eras (the
// NODE/ALLNODES builder, BuildOptions::sched_domain_node_span) none is violated.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "model/topology/build_sched_domains.h"
#include "properties/topo_invariants.h"
#include "tests/property/machine_gen.h"

namespace sbm {
namespace {

// Checks `t`, built from `m` at `era`, logging the command and any violation; asserts none.
TopoCheckReport expect_no_violation(const MachineSpec& m, KernelVersion era, const Topology& t) {
  RC_LOG() << "sbm topology build '" << format_machine_spec(m) << "' --era " << era.str() << "\n";
  TopoCheckReport r = check_topology(t);
  for (const Violation& v : r.violations)
    RC_LOG() << v.id << " CPU" << v.cpu << " domain-" << v.level << ": " << v.explanation << "\n";
  RC_ASSERT(r.violations.empty());
  return r;
}

void expect_every_check_holds(const MachineSpec& m, KernelVersion era) {
  const Topology t = build_sched_domains(m, era, 0);
  const TopoCheckReport r = expect_no_violation(m, era, t);
  const bool has_domains = std::any_of(t.cpus.begin(), t.cpus.end(),
                                       [](const auto& kv) { return !kv.second.domains.empty(); });
  for (const CheckSummary& s : r.checks) {
    RC_LOG() << s.id << ": " << outcome_name(s.outcome) << " " << s.reason << "\n";
    // A built topology carries every field, so with any domain every check can run. A
    // single online CPU has none (all degenerate); only its root domain can be checked.
    if (has_domains || s.id == "TOPO-ROOT-SPAN") {
      RC_ASSERT(s.outcome == CheckOutcome::Holds);
      RC_ASSERT(s.reason.empty());
    } else {
      RC_ASSERT(s.outcome == CheckOutcome::NotCheckable);
    }
  }
}

RC_GTEST_PROP(TopoBuilderProps, BuiltHierarchiesSatisfyEveryTopoInvariant, ()) {
  expect_every_check_holds(*testgen::gen_machine(256), testgen::pick_modern_era());
}

RC_GTEST_PROP(TopoBuilderProps, BuiltNumaHierarchiesSatisfyEveryTopoInvariant, ()) {
  expect_every_check_holds(*testgen::gen_machine(128, 3), testgen::pick_modern_era());
}

// v2.6.20 and v2.6.32 have no sched_group::flags, so TOPO-GROUP-FLAGS cannot run there; the
// generator's machines have at most 8 nodes, where every NODE domain spans the cpu_map.
RC_GTEST_PROP(TopoBuilderProps, Built2_6xHierarchiesViolateNoTopoInvariant, ()) {
  const MachineSpec m = *testgen::gen_machine(128, 2);
  const KernelVersion era = *rc::gen::element(KernelVersion{2, 6, 20}, KernelVersion{2, 6, 32});
  expect_no_violation(m, era, build_sched_domains(m, era, 0));
}

}  // namespace
}  // namespace sbm
