// The distinct domains of a hierarchy, for the views of `sbm topology show` and the pictures.
//
// Per-CPU chains repeat the same domain once per CPU (a 512-CPU machine has 512 copies of
// its top domain), so the views merge them into distinct domains keyed by level name and
// span. With non-overlapping levels that is a tree; an overlapping (NUMA) domain may be the
// child of several parents.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/topology.h"

namespace sbm {

// A distinct domain of the hierarchy: every CPU's copy of it merged.
struct DomainNode {
  std::string label;  // "MC span=0-15 (16 CPUs)"
  const SchedDomain* sample = nullptr;
  int sample_cpu = -1;     // the lowest CPU whose chain holds it: its view is shown
  std::set<int> children;  // node ids
  CpuMask base_of;         // CPUs for which this is the base domain (rq->sd)
  CpuMask held_by;         // CPUs whose chain holds it
  std::set<int> levels;    // its index in those chains (domain-N); one in a sane hierarchy
  bool is_top = false;
};

struct DomainForest {
  std::vector<DomainNode> nodes;
  std::vector<int> roots;
  std::vector<int> null_cpus;                  // CPUs attaching a NULL sched-domain
  std::map<std::pair<int, int>, int> node_of;  // (CPU, domain-N) -> node id
};

DomainForest build_domain_forest(const Topology& topo);

}  // namespace sbm
