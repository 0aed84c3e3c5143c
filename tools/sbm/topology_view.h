// `sbm topology show`: the hierarchy as a readable tree, or as Graphviz DOT.
//
// Per-CPU chains repeat the same domain once per CPU (a 512-CPU machine has 512 copies of
// its top domain), so the view merges them into distinct domains keyed by level name and
// span. With non-overlapping levels that is a tree; an overlapping (NUMA) domain may be the
// child of several parents, and is then printed once in full and referenced afterwards.
#pragma once

#include <string>

#include "model/topology.h"

namespace sbm::cli {

std::string render_topology_tree(const Topology& topo);
std::string render_topology_dot(const Topology& topo);

}  // namespace sbm::cli
