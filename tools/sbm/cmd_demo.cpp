// sbm demo: the main job on a built-in default, for a first look at what sbm does.
#include <iostream>

#include <CLI/CLI.hpp>

#include "model/build_sched_domains.h"
#include "model/topology_spec.h"
#include "properties/topo_invariants.h"
#include "tools/sbm/cli_common.h"
#include "tools/sbm/commands.h"
#include "tools/sbm/report.h"
#include "tools/sbm/topology_view.h"

namespace sbm::cli {

namespace {

Topology build_preset(const std::string& spec_text, KernelVersion era) {
  const SpecParse spec = parse_machine_spec(spec_text);
  if (!spec.spec) throw UsageError("built-in SPEC '" + spec_text + "': " + spec.error);
  return build_sched_domains(*spec.spec, era, 0);
}

void print_check(const Topology& topo) {
  const TopoCheckReport r = check_topology(topo);
  int held = 0, checked_domains = 0;
  for (const CheckSummary& c : r.checks) held += c.outcome == CheckOutcome::Holds;
  for (const DomainVerdict& d : r.domains) checked_domains += d.outcome != CheckOutcome::NotCheckable;
  std::cout << "TOPO invariants: " << held << " of " << r.checks.size() << " hold over " << checked_domains
            << " (CPU, domain) pairs; " << r.violations.size() << " violations\n";
  for (const Violation& v : r.violations) std::cout << "  " << format_violation(v) << "\n";
}

int run_demo() {
  const KernelVersion modern{6, 17, 0};
  std::cout << "== 1. build_sched_domains() for preset 2s-numa at " << modern.str()
            << " (2 sockets x 8 cores x 2 threads, 2 nodes)\n";
  const Topology numa = build_preset("2s-numa", modern);
  std::cout << render_topology_tree(numa);
  print_check(numa);

  // bugs.md #8: before 585b6d2723dc (v5.13) overlapping NUMA groups were built from a
  // sibling's child domain even when it reached past the span (NUMA diameter > 2).
  const KernelVersion before_fix{5, 8, 0};
  std::cout << "\n== 2. the same builder at " << before_fix.str()
            << " on preset segmented-bus (4 nodes in a chain, distances 10/20/30/40)\n"
            << "   the kernel printed \"ERROR: groups don't span domain->span\" here (bugs.md #8)\n";
  const Topology bus = build_preset("segmented-bus", before_fix);
  std::cout << render_topology_tree(bus);
  print_check(bus);
  std::cout << "\n== 3. the fixed builder (" << modern.str() << ") on segmented-bus\n";
  print_check(build_preset("segmented-bus", modern));
  std::cout << "\nNext: 'sbm topology check <your dmesg>' on a sched_verbose boot log, "
               "'sbm topology build --help' for presets.\n";
  return kConforms;
}

}  // namespace

void add_demo_command(CLI::App& app, int& status) {
  CLI::App* d = app.add_subcommand(
      "demo", "Build realistic topologies with the model, print them and check every TOPO invariant");
  d->callback([&status] { status = run_demo(); });
}

}  // namespace sbm::cli
