// sbm demo: the main job on a built-in default, for a first look at what sbm does.
#include <filesystem>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "model/profile.h"
#include "model/sim/simulator.h"
#include "model/topology/build_sched_domains.h"
#include "model/topology/topology_spec.h"
#include "properties/check_all.h"
#include "properties/prove.h"
#include "properties/topo_invariants.h"
#include "tools/sbm/cli_common.h"
#include "tools/sbm/commands.h"
#include "tools/sbm/report.h"
#include "tools/sbm/topology_view.h"
#include "tools/sbm/trace_view_out.h"
#include "traces/cex_write.h"

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
  for (const DomainVerdict& d : r.domains)
    checked_domains += d.outcome != CheckOutcome::NotCheckable;
  std::cout << "TOPO invariants: " << held << " of " << r.checks.size() << " hold over "
            << checked_domains << " (CPU, domain) pairs; " << r.violations.size()
            << " violations\n";
  for (const Violation& v : r.violations) std::cout << "  " << format_violation(v) << "\n";
}

// Counts what a run did, for the demo's report.
class CountingObserver final : public SimObserver {
 public:
  void emit(const BalanceEvent& e) override {
    if (const auto* m = std::get_if<TaskMigrateEvent>(&e)) {
      ++migrations;
      if (first_migrations.size() < 5) first_migrations.push_back(*m);
    }
  }
  uint64_t migrations = 0;
  std::vector<TaskMigrateEvent> first_migrations;
};

void simulate_2s_numa() {
  constexpr uint64_t kTicks = 3000;
  const std::string workload = "numa-imbalance";
  std::cout << "\n== 4. simulate 2s-numa under profile v6.17 for " << kTicks << " ticks (workload "
            << workload << ", seed 1), checking every balancing property after every step\n";
  SimConfig config;
  config.machine = *parse_machine_spec("2s-numa").spec;
  config.profile = *find_profile("v6.17").profile;
  config.workload = workload;
  config.seed = 1;
  Simulator::Build build = Simulator::create(config);
  if (!build.sim) throw UsageError("demo simulation: " + build.error);
  PropertyChecker checker;
  CountingObserver observer;
  checker.run_ticks(*build.sim, kTicks, observer);
  checker.flush(*build.sim);
  const SimSummary& s = build.sim->summary();
  std::cout << "balancing: " << s.passes << " sched_balance_domains() passes, " << s.balances
            << " sched_balance_rq() calls, " << s.migrations << " tasks migrated ("
            << s.active_balances << " by active balance), SD_SERIALIZE token busy "
            << s.serialize_busy << " times\n";
  for (const TaskMigrateEvent& m : observer.first_migrations)
    std::cout << "  migration: pid " << m.pid << " CPU" << m.from_cpu << " -> CPU" << m.to_cpu
              << " (balance of CPU" << m.cpu << " domain-" << m.level
              << (m.active ? ", active balance" : "") << ")\n";
  std::cout << "properties:";
  for (const CheckSummary& c : checker.summary())
    std::cout << " " << c.id << "=" << outcome_name(c.outcome) << "(" << c.instances << ")";
  std::cout << "\n" << checker.violations().size() << " violations\n";
  for (const Violation& v : checker.violations()) std::cout << "  " << format_violation(v) << "\n";
}

void print_result(const QueryResult& r) {
  std::cout << r.query << " (" << r.property_id << "): "
            << (r.verdict == ProofVerdict::Proved ? "proved within bound"
                                                  : std::string(verdict_name(r.verdict)))
            << " [";
  for (size_t i = 0; i < r.bounds.size(); ++i)
    std::cout << (i ? " " : "") << r.bounds[i].name << "=" << r.bounds[i].value;
  std::cout << "]\n";
  if (r.cex)
    for (const std::string& line : r.cex->summary) std::cout << "  " << line << "\n";
}

