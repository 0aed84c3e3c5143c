// `sbm topology show`: the hierarchy as a readable tree of distinct domains (the picture,
// --dot and --svg, is traces/topology_picture/). An overlapping (NUMA) domain that is the
// child of several parents is printed once in full and referenced afterwards.
#pragma once

#include <string>

#include "model/topology.h"

namespace sbm::cli {

std::string render_topology_tree(const Topology& topo);

}  // namespace sbm::cli
