#include "tools/sbm/topology_view.h"

#include <set>
#include <sstream>

#include "traces/topology_picture/domain_forest.h"

namespace sbm::cli {

namespace {

std::string group_text(const SchedGroup& sg) {
  std::string s = "{" + sg.span.to_cpulist();
  if (sg.balance_mask && !(*sg.balance_mask == sg.span))
    s += " mask " + sg.balance_mask->to_cpulist();
  return s + "}";
}

std::string details(const DomainNode& n) {
  const SchedDomain& sd = *n.sample;
  std::string out;
  if (sd.groups) {
    const auto& groups = *sd.groups;
    out += ", " + std::to_string(groups.size()) + (groups.size() == 1 ? " group" : " groups") + ":";
    constexpr size_t kShown = 8;
    for (size_t i = 0; i < groups.size() && i < kShown; ++i) out += " " + group_text(groups[i]);
    if (groups.size() > kShown)
      out += " ... (+" + std::to_string(groups.size() - kShown) + " more)";
  }
  if (sd.span && !(n.base_of.empty()) && !(n.base_of == *sd.span) && !n.children.empty())
    out += "; base domain of CPUs " + n.base_of.to_cpulist();
  return out;
}

void render_node(const DomainForest& f, int id, int depth, std::set<int>& printed,
                 std::ostream& os) {
  const DomainNode& n = f.nodes[static_cast<size_t>(id)];
  os << std::string(static_cast<size_t>(depth) * 2, ' ') << "- " << n.label;
  if (!printed.insert(id).second) {
    os << " (shown above)\n";
    return;
  }
  os << details(n) << "\n";
  for (int c : n.children) render_node(f, c, depth + 1, printed, os);
}

}  // namespace

std::string render_topology_tree(const Topology& topo) {
  const DomainForest f = build_domain_forest(topo);
  std::ostringstream os;
  os << "topology: " << (topo.source.file.empty() ? "<unnamed>" : topo.source.file) << " ("
     << topo.source.format;
  if (topo.era) os << ", " << topo.era->str();
  os << ", " << topo.cpus.size() << " CPUs described)\n";
  if (!topo.cpu_node.empty() && !topo.node_distance.empty()) {
    os << "numa: " << topo.node_distance.size() << " nodes, distances:";
    for (const auto& row : topo.node_distance) {
      os << " ";
      for (size_t j = 0; j < row.size(); ++j) os << (j ? ":" : "") << row[j];
    }
    os << "\n";
  }
  std::set<int> printed;
  for (int r : f.roots) render_node(f, r, 0, printed, os);
  for (int cpu : f.null_cpus)
    os << "- CPU" << cpu << ": no sched domains (attached to the NULL domain)\n";
  return os.str();
}

}  // namespace sbm::cli
