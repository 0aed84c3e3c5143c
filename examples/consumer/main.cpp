// Uses the installed sbm libraries: builds preset 2s-numa's sched domains and checks the TOPO
// invariants (sbm::model, sbm::properties), simulates it a few hundred ticks checking every
// balancing property, writes the run as a trace and checks that trace (sbm::traces).
// Exit 0 when everything holds, 1 otherwise.
#include <iostream>
#include <sstream>

#include "model/profile.h"
#include "model/sim/simulator.h"
#include "model/topology/build_sched_domains.h"
#include "model/topology/topology_spec.h"
#include "properties/check_all.h"
#include "properties/topo_invariants.h"
#include "traces/trace_check.h"
#include "traces/trace_reader.h"
#include "traces/trace_write.h"

int main() {
  const sbm::SpecParse spec = sbm::parse_machine_spec("2s-numa");
  if (!spec.spec) {
    std::cerr << "2s-numa: " << spec.error << "\n";
    return 1;
  }
  const sbm::Topology topo = sbm::build_sched_domains(*spec.spec, sbm::KernelVersion{6, 17, 0}, 0);
  const sbm::TopoCheckReport topo_report = sbm::check_topology(topo);

  sbm::SimConfig config;
  config.machine = *spec.spec;
  config.profile = *sbm::find_profile("v6.17").profile;
  config.workload = "numa-imbalance";
  config.seed = 1;
  sbm::Simulator::Build build = sbm::Simulator::create(config);
  if (!build.sim) {
    std::cerr << "simulator: " << build.error << "\n";
    return 1;
  }
  std::ostringstream trace;
  sbm::TraceWriter writer = sbm::start_trace(trace, *build.sim, "sbm_consumer", "2s-numa");
  sbm::TraceObserver observer(writer);
  sbm::PropertyChecker checker;
  checker.run_ticks(*build.sim, 300, observer);
  checker.flush(*build.sim);

  std::istringstream in(trace.str());
  sbm::TraceReader reader(in);
  sbm::TraceCheck check(sbm::TraceCheckLane{}, /*stop_at_first=*/false, "consumer.trace");
  sbm::check_trace(reader, check);

  const sbm::SimSummary& s = build.sim->summary();
  std::cout << "2s-numa: " << topo_report.checks.size() << " TOPO checks, "
            << topo_report.violations.size() << " violations; 300 ticks: " << s.balances
            << " sched_balance_rq() calls, " << s.migrations << " migrations, "
            << checker.violations().size()
            << " property violations; trace replay: " << check.result().violations.size()
            << " violations\n";
  const bool ok = topo_report.violations.empty() && !topo_report.checks.empty() &&
                  checker.violations().empty() && s.balances > 0 && check.result().replayed() &&
                  check.result().violations.empty();
  return ok ? 0 : 1;
}