// A bounded proof, then the same kind of query on a buggy variant of the model, whose
// counterexample trace the unmutated model's replay rejects.
void prove_and_mutate(const std::string& out_dir) {
  std::cout << "\n== 5. bounded proofs with Z3 (sbm prove), and a buggy variant of the model "
               "(--mutant)\n";
  ProveOptions po;
  po.profile = *find_profile("v6.17").profile;
  po.build = build_options_for(po.profile.version);
  po.bounds = {{"cpus", 6}};
  print_result(find_query("serialize")->run(po));
  ProveOptions mutated;
  mutated.profile = po.profile;
  mutated.build = po.build;
  mutated.bounds = {{"jiffies-bits", 32}};
  apply_mutant(Mutant::PlainLt, mutated.profile, &mutated.build);
  std::cout << "mutant plain-lt: " << mutant_info(Mutant::PlainLt).stands_for << "\n";
  const QueryResult r = find_query("next-balance")->run(mutated);
  print_result(r);
  if (!r.cex) return;
  // The counterexample goes to disk, so that the names printed below are files one can open.
  const std::filesystem::path dir(out_dir);
  const std::string trace = (dir / "counterexample.trace").string();
  const std::string page = (dir / "counterexample.html").string();
  const std::string text = write_counterexample(*r.cex);
  write_output(trace, text);
  std::cout << "its trace, replayed into the unmutated model (sbm trace check " << trace << "):\n";
  for (const Violation& v : write_counterexample_view(page, text, trace))
    std::cout << "  " << format_violation(v) << "\n";
  std::cout << "counterexample written to " << trace << ", drawn to " << page << "\n";
}

int run_demo(const std::string& out_dir) {
  const KernelVersion modern{6, 17, 0};
  std::cout << "== 1. build_sched_domains() for preset 2s-numa at " << modern.str()
            << " (2 sockets x 8 cores x 2 threads, 2 nodes)\n";
  const Topology numa = build_preset("2s-numa", modern);
  std::cout << render_topology_tree(numa);
  print_check(numa);

  // spec/bugs.md #8: before 585b6d2723dc (v5.13) overlapping NUMA groups were built from a
  // sibling's child domain even when it reached past the span (NUMA diameter > 2).
  const KernelVersion before_fix{5, 8, 0};
  std::cout
      << "\n== 2. the same builder at " << before_fix.str()
      << " on preset segmented-bus (4 nodes in a chain, distances 10/20/30/40)\n"
      << "   the kernel printed \"ERROR: groups don't span domain->span\" here (spec/bugs.md #8)\n";
  const Topology bus = build_preset("segmented-bus", before_fix);
  std::cout << render_topology_tree(bus);
  print_check(bus);
  std::cout << "\n== 3. the fixed builder (" << modern.str() << ") on segmented-bus\n";
  print_check(build_preset("segmented-bus", modern));
  simulate_2s_numa();
  prove_and_mutate(out_dir);
  std::cout << "\nNext: 'sbm topology check <your dmesg>' on a sched_verbose boot log, "
               "'sbm trace check <your trace>' on ftrace / trace-cmd / perf script output, "
               "'sbm prove --help' for the queries, 'sbm mutants' to measure the suite.\n";
  return kConforms;
}

}  // namespace

void add_demo_command(CLI::App& app, int& status) {
  CLI::App* d = app.add_subcommand(
      "demo",
      "Build realistic topologies with the model and check every TOPO invariant, simulate one "
      "under "
      "v6.17 checking every balancing property, prove a bounded query with Z3 and show a buggy "
      "variant's counterexample rejected by trace replay");
  auto out_dir = std::make_shared<std::string>(".");
  d->add_option("--out", *out_dir,
                "Directory for the counterexample's trace and picture (default: the current one)");
  d->footer(
      "Examples:\n"
      "  sbm demo\n"
      "  sbm demo --out /tmp/demo | less");
  d->callback([out_dir, &status] { status = run_demo(*out_dir); });
}

}  // namespace sbm::cli
