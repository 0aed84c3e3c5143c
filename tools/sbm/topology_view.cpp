#include "tools/sbm/topology_view.h"

#include <map>
#include <set>
#include <sstream>

namespace sbm::cli {

namespace {

// A distinct domain of the hierarchy: every CPU's copy of it merged.
struct Node {
  std::string label;  // "MC span=0-15"
  const SchedDomain* sample = nullptr;
  int sample_cpu = -1;     // the lowest CPU whose chain holds it: its view is shown
  std::set<int> children;  // node ids
  CpuMask base_of;         // CPUs for which this is the base domain (rq->sd)
  bool is_top = false;
};

struct Forest {
  std::vector<Node> nodes;
  std::vector<int> roots;
  std::vector<int> null_cpus;  // CPUs attaching a NULL sched-domain
};

std::string node_key(int cpu, size_t level, const SchedDomain& sd) {
  // Without a span the input gives no way to merge views: keep one node per CPU and level.
  if (!sd.span) return "cpu" + std::to_string(cpu) + "/" + std::to_string(level);
  return sd.name + "|" + sd.span->to_cpulist();
}

Forest build_forest(const Topology& topo) {
  Forest f;
  std::map<std::string, int> ids;
  for (const auto& [cpu, chain] : topo.cpus) {
    if (chain.domains.empty()) {
      f.null_cpus.push_back(cpu);
      continue;
    }
    int child = -1;
    for (size_t level = 0; level < chain.domains.size(); ++level) {
      const SchedDomain& sd = chain.domains[level];
      const std::string key = node_key(cpu, level, sd);
      auto [it, inserted] = ids.emplace(key, static_cast<int>(f.nodes.size()));
      if (inserted) {
        Node n;
        n.label = (sd.name.empty() ? std::string("domain") : sd.name) +
                  (sd.span ? " span=" + sd.span->to_cpulist() + " (" +
                                 std::to_string(sd.span->weight()) + " CPUs)"
                           : " (CPU" + std::to_string(cpu) + " domain-" + std::to_string(level) +
                                 ", span not in the input)");
        n.sample = &sd;
        n.sample_cpu = cpu;
        f.nodes.push_back(std::move(n));
      }
      Node& node = f.nodes[static_cast<size_t>(it->second)];
      if (level == 0) node.base_of.set(cpu);
      if (child >= 0) node.children.insert(child);
      if (level + 1 == chain.domains.size()) node.is_top = true;
      child = it->second;
    }
  }
  for (size_t i = 0; i < f.nodes.size(); ++i)
    if (f.nodes[i].is_top) f.roots.push_back(static_cast<int>(i));
  return f;
}

std::string group_text(const SchedGroup& sg) {
  std::string s = "{" + sg.span.to_cpulist();
  if (sg.balance_mask && !(*sg.balance_mask == sg.span))
    s += " mask " + sg.balance_mask->to_cpulist();
  return s + "}";
}

std::string details(const Node& n) {
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

void render_node(const Forest& f, int id, int depth, std::set<int>& printed, std::ostream& os) {
  const Node& n = f.nodes[static_cast<size_t>(id)];
  os << std::string(static_cast<size_t>(depth) * 2, ' ') << "- " << n.label;
  if (!printed.insert(id).second) {
    os << " (shown above)\n";
    return;
  }
  os << details(n) << "\n";
  for (int c : n.children) render_node(f, c, depth + 1, printed, os);
}

std::string dot_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

}  // namespace

std::string render_topology_tree(const Topology& topo) {
  const Forest f = build_forest(topo);
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

std::string render_topology_dot(const Topology& topo) {
  const Forest f = build_forest(topo);
  std::ostringstream os;
  os << "digraph sched_domains {\n"
     << "  label=\"" << dot_escape(topo.source.file) << "\";\n"
     << "  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (size_t i = 0; i < f.nodes.size(); ++i) {
    const Node& n = f.nodes[i];
    std::string label = dot_escape(n.label);
    if (n.sample->groups) label += "\\n" + std::to_string(n.sample->groups->size()) + " groups";
    if (n.children.empty()) label += "\\nCPUs " + n.base_of.to_cpulist();
    os << "  d" << i << " [label=\"" << label << "\"];\n";
  }
  for (size_t i = 0; i < f.nodes.size(); ++i)
    for (int c : f.nodes[i].children) os << "  d" << i << " -> d" << c << ";\n";
  for (int cpu : f.null_cpus)
    os << "  null" << cpu << " [label=\"CPU" << cpu << "\\nNULL domain\", shape=ellipse];\n";
  os << "}\n";
  return os.str();
}

}  // namespace sbm::cli
