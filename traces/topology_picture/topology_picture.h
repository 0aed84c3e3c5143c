// The picture of a sched-domain hierarchy as Graphviz DOT (`sbm topology show --dot/--svg`,
// the picture of `sbm topology check --html`; spec/topology-formats.md, "Topology pictures").
//
// One box per distinct domain (every CPU's copy merged), its groups drawn inside it as cells
// with their capacity and balance mask; every CPU is named on every level it has a domain at.
// Identical sibling subtrees are folded into one box ("8 x SMT span 0-1 ... 14-15") unless
// unfolded; a domain or group a TOPO check found violated is red and names the invariant.
#pragma once

#include <string>

#include "model/topology.h"
#include "properties/topo_invariants.h"

namespace sbm {

struct PictureOptions {
  std::string caption;  // the graph's label: the input's base name, or the SPEC
  bool unfold = false;  // one box per distinct domain, identical siblings not folded
};

// `report` is check_topology(topo): the picture marks what its violations name.
std::string topology_picture_dot(const Topology& topo, const TopoCheckReport& report,
                                 const PictureOptions& options);

}  // namespace sbm
