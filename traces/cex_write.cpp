#include "traces/cex_write.h"

#include <sstream>

#include "model/topology/build_sched_domains.h"
#include "traces/topology_dump/write.h"
#include "traces/trace_write.h"

namespace sbm {

std::string write_counterexample(const Counterexample& cex) {
  if (cex.kind == Counterexample::Kind::Topology)
    return cex.topology ? write_dmesg(*cex.topology, cex.era) : "";
  // The domains as build_sched_domains() makes them for the profile's era at that jiffy; the
  // header names the SPEC too, so the replay rebuilds exactly this machine.
  const Topology topo = build_sched_domains(cex.machine, cex.profile.version, cex.jiffies);
  std::ostringstream out;
  TraceWriter w(out, cex.profile, [](int) { return std::pair<std::string, int>{"<idle>", 0}; });
  w.header(TraceHeader{cex.generator, &cex.profile, &topo, format_machine_spec(cex.machine)});
  w.jiffy(cex.jiffies);
  for (const BalanceEvent& e : cex.events) w.event(e);
  return out.str();
}

}  // namespace sbm
