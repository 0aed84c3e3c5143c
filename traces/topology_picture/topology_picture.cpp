#include "traces/topology_picture/topology_picture.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <sstream>

#include "traces/topology_picture/domain_forest.h"
#include "traces/xml_escape.h"

namespace sbm {

namespace {

constexpr size_t kGroupsPerRow = 8;    // group cells wrap into rows of this many
constexpr size_t kSiblingsPerRow = 3;  // a tier of more boxes than this is stacked in rows

// Escaped for an HTML-like label, with "\n" as a line break.
std::string lines(const std::string& s) {
  std::string out;
  size_t from = 0;
  for (size_t at; (at = s.find('\n', from)) != std::string::npos; from = at + 1)
    out += xml_escape(s.substr(from, at - from)) + "<BR/>";
  return out + xml_escape(s.substr(from));
}

// A long file name wraps at its dashes, so that the caption does not widen the picture.
std::string wrapped_caption(const std::string& caption) {
  constexpr size_t kWidth = 20;
  std::string out;
  size_t line = 0;
  for (char ch : caption) {
    out += ch;
    if (++line >= kWidth && (ch == '-' || ch == '_')) {
      out += '\n';
      line = 0;
    }
  }
  return out;
}

std::string join(const std::set<int>& xs, const char* sep) {
  std::string s;
  for (int x : xs) s += (s.empty() ? "" : sep) + std::to_string(x);
  return s;
}

// What the checks found, placed on the boxes: a violation names a CPU's domain-N, which is
// one distinct domain; a group finding also names the group's input line.
struct Marks {
  std::map<int, std::vector<const Violation*>> by_node;
  // About a CPU with no domains (TOPO-ROOT-SPAN): drawn on its NULL-domain box. Every TOPO
  // finding names a CPU, and a domain of its chain or none.
  std::vector<const Violation*> loose;
};

Marks place(const DomainForest& f, const TopoCheckReport& report) {
  Marks m;
  for (const Violation& v : report.violations) {
    const auto it = f.node_of.find({v.cpu, v.level});
    if (it == f.node_of.end())
      m.loose.push_back(&v);
    else
      m.by_node[it->second].push_back(&v);
  }
  return m;
}

class Picture {
 public:
  Picture(const Topology& topo, const TopoCheckReport& report, const PictureOptions& o)
      : f_(build_domain_forest(topo)), marks_(place(f_, report)), o_(o) {}

  std::string dot() {
    os_ << "digraph sched_domains {\n"
        << "  graph [label=\"" << dot_escape(wrapped_caption(o_.caption))
        << "\", labelloc=t, fontname=\"monospace\", nodesep=0.2, ranksep=0.35];\n"
        << "  node [shape=plaintext, fontname=\"monospace\", fontsize=10];\n"
        << "  edge [arrowhead=none, color=\"#5a6b85\"];\n";
    draw_classes(f_.roots, 0);
    for (const std::vector<std::string>& tier : tiers_) stack(tier);
    if (f_.nodes.empty() && f_.null_cpus.empty())
      os_ << "  empty [shape=box, label=\"the input\\ndescribes no\\nCPU's domains\"];\n";
    null_cpus();
    os_ << "}\n";
    return os_.str();
  }

