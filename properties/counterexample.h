// A counterexample of `sbm prove` (properties/prove.h) as data, in a header of its own so
// that its writer (traces/cex_write.h) needs nothing else of the prover.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/balance_event.h"
#include "model/kernel_version.h"
#include "model/profile.h"
#include "model/topology.h"
#include "model/topology/topology_spec.h"

namespace sbm {

// A counterexample as data. write_counterexample() (traces/cex_write.h) renders it as the
// file --cex writes; the format writers live in traces/, a layer above this one.
struct Counterexample {
  enum class Kind { Topology, Trace };
  Kind kind = Kind::Trace;
  std::vector<std::string> summary;  // a few lines a person reads: the schedule / values
  // Topology: the domains the builder made (a sched_verbose dump of them, as `era` prints it).
  std::optional<Topology> topology;
  KernelVersion era;
  // Trace (format v1): its `# generator:` line, the profile of its header (name, hz, jiffies
  // width), the machine (domains built for the profile's era) and the events, all in one jiffy.
  std::string generator;
  Profile profile;
  MachineSpec machine;
  uint64_t jiffies = 0;
  std::vector<BalanceEvent> events;
};

// "topology" / "trace": what --cex writes, and which `sbm ... check` reads it.
inline std::string_view counterexample_kind_name(Counterexample::Kind k) {
  return k == Counterexample::Kind::Topology ? "topology" : "trace";
}

}  // namespace sbm
