// `sbm topology check --html REPORT.html`: one self-contained page (no network) with, for
// every input, its picture (inline SVG from graphviz's dot) next to the check's findings.
#pragma once

#include <string>
#include <vector>

namespace sbm::cli {

struct TopologyHtmlSection {
  std::string file;                   // as the report names it
  std::string verdict;                // the "result:" text
  bool violated = false;              // the verdict found violations
  std::string svg;                    // dot -Tsvg output; empty when the input was unreadable
  std::vector<std::string> findings;  // one line per violation, or the read errors
  std::string checks;                 // the checks summary text
};

std::string topology_check_html(const std::vector<TopologyHtmlSection>& sections);

}  // namespace sbm::cli