 private:
  static std::string dot_escape(const std::string& s) {
    std::string out;
    for (char ch : s) {
      if (ch == '\n') {
        out += "\\n";
        continue;
      }
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    return out;
  }

  // The shape of a subtree: what a box shows, minus CPU numbers. Siblings of one shape fold.
  const std::string& shape(int id) {
    auto it = shapes_.find(id);
    if (it != shapes_.end()) return it->second;
    // A broken dump can repeat a domain below itself: the placeholder ends that recursion.
    shapes_[id] = "@" + std::to_string(id);
    const DomainNode& n = f_.nodes[static_cast<size_t>(id)];
    std::string s = n.sample->name + "/" + join(n.levels, ",") + "/" +
                    std::to_string(n.sample->span ? n.sample->span->weight() : -1) + "/" +
                    std::to_string(n.held_by.weight());
    if (n.sample->groups)
      for (const SchedGroup& g : *n.sample->groups)
        s += "{" + std::to_string(g.span.weight()) + "," +
             (g.capacity ? std::to_string(*g.capacity) : "?") + "," +
             std::to_string(g.effective_balance_mask().weight()) + "}";
    // A violated box is never folded: it names its own CPUs.
    if (marks_.by_node.count(id) != 0) s += "#" + std::to_string(id);
    s += "[";
    for (int c : n.children) s += shape(c) + ";";
    s += "]";
    return shapes_[id] = std::move(s);
  }

  // Partitions ids into classes drawn as one box each: equal shapes, or one id per class when
  // unfolded. Order: first appearance.
  std::vector<std::vector<int>> classes(const std::vector<int>& ids) {
    std::vector<std::vector<int>> out;
    std::map<std::string, size_t> index;
    std::set<int> seen;
    for (int id : ids) {
      if (!seen.insert(id).second) continue;
      const std::string key = o_.unfold ? std::to_string(id) : shape(id);
      auto [it, inserted] = index.emplace(key, out.size());
      if (inserted) out.emplace_back();
      out[it->second].push_back(id);
    }
    return out;
  }

  std::vector<std::string> draw_classes(const std::vector<int>& ids, size_t depth) {
    std::vector<std::string> names;
    for (const std::vector<int>& c : classes(ids)) names.push_back(draw(c, depth));
    return names;
  }

  // More boxes of one tier than fit a row are stacked by invisible edges, to keep the picture
  // near square rather than one wide strip.
  void stack(const std::vector<std::string>& siblings) {
    if (siblings.size() <= kSiblingsPerRow) return;
    const auto per_row = static_cast<size_t>(std::ceil(std::sqrt(siblings.size())));
    for (size_t i = 0; i + per_row < siblings.size(); ++i)
      os_ << "  " << siblings[i] << " -> " << siblings[i + per_row] << " [style=invis];\n";
  }

  std::string draw(const std::vector<int>& members, size_t depth) {
    auto it = drawn_.find(members);
    if (it != drawn_.end()) return it->second;
    const std::string name = "d" + std::to_string(drawn_.size());
    drawn_.emplace(members, name);
    if (tiers_.size() <= depth) tiers_.resize(depth + 1);
    tiers_[depth].push_back(name);
    os_ << "  " << name << " [label=<" << box(members) << ">];\n";
    std::vector<int> children;
    for (int m : members)
      for (int c : f_.nodes[static_cast<size_t>(m)].children) children.push_back(c);
    for (const std::string& c : draw_classes(children, depth + 1))
      os_ << "  " << name << " -> " << c << ";\n";
    return name;
  }

  std::string header(const std::vector<int>& members) const {
    const DomainNode& first = f_.nodes[static_cast<size_t>(members.front())];
    const SchedDomain& sd = *first.sample;
    if (members.size() == 1)
      return sd.span ? first.label
                     : (sd.name.empty() ? std::string("domain") : sd.name) +
                           "\n(span not in the input)";
    const SchedDomain& last = *f_.nodes[static_cast<size_t>(members.back())].sample;
    std::string s = std::to_string(members.size()) + " x " +
                    (sd.name.empty() ? std::string("domain") : sd.name);
    if (!sd.span || !last.span) return s + " (spans not in the input)";
    return s + " {" + sd.span->to_cpulist() + (members.size() == 2 ? "} {" : "} ... {") +
           last.span->to_cpulist() + "} (" + std::to_string(sd.span->weight()) + " CPUs each)";
  }

  std::string box(const std::vector<int>& members) const {
    const DomainNode& first = f_.nodes[static_cast<size_t>(members.front())];
    const SchedDomain& sd = *first.sample;
    CpuMask cpus;
    std::set<int> levels;
    std::vector<const Violation*> found;
    for (int m : members) {
      const DomainNode& n = f_.nodes[static_cast<size_t>(m)];
      cpus |= n.held_by;
      levels.insert(n.levels.begin(), n.levels.end());
      if (auto v = marks_.by_node.find(m); v != marks_.by_node.end())
        found.insert(found.end(), v->second.begin(), v->second.end());
    }
    const size_t ngroups = sd.groups ? sd.groups->size() : 0;
    const size_t width = std::max<size_t>(1, std::min(ngroups, kGroupsPerRow));
    const std::string span = " COLSPAN=\"" + std::to_string(width) + "\"";
    const bool red = !found.empty();
    std::ostringstream b;
    b << "<TABLE BORDER=\"" << (red ? 2 : 1) << "\" CELLBORDER=\"1\" CELLSPACING=\"0\" "
      << "CELLPADDING=\"3\" COLOR=\"" << (red ? "red" : "#5a6b85") << "\">";
    b << "<TR><TD" << span << " BGCOLOR=\"" << (red ? "#ffd0d0" : "#e3eaf5") << "\"><B>"
      << lines(header(members)) << "</B></TD></TR>";
    b << "<TR><TD" << span << ">domain-" << join(levels, ",") << " of CPUs " << cpus.to_cpulist();
    if (domain_has_overlapping_groups(sd)) b << "<BR/>overlapping groups";
    if (ngroups > 0)
      b << "<BR/>" << ngroups << (ngroups == 1 ? " group" : " groups") << " as CPU"
        << first.sample_cpu << " sees them";
    else if (!sd.groups)
      b << "<BR/>groups not in the input";
    b << "</TD></TR>";
    for (size_t i = 0; i < ngroups; ++i) {
      if (i % kGroupsPerRow == 0) b << (i ? "</TR>" : "") << "<TR>";
      b << group_cell((*sd.groups)[i], first.sample_cpu, found);
    }
    if (ngroups > 0) b << "</TR>";
    for (const std::string& line : finding_lines(found))
      b << "<TR><TD" << span << " ALIGN=\"LEFT\"><FONT COLOR=\"red\">" << xml_escape(line)
        << "</FONT></TD></TR>";
    b << "</TABLE>";
    return b.str();
  }

  static std::string group_cell(const SchedGroup& g, int cpu,
                                const std::vector<const Violation*>& found) {
    bool red = false;
    for (const Violation* v : found) red |= v->cpu == cpu && v->line > 0 && v->line == g.line;
    std::string s = std::string("<TD") + (red ? " BGCOLOR=\"#ffd0d0\"" : "") + ">" +
                    (red ? "<FONT COLOR=\"red\">" : "") + "{" + g.span.to_cpulist() + "}";
    if (g.capacity) s += "<BR/>cap " + std::to_string(*g.capacity);
    if (!(g.effective_balance_mask() == g.span))
      s += "<BR/>mask " + g.effective_balance_mask().to_cpulist();
    return s + (red ? "</FONT>" : "") + "</TD>";
  }

  // "TOPO-GROUPS-SPAN: CPUs 0-3", one line per invariant ID, in the checker's order.
  static std::vector<std::string> finding_lines(const std::vector<const Violation*>& found) {
    std::vector<std::string> ids;
    std::map<std::string, CpuMask> cpus;
    for (const Violation* v : found) {
      if (cpus.count(v->id) == 0) ids.push_back(v->id);
      CpuMask& m = cpus[v->id];
      if (v->cpu >= 0) m.set(v->cpu);
    }
    std::vector<std::string> lines;
    for (const std::string& id : ids)
      lines.push_back(id + (cpus[id].empty() ? "" : ": CPU " + cpus[id].to_cpulist()));
    return lines;
  }

  void null_cpus() {
    if (f_.null_cpus.empty()) return;
    std::vector<std::vector<int>> boxes;
    if (o_.unfold)
      for (int cpu : f_.null_cpus) boxes.push_back({cpu});
    else
      boxes.push_back(f_.null_cpus);
    std::vector<std::string> names;
    for (const std::vector<int>& cpus : boxes) {
      CpuMask m;
      for (int cpu : cpus) m.set(cpu);
      // What the checks found about these CPUs (TOPO-ROOT-SPAN: in the root span, no domain).
      std::vector<const Violation*> found;
      std::copy_if(marks_.loose.begin(), marks_.loose.end(), std::back_inserter(found),
                   [&](const Violation* v) { return v->cpu >= 0 && m.test(v->cpu); });
      names.push_back("null" + std::to_string(cpus.front()));
      os_ << "  " << names.back() << " [shape=box, "
          << (found.empty() ? "" : "color=red, fontcolor=red, penwidth=2, ") << "label=\"CPUs "
          << m.to_cpulist() << "\\nno sched domains (NULL domain)";
      for (const std::string& line : finding_lines(found)) os_ << "\\n" << dot_escape(line);
      os_ << "\"];\n";
    }
    stack(names);
  }

  DomainForest f_;
  Marks marks_;
  PictureOptions o_;
  std::map<int, std::string> shapes_;
  std::map<std::vector<int>, std::string> drawn_;
  std::vector<std::vector<std::string>> tiers_;  // the boxes by their depth below a root
  std::ostringstream os_;
};

}  // namespace

std::string topology_picture_dot(const Topology& topo, const TopoCheckReport& report,
                                 const PictureOptions& options) {
  return Picture(topo, report, options).dot();
}

}  // namespace sbm
