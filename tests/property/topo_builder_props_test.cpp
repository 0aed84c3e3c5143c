// Property: what the builder (model/build_sched_domains.h) makes at a modern era satisfies
// every TOPO invariant (spec/invariants.md), for random machines of up to 256 CPUs with
// random symmetric NUMA distance tables and random online CPU sets.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "model/build_sched_domains.h"
#include "properties/topo_invariants.h"
#include "tests/property/machine_gen.h"

namespace sbm {
namespace {

void expect_every_check_holds(const MachineSpec& m, KernelVersion era) {
  RC_LOG() << "sbm topology build '" << format_machine_spec(m) << "' --era " << era.str() << "\n";
  const Topology t = build_sched_domains(m, era, 0);
  const TopoCheckReport r = check_topology(t);
  for (const Violation& v : r.violations)
    RC_LOG() << v.id << " CPU" << v.cpu << " domain-" << v.level << ": " << v.explanation << "\n";
  RC_ASSERT(r.violations.empty());
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

}  // namespace
}  // namespace sbm
