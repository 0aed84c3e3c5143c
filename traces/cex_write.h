// The file `sbm prove --cex` writes for a counterexample (properties/counterexample.h): a
// sched_verbose dump for topo-builder, which `sbm topology check` rejects, or a trace in format v1
// (spec/trace-format.md), which `sbm trace check` rejects, with the same property ID.
#pragma once

#include <string>

#include "properties/counterexample.h"

namespace sbm {

std::string write_counterexample(const Counterexample& cex);

}  // namespace sbm
